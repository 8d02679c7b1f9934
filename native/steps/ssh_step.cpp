#include "steps/ssh_step.h"

#include "remote/ssh_server.h"
#include "steps/network_step.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using Kind = ports::SshFailure::Kind;

// Facts in the order the login learned them; empty ones are left out. Never the password.
void observe(core::Facts& f, const ports::SshFacts& s) {
  const auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) f.set(key, value);
  };
  put("server_banner", s.server_banner);
  if (!s.server_banner.empty()) put("ssh_server", remote::parse_server_banner(s.server_banner).label());
  put("kex", s.kex);
  put("cipher", s.cipher);
  put("host_key_type", s.host_key_type);
  put("host_key_fingerprint", s.host_key_fingerprint);
  put("known_host_fingerprint", s.known_host_fingerprint);
  put("host_key_status", s.host_key_status);
  put("known_hosts", s.known_hosts);
  put("known_hosts_name", s.known_hosts_name);
  put("handshake_ms", s.handshake_ms > 0 || !s.server_banner.empty() ? std::to_string(s.handshake_ms) : "");
  put("pre_banner_lines", s.pre_banner_lines > 0 ? std::to_string(s.pre_banner_lines) : "");
  put("auth_methods_offered", s.auth_methods_offered);
  put("auth_tried", s.auth_tried);
  put("auth_method", s.auth_method);
  put("identity", s.identity);
  put("identity_type", s.identity_type);
  put("agent_socket", s.agent_socket);
  put("agent_wait_ms", s.agent_wait_ms > 0 ? std::to_string(s.agent_wait_ms) : "");
  put("auth_ms", s.auth_method.empty() && s.auth_tried.empty() ? "" : std::to_string(s.auth_ms));
}

// The facts a login diagnosis quotes (the templates' keys and the evidence); the step's other facts
// (timings, algorithms) stay in the step's own list.
core::Facts evidence(const core::Facts& observed) {
  core::Facts out;
  for (const char* key : {"user", "server_banner", "pre_banner_lines", "host_key_type", "host_key_fingerprint", "known_host_fingerprint",
                          "known_hosts", "known_hosts_name", "auth_methods_offered", "auth_tried", "identity",
                          "identity_type", "agent_socket", "agent_wait_ms"}) {
    if (auto value = observed.get(key)) out.set(key, *value);
  }
  return out;
}

Code code_for(Kind kind) {
  switch (kind) {
    case Kind::timeout:
      return Code::SshTimeout;
    case Kind::disconnected:
      return Code::SshDisconnected;
    case Kind::handshake:
      return Code::HandshakeFailed;
    case Kind::known_hosts_unreadable:
    case Kind::host_key_not_stored:
      return Code::KnownHostsUnreadable;
    case Kind::host_key_unknown:
      return Code::HostKeyUnknown;
    case Kind::host_key_changed:
      return Code::HostKeyChanged;
    case Kind::identity_unusable:
      return Code::IdentityUnusable;
    case Kind::rsa_sha1_rejected:
      return Code::RsaKeyRejected;
    case Kind::root_login_refused:
      return Code::RootLoginRefused;
    case Kind::key_rejected:
      return Code::KeyRejected;
    case Kind::password_rejected:
      return Code::PasswordRejected;
    case Kind::no_method:
      return Code::NoAuthMethod;
    case Kind::agent_timeout:
      return Code::AgentNoAnswer;
    case Kind::pre_banner_flood:
      return Code::PreBannerFlood;
    case Kind::cancelled:
    case Kind::failure:
      break;
  }
  return Code::SshFailed;
}

}  // namespace

ports::SshOptions login_options(const core::Settings& settings) {
  ports::SshOptions options;
  options.host = settings.host;
  options.port = settings.port;
  options.user = settings.user;
  options.identity = settings.identity;
  options.password = settings.password;
  options.known_hosts = settings.known_hosts;
  options.accept_new_host_key = settings.host_key_policy == "accept-new";
  options.use_agent = settings.use_agent;
  options.agent_socket = settings.agent_socket;
  options.global_known_hosts = settings.global_known_hosts;
  return options;
}

core::StepReport check_ssh(const core::Settings& settings, std::shared_ptr<ports::TcpStream> connection,
                           ports::Network& network, ports::SshConnector& connector, core::StepControl& control,
                           std::shared_ptr<ports::BoardSession>& session) {
  auto r = core::report_of(core::StepId::Ssh);
  if (settings.host.empty()) {
    r.skip("no board address (--host)");
    return r;
  }
  r.observed.set("user", settings.user);
  if (!connection) {
    const NetworkInputs net{settings.host, settings.port};
    auto connected = network.connect(settings.host, settings.port, control.deadline, control.cancel);
    if (!connected) {
      add_network_failure(r, connected.error(), net);
      return r;
    }
    connection = connected.value().stream;
    r.observed.set("connection", "new (" + connected.value().address + ")");
  } else {
    r.observed.set("connection", "opened by the network step");
  }

  const ports::SshOptions options = login_options(settings);
  if (!settings.password.empty()) r.observed.set("password", "(given, not shown)");

  auto opened = connector.open(std::move(connection), options, control.deadline, control.cancel);
  if (!opened) {
    const auto& failure = opened.error();
    observe(r.observed, failure.facts);
    if (failure.kind == Kind::cancelled) {
      r.skip("the run was cancelled during the SSH login");
      return r;
    }
    core::Facts facts = evidence(r.observed);
    facts.set("host", settings.host);
    facts.set("port", std::to_string(settings.port));
    facts.set("reason", failure.message);
    // Only the codes whose texts name a key get a default one; a password-only run names none it never used.
    const Code code = code_for(failure.kind);
    const bool names_a_key = code == Code::KeyRejected || code == Code::RsaKeyRejected || code == Code::IdentityUnusable;
    if (names_a_key && !facts.contains("identity")) {
      facts.set("identity", settings.identity.empty() ? "~/.ssh/id_ed25519" : settings.identity);
    }
    if (!facts.contains("auth_tried")) facts.set("auth_tried", "nothing");
    if (!facts.contains("known_hosts_name")) facts.set("known_hosts_name", settings.host);
    // The server's own commands in the fix texts (OpenSSH when the banner is unknown).
    const auto server = remote::parse_server_banner(failure.facts.server_banner);
    if (failure.kind == Kind::host_key_changed) {
      facts.set("host_key_command", remote::host_key_fingerprint_command(server, failure.facts.host_key_type));
    }
    if (failure.kind == Kind::password_rejected) facts.set("password_setup", remote::password_login_setup(server));
    if (failure.kind == Kind::agent_timeout) {
      if (!facts.contains("agent_socket")) facts.set("agent_socket", "$SSH_AUTH_SOCK");
      if (!facts.contains("agent_wait_ms")) facts.set("agent_wait_ms", "0");
    }
    r.add(code, std::move(facts));
    return r;
  }
  observe(r.observed, opened.value().facts);
  if (opened.value().facts.host_key_status == "stored") {
    r.add(Code::HostKeyStored, evidence(r.observed));
  }
  // libssh2 signs every RSA login with SHA-1: it works only while the board's server still accepts that.
  const auto& facts = opened.value().facts;
  if (facts.identity_type == "ssh-rsa" && facts.auth_method.rfind("publickey", 0) == 0) {
    core::Facts f = evidence(r.observed);
    f.set("ssh_server", remote::parse_server_banner(facts.server_banner).label());
    if (!f.contains("identity")) f.set("identity", "(from the ssh-agent)");
    r.add(Code::RsaSha1Login, std::move(f));
  }
  session = opened.value().session;
  return r;
}

}  // namespace stm32mp::steps
