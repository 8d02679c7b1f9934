#pragma once
// The network step when the user asked for their own SSH configuration (--ssh-config): OpenSSH's
// resolution of the host (`ssh -G`: Host alias, HostName, Port, User, IdentityFile, UserKnownHostsFile,
// HostKeyAlias, ProxyJump/ProxyCommand), applied under the options given to us (those win), and the
// proxy program that then carries the SSH connection instead of a TCP connect of ours.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/runner.h"
#include "core/settings.h"
#include "core/step_report.h"
#include "devices/console_addresses.h"
#include "ports/child_processes.h"
#include "ports/network.h"
#include "ports/ssh_connector.h"
#include "remote/ssh_route.h"

namespace stm32mp::steps {

struct BoardRoute {
  std::string alias;                    // the host as the user gave it
  std::string ssh_config;               // the file read ("OpenSSH's own files" for default)
  remote::SshRoute route;
  std::vector<std::string> proxy_argv;  // empty: a direct TCP connection
};

// Step `network` with --ssh-config: resolves `effective.host` through `processes` (null: this platform
// cannot run the OpenSSH client; a warning, and the given settings are used as they are), rewrites
// `effective` (host, port, user, identity, known_hosts) with what the configuration says and was not
// given explicitly, then connects directly or through the proxy — unless `kept` (called once the route is
// resolved) returns a text: a session kept from an earlier check along the same route is used, and the text
// says so in the report instead of a connection of its own.
using KeptConnection = std::function<std::optional<std::string>()>;
[[nodiscard]] core::StepReport check_network_with_config(core::Settings& effective, ports::Network& network,
                                                         ports::ChildProcesses* processes,
                                                         const std::vector<devices::ConsoleAddress>& console_addresses,
                                                         core::StepControl& control,
                                                         std::shared_ptr<ports::TcpStream>& connection,
                                                         std::optional<BoardRoute>& route,
                                                         const KeptConnection& kept = {});

// What identifies a route for the session pool: the proxy program's argv and the HostKeyAlias ("" for none).
[[nodiscard]] std::string route_identity(const std::optional<BoardRoute>& route);

// The name known_hosts is searched for (HostKeyAlias when the configuration sets one).
[[nodiscard]] std::string known_hosts_name(const core::Settings& effective, const std::optional<BoardRoute>& route);

// A new login to the board along the same route with the same options (a direct connect, or the same
// proxy), for the upload's cleanup after the run's session broke. nullptr when it fails in time.
[[nodiscard]] std::shared_ptr<ports::BoardSession> open_another_session(const core::Settings& effective,
                                                                      const std::optional<BoardRoute>& route,
                                                                      ports::Network& network,
                                                                      ports::SshConnector& connector,
                                                                      ports::ChildProcesses* processes,
                                                                      const core::Deadline& deadline,
                                                                      const core::CancelToken& cancel);

}  // namespace stm32mp::steps
