#include "remote/ssh_route.h"

#include <map>

namespace stm32mp::remote {
namespace {

using Values = std::map<std::string, std::vector<std::string>>;

// ssh -G prints one "key value" per line, keys lower-case; multi-valued keys repeat (identityfile).
Values parse(std::string_view text) {
  Values out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0) continue;
    out[std::string(line.substr(0, space))].emplace_back(line.substr(space + 1));
  }
  return out;
}

std::string first(const Values& v, const std::string& key) {
  const auto it = v.find(key);
  return it == v.end() || it->second.empty() ? std::string() : it->second.front();
}

bool differs(const Values& a, const Values& b, const std::string& key) {
  const auto ia = a.find(key);
  const auto ib = b.find(key);
  if (ia == a.end()) return false;
  return ib == b.end() || ia->second != ib->second;
}

std::string expand_home(const std::string& path, const std::string& home) {
  if (path.rfind("~/", 0) == 0 && !home.empty()) return home + path.substr(1);
  return path;
}

std::string first_word(const std::string& list) { return list.substr(0, list.find(' ')); }

// "a b c" (ssh -G prints a file list on one line, space-separated), each ~ expanded.
std::vector<std::string> expanded_words(const std::string& list, const std::string& home) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    auto end = list.find(' ', pos);
    if (end == std::string::npos) end = list.size();
    if (end > pos) out.push_back(expand_home(list.substr(pos, end - pos), home));
    pos = end + 1;
  }
  return out;
}

std::string joined_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Host names that reach a shell through %h: letters, digits and the characters of names and IPv4/IPv6
// addresses only (OpenSSH 9.x refuses the same for its own %h since CVE-2023-51385).
bool plain_name(const std::string& s) {
  if (s.empty() || s.front() == '-') return false;
  for (const unsigned char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

core::expected<SshRoute, std::string> route_from_ssh_g(std::string_view resolved, std::string_view baseline,
                                                       const std::string& home) {
  if (resolved.size() > kMaxSshGOutput) return core::unexpected{std::string("ssh -G printed more than 256 KiB")};
  const Values r = parse(resolved);
  const Values b = parse(baseline);
  if (first(r, "hostname").empty() || first(r, "port").empty()) {
    return core::unexpected{std::string("ssh -G printed no hostname/port lines")};
  }
  SshRoute route;
  route.hostname = first(r, "hostname");
  if (differs(r, b, "hostname")) route.from_config.push_back("hostname " + route.hostname);
  if (differs(r, b, "port")) {
    try {
      route.port = std::stoi(first(r, "port"));
    } catch (const std::exception&) {
      return core::unexpected{"ssh -G printed a port that is not a number: " + first(r, "port")};
    }
    if (route.port < 1 || route.port > 65535) return core::unexpected{"ssh -G printed port " + first(r, "port")};
    route.from_config.push_back("port " + std::to_string(route.port));
  }
  if (differs(r, b, "user")) {
    route.user = first(r, "user");
    route.from_config.push_back("user " + route.user);
  }
  if (differs(r, b, "identityfile")) {
    for (const auto& f : r.at("identityfile")) route.identity_files.push_back(expand_home(f, home));
    route.from_config.push_back("identityfile " + route.identity_files.front());
  }
  if (differs(r, b, "userknownhostsfile")) {
    route.known_hosts = expand_home(first_word(first(r, "userknownhostsfile")), home);
    route.from_config.push_back("userknownhostsfile " + route.known_hosts);
  }
  if (differs(r, b, "hostkeyalias")) {
    route.host_key_alias = first(r, "hostkeyalias");
    route.from_config.push_back("hostkeyalias " + route.host_key_alias);
  }
  if (differs(r, b, "stricthostkeychecking")) {
    route.strict_host_key_checking = first(r, "stricthostkeychecking");
    route.from_config.push_back("stricthostkeychecking " + route.strict_host_key_checking);
  }
  if (differs(r, b, "globalknownhostsfile")) {
    route.global_known_hosts = expanded_words(first(r, "globalknownhostsfile"), home);
    route.from_config.push_back("globalknownhostsfile " + joined_words(route.global_known_hosts));
  }
  if (differs(r, b, "identitiesonly") && first(r, "identitiesonly") == "yes") {
    route.identities_only = true;
    route.from_config.push_back("identitiesonly yes");
  }
  if (differs(r, b, "certificatefile")) {
    for (const auto& f : r.at("certificatefile")) route.certificate_files.push_back(expand_home(f, home));
    route.from_config.push_back("certificatefile " + joined_words(route.certificate_files));
  }
  if (differs(r, b, "identityagent")) {
    const std::string agent = first(r, "identityagent");
    route.identity_agent = agent == "none" || agent == "SSH_AUTH_SOCK" ? agent : expand_home(agent, home);
    route.from_config.push_back("identityagent " + route.identity_agent);
  }
  const std::string command = first(r, "proxycommand");
  if (!command.empty() && command != "none" && differs(r, b, "proxycommand")) {
    route.proxy_command = command;
    route.from_config.push_back("proxycommand " + command);
  }
  const std::string jump = first(r, "proxyjump");
  if (!jump.empty() && jump != "none" && differs(r, b, "proxyjump")) {
    route.proxy_jump = jump;
    route.from_config.push_back("proxyjump " + jump);
  }
  return route;
}

core::expected<std::vector<std::string>, std::string> ssh_g_arguments(const std::string& host,
                                                                      const std::string& config_file) {
  if (host.empty() || host.front() == '-') return core::unexpected{"'" + host + "' is not a host name"};
  std::vector<std::string> args{"-G"};
  if (!config_file.empty()) {
    args.push_back("-F");
    args.push_back(config_file);
  }
  args.push_back("--");
  args.push_back(host);
  return args;
}

core::expected<std::vector<std::string>, std::string> proxy_argv(const SshRoute& route, const std::string& alias,
                                                                int port, const std::string& user,
                                                                const std::string& config_file) {
  if (!plain_name(route.hostname)) {
    return core::unexpected{"the host name '" + route.hostname + "' has characters a proxy command could run"};
  }
  const std::string target = route.hostname.find(':') != std::string::npos && route.hostname.front() != '['
                                 ? "[" + route.hostname + "]"
                                 : route.hostname;
  if (!route.proxy_jump.empty()) {
    std::vector<std::string> argv{"ssh"};
    if (!config_file.empty()) argv.insert(argv.end(), {"-F", config_file});
    argv.insert(argv.end(), {"-o", "BatchMode=yes", "-o", "ClearAllForwardings=yes"});
    std::string jumps = route.proxy_jump;
    const auto comma = jumps.find_last_of(',');
    std::string last = comma == std::string::npos ? jumps : jumps.substr(comma + 1);
    if (comma != std::string::npos) argv.insert(argv.end(), {"-J", jumps.substr(0, comma)});
    if (last.empty() || last.front() == '-') return core::unexpected{"ProxyJump '" + jumps + "' names no host"};
    // "user@host:port" is not an ssh destination; its URI form is (OpenSSH >= 7.7).
    if (last.find(':') != std::string::npos && last.find('[') == std::string::npos && last.rfind("ssh://", 0) != 0) {
      last = "ssh://" + last;
    }
    argv.insert(argv.end(), {"-W", target + ":" + std::to_string(port), "--", last});
    return argv;
  }
  if (route.proxy_command.empty()) return core::unexpected{std::string("no proxy in the configuration")};
  std::string expanded;
  const std::string& c = route.proxy_command;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i] != '%' || i + 1 == c.size()) {
      expanded.push_back(c[i]);
      continue;
    }
    const char t = c[++i];
    if (t == 'h') {
      expanded += route.hostname;
    } else if (t == 'p') {
      expanded += std::to_string(port);
    } else if (t == 'r') {
      if (!plain_name(user)) return core::unexpected{"the user name '" + user + "' has characters a proxy command could run"};
      expanded += user;
    } else if (t == 'n') {
      if (!plain_name(alias)) return core::unexpected{"the host alias '" + alias + "' has characters a proxy command could run"};
      expanded += alias;
    } else if (t == '%') {
      expanded.push_back('%');
    } else {
      return core::unexpected{std::string("ProxyCommand token %") + t + " is not supported (only %h %p %r %n %%)"};
    }
  }
  return std::vector<std::string>{"/bin/sh", "-c", "exec " + expanded};  // proxy_command_line reads it back
}

std::string proxy_command_line(const std::vector<std::string>& argv) {
  constexpr std::string_view kExec = "exec ";
  if (argv.size() != 3 || argv[0] != "/bin/sh" || argv[1] != "-c" || argv[2].rfind(kExec, 0) != 0) return "";
  return argv[2].substr(kExec.size());
}

std::string describe_proxy(const SshRoute& route) {
  if (!route.proxy_jump.empty()) return "ProxyJump " + route.proxy_jump;
  if (!route.proxy_command.empty()) return "ProxyCommand " + route.proxy_command;
  return "";
}

}  // namespace stm32mp::remote
