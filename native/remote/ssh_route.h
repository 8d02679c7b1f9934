#pragma once
// How the user's own OpenSSH reaches a host, read from `ssh -G HOST` (OpenSSH's resolution of Host
// aliases, Match blocks and includes, so none of that grammar is re-implemented here), and the proxy
// that carries the connection when the configuration names one. Pure functions of the texts.
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace stm32mp::remote {

// What the configuration says for one host. Only the keys whose value differs from OpenSSH's defaults
// for that host (`ssh -G -F /dev/null HOST`) count as coming from the configuration.
struct SshRoute {
  std::string hostname;        // HostName (the alias itself when none is set)
  int port = 0;                // 0: not from the configuration
  std::string user;            // "": not from the configuration
  std::vector<std::string> identity_files;  // IdentityFile, ~ expanded, in order
  std::string known_hosts;     // the first UserKnownHostsFile, ~ expanded
  std::string host_key_alias;  // HostKeyAlias: the name known_hosts is searched for
  std::string proxy_command;   // ProxyCommand, %-tokens not yet expanded
  std::string proxy_jump;      // ProxyJump: [user@]host[:port][,…]
  std::vector<std::string> from_config;  // "hostname 10.1.2.3", "port 2222", … for the report
  // StrictHostKeyChecking as ssh -G prints it (true | false | ask | accept-new); "" when not configured.
  // Only accept-new is ever applied: the check never gets laxer than our own policy.
  std::string strict_host_key_checking;
  std::vector<std::string> global_known_hosts;  // GlobalKnownHostsFile, ~ expanded; read-only
  bool identities_only = false;                 // IdentitiesOnly yes: the agent is not asked
  std::vector<std::string> certificate_files;   // CertificateFile, ~ expanded
  std::string identity_agent;  // IdentityAgent: "none", "SSH_AUTH_SOCK" or a socket path (~ expanded)
};

// The longest `ssh -G` output read (a few KiB is usual).
inline constexpr std::size_t kMaxSshGOutput = 256u << 10;

// `resolved` is `ssh -G HOST` with the user's configuration, `baseline` the same without any. `home`
// expands "~/". An error when the output is not ssh -G's ("key value" lines with hostname and port).
[[nodiscard]] core::expected<SshRoute, std::string> route_from_ssh_g(std::string_view resolved, std::string_view baseline,
                                                                     const std::string& home);

// The arguments after `ssh` that resolve `host`: ["-G", ("-F", config_file)?, "--", host]. An empty
// config_file means OpenSSH's own files. Refused (message) when `host` could be taken for an option.
[[nodiscard]] core::expected<std::vector<std::string>, std::string> ssh_g_arguments(const std::string& host,
                                                                                    const std::string& config_file);

// The proxy's argv. ProxyJump becomes OpenSSH's own `ssh -W [host]:port` through the last jump (the
// earlier ones as -J), BatchMode on because its stdin is the SSH stream, never a terminal. ProxyCommand
// runs as OpenSSH runs it, `/bin/sh -c "exec COMMAND"`, with %h %p %r %n %% expanded; a host name that
// a shell would read as more than a name is refused (the message says why), never quoted into it.
[[nodiscard]] core::expected<std::vector<std::string>, std::string> proxy_argv(const SshRoute& route,
                                                                              const std::string& alias, int port,
                                                                              const std::string& user,
                                                                              const std::string& config_file);

// The expanded ProxyCommand inside an argv made by proxy_argv ({"/bin/sh", "-c", "exec COMMAND"}), for a
// platform without /bin/sh: Windows OpenSSH starts a ProxyCommand as a command line of its own (no shell,
// PowerShell/Win32-OpenSSH#1185), so its Windows adapter does the same. "" for any other argv.
[[nodiscard]] std::string proxy_command_line(const std::vector<std::string>& argv);

// "ProxyJump gw" / "ProxyCommand socat - TCP:%h:%p" for reports; "" without a proxy.
[[nodiscard]] std::string describe_proxy(const SshRoute& route);

}  // namespace stm32mp::remote
