#include "steps/board_route.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "ports/platform.h"
#include "steps/network_step.h"
#include "steps/route_login.h"
#include "steps/ssh_step.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using PKind = ports::ProcessError::Kind;

constexpr std::size_t kMaxStderr = 4096;

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto nl = text.find_last_of('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// ssh -G names the problem first ("…: line 2: Bad configuration option: hostnmae"), then gives up.
std::string first_line(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
  const auto end = text.find_first_of("\r\n", start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::int64_t ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

// `ssh ARGS`, bounded; the failure as the fact "reason", or nothing with the output in `out`.
std::optional<std::string> run_ssh(ports::ChildProcesses& processes, const std::vector<std::string>& args,
                                   core::StepControl& control, std::string& out, bool& no_client) {
  std::vector<std::string> argv{"ssh"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto ran = processes.run(argv, remote::kMaxSshGOutput + 1, control.deadline, control.cancel);
  if (!ran) {
    no_client = ran.error().kind == PKind::not_found;
    return ran.error().message;
  }
  if (ran->exit_status != 0) {
    const std::string said = first_line(ran->err.substr(0, kMaxStderr));
    return "ssh exited with status " + std::to_string(ran->exit_status) + (said.empty() ? "" : ": " + said);
  }
  out = std::move(ran->out);
  return std::nullopt;
}

// What the configuration says and was not given to us explicitly goes into `s`; the rest is reported.
void apply(const remote::SshRoute& route, const std::string& alias, core::Settings& s, core::StepReport& r) {
  std::vector<std::string> kept;
  s.host = route.hostname;
  if (route.port != 0) {
    if (s.port_given && s.port != route.port) {
      kept.push_back("port " + std::to_string(s.port) + " (the configuration says " + std::to_string(route.port) + ")");
    } else {
      s.port = route.port;
    }
  }
  if (!route.user.empty()) {
    if (s.user_given && s.user != route.user) {
      kept.push_back("user " + s.user + " (the configuration says " + route.user + ")");
    } else {
      s.user = route.user;
    }
  }
  if (!route.identity_files.empty()) {
    if (!s.identity.empty()) {
      kept.push_back("identity " + s.identity);
    } else {
      // OpenSSH tries each; the first that exists is the one a login would use.
      s.identity = route.identity_files.front();
      for (const auto& f : route.identity_files) {
        std::error_code ec;
        if (std::filesystem::exists(f, ec)) {
          s.identity = f;
          break;
        }
      }
    }
  }
  if (!route.known_hosts.empty()) {
    if (!s.known_hosts.empty()) {
      kept.push_back("known_hosts " + s.known_hosts);
    } else {
      s.known_hosts = route.known_hosts;
    }
  }
  apply_route_login(route, alias, s, r, kept);
  if (!kept.empty()) r.observed.set("options_over_ssh_config", joined(kept, "; "));
}

// Starts the proxy and waits until the server's first byte comes through it (then SSH can start), the
// proxy exits (it could not reach the board), the deadline passes or the run is cancelled.
std::shared_ptr<ports::TcpStream> open_proxy(const BoardRoute& route, const core::Settings& s,
                                             ports::ChildProcesses& processes, core::StepControl& control,
                                             core::StepReport& r) {
  const std::string proxy = remote::describe_proxy(route.route);
  core::Facts facts{{"host", route.alias}, {"hostname", s.host}, {"port", std::to_string(s.port)},
                    {"proxy", proxy}, {"ssh_config", route.ssh_config}};
  const auto started = std::chrono::steady_clock::now();
  auto launched = processes.start_proxy(route.proxy_argv);
  if (!launched) {
    facts.set("reason", launched.error().message);
    r.add(Code::ProxyNotStarted, std::move(facts));
    return nullptr;
  }
  auto stream = launched.value();
  for (;;) {
    if (control.cancel.cancelled()) {
      r.skip("the run was cancelled while the proxy connected");
      return nullptr;
    }
    if (control.deadline.expired()) {
      facts.set("elapsed_ms", std::to_string(ms_since(started)));
      const std::string said = last_line(stream->stderr_text());
      facts.set("reason", said.empty() ? "the proxy is running but nothing came through it" : "the proxy said: " + said);
      r.add(Code::ProxyNoAnswer, std::move(facts));
      return nullptr;
    }
    const auto incoming = stream->peek(control.deadline.slice());
    if (incoming == ports::ProxyStream::Incoming::data) break;  // the server's banner is on its way
    if (incoming == ports::ProxyStream::Incoming::end_of_file) {
      // The proxy closed its output: it is exiting. Give it a moment to say why.
      for (int i = 0; i < 60 && !stream->exit_status(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (const auto status = stream->exit_status()) {
      facts.set("exit_status", std::to_string(*status));
      facts.set("elapsed_ms", std::to_string(ms_since(started)));
      const std::string said = last_line(stream->stderr_text());
      facts.set("reason", said.empty() ? "it printed nothing" : said);
      r.add(Code::ProxyExited, std::move(facts));
      return nullptr;
    }
  }
  r.observed.set("proxy_ms", std::to_string(ms_since(started)));
  return stream;
}

}  // namespace

std::string known_hosts_name(const core::Settings& effective, const std::optional<BoardRoute>& route) {
  if (route && !route->route.host_key_alias.empty()) return route->route.host_key_alias;
  return effective.host;
}

std::shared_ptr<ports::BoardSession> open_another_session(const core::Settings& s, const std::optional<BoardRoute>& route,
                                                          ports::Network& network, ports::SshConnector& connector,
                                                          ports::ChildProcesses* processes, const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) {
  std::shared_ptr<ports::TcpStream> stream;
  if (route && !route->proxy_argv.empty()) {
    if (processes == nullptr) return nullptr;
    auto launched = processes->start_proxy(route->proxy_argv);
    if (!launched) return nullptr;
    stream = launched.value();
  } else {
    auto connected = network.connect(s.host, s.port, deadline, cancel);
    if (!connected) return nullptr;
    stream = connected.value().stream;
  }
  auto options = login_options(s);
  options.host = known_hosts_name(s, route);
  options.accept_new_host_key = false;  // the first login already stored or checked the key
  auto opened = connector.open(std::move(stream), options, deadline, cancel);
  return opened ? opened.value().session : nullptr;
}

std::string route_identity(const std::optional<BoardRoute>& route) {
  if (!route) return {};
  std::string id = "proxy:";
  for (const auto& a : route->proxy_argv) id += a + '\0';
  return id + "\nalias:" + route->route.host_key_alias;
}

core::StepReport check_network_with_config(core::Settings& s, ports::Network& network, ports::ChildProcesses* processes,
                                           const std::vector<devices::ConsoleAddress>& console_addresses,
                                           core::StepControl& control, std::shared_ptr<ports::TcpStream>& connection,
                                           std::optional<BoardRoute>& route, const KeptConnection& kept) {
  const std::string config_label = s.ssh_config == "default" ? "OpenSSH's own files (~/.ssh/config)" : s.ssh_config;
  const std::string config_file = s.ssh_config == "default" ? "" : s.ssh_config;
  auto r = core::report_of(core::StepId::Network);
  if (s.host.empty()) {
    r.skip("no board address (--host)");
    return r;
  }
  r.observed.set("ssh_config", config_label);
  r.observed.set("host_alias", s.host);
  core::Facts facts{{"host", s.host}, {"ssh_config", config_label}};
  const auto args = remote::ssh_g_arguments(s.host, config_file);
  const auto baseline_args = remote::ssh_g_arguments(s.host, "/dev/null");
  std::string resolved;
  std::string baseline;
  bool no_client = processes == nullptr;
  std::optional<std::string> failed = processes == nullptr
                                          ? std::optional<std::string>("this build cannot run programs (no process support on this platform)")
                                          : std::nullopt;
  if (!args || !baseline_args) failed = args ? baseline_args.error() : args.error();
  if (!failed) failed = run_ssh(*processes, *args, control, resolved, no_client);
  if (!failed) failed = run_ssh(*processes, *baseline_args, control, baseline, no_client);
  if (failed && control.cancel.cancelled()) {
    r.skip("the run was cancelled while the SSH configuration was read");
    return r;
  }
  if (failed && no_client) {
    facts.set("reason", *failed);
    r.add(Code::SshConfigNoClient, std::move(facts));
  } else if (failed) {
    facts.set("reason", *failed);
    facts.set("ssh_g", "ssh -G " + (config_file.empty() ? std::string() : "-F " + config_file + " ") + s.host);
    r.add(Code::SshConfigFailed, std::move(facts));
    return r;
  } else {
    auto parsed = remote::route_from_ssh_g(resolved, baseline, ports::home_directory());
    if (!parsed) {
      facts.set("reason", parsed.error());
      facts.set("ssh_g", "ssh -G " + (config_file.empty() ? std::string() : "-F " + config_file + " ") + s.host);
      r.add(Code::SshConfigFailed, std::move(facts));
      return r;
    }
    BoardRoute found{s.host, config_label, *parsed, {}};
    r.observed.set("from_ssh_config", found.route.from_config.empty() ? "nothing for this host"
                                                                     : joined(found.route.from_config, "; "));
    apply(found.route, found.alias, s, r);
    if (!remote::describe_proxy(found.route).empty()) {
      auto argv = remote::proxy_argv(found.route, found.alias, s.port, s.user, config_file);
      if (!argv) {
        facts.set("reason", argv.error());
        facts.set("proxy", remote::describe_proxy(found.route));
        r.add(Code::ProxyRefused, std::move(facts));
        return r;
      }
      found.proxy_argv = *argv;
    }
    route = std::move(found);
  }

  const bool proxied = route && !route->proxy_argv.empty();
  const auto reused = kept ? kept() : std::nullopt;  // a session kept along this same route
  if (proxied || reused) {
    r.observed.set("hostname", s.host);
    r.observed.set("port", std::to_string(s.port));
    if (proxied) r.observed.set("proxy", remote::describe_proxy(route->route));
  }
  if (reused) {
    r.observed.set("connection", *reused);
    return r;
  }
  if (proxied) {
    connection = open_proxy(*route, s, *processes, control, r);
    if (connection) r.observed.set("connection", "through the proxy");
    return r;
  }
  // Direct: the plain network step on the resolved name and port; this report's facts come first.
  auto direct = check_network({s.host, s.port, console_addresses}, network, control, connection);
  for (const auto& [key, value] : direct.observed) r.observed.set(key, value);
  for (auto& d : direct.diagnostics) r.add(std::move(d));
  if (direct.status == core::StepStatus::skipped) r.skip(direct.observed.get("skipped_because").value_or("skipped"));
  return r;
}

}  // namespace stm32mp::steps
