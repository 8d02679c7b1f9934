#include "adapters/libssh2/ssh_authenticator.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "adapters/libssh2/auth_attempts.h"
#include "files/utf8_path.h"
#include "ports/platform.h"

namespace stm32mp::adapters::libssh2 {
namespace detail {

ports::SshFailure Attempts::verdict() const {
  const std::string who = o_.user + "@" + o_.host;
  if (denied_after_accept_) {
    if (o_.user == "root") {
      return fail(Kind::root_login_refused, "the server accepted the key but does not allow root to log in");
    }
    return fail(Kind::key_rejected, "the server accepted the key but refused the login of " + o_.user);
  }
  if (!identity_problem_.empty()) return fail(Kind::identity_unusable, identity_problem_);
  if (rsa_refused_ && !other_key_refused_ && !password_refused_) {
    const int version = openssh_version(facts_.server_banner);
    if (version == 0 || version >= 88) {
      return fail(Kind::rsa_sha1_rejected,
                  "the RSA key was refused; libssh2 " LIBSSH2_VERSION " signs RSA only with ssh-rsa (SHA-1), which "
                  "OpenSSH 8.8 and later reject by default");
    }
  }
  if (password_refused_) return fail(Kind::password_rejected, "the server refused the password for " + who);
  if (rsa_refused_ || other_key_refused_) return fail(Kind::key_rejected, "the server refused every key offered for " + who);
  // Say which side lacks something: a password was given but the server takes none, or nothing was given.
  const bool takes_passwords = facts_.auth_methods_offered.find("password") != std::string::npos ||
                               facts_.auth_methods_offered.find("keyboard-interactive") != std::string::npos;
  std::string why;
  if (!o_.password.empty() && !takes_passwords) {
    why = "; a password was given, but the server does not accept password logins";
  } else if (!tried_something_) {
    why = o_.password.empty() ? "; no key file, no ssh-agent key and no password to offer"
                              : "; no key file and no ssh-agent key to offer";
  }
  return fail(Kind::no_method, "no authentication method left: the server offers " + facts_.auth_methods_offered + why);
}

std::optional<ports::SshFailure> Attempts::run() {
  const auto started = core::SteadyClock::now();
  const auto finish = [&] {
    facts_.auth_ms = std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - started).count();
  };
  std::string methods;
  const auto listed = ssh_.pump(
      [&] {
        const char* list = libssh2_userauth_list(ssh_.get(), o_.user.c_str(), static_cast<unsigned>(o_.user.size()));
        if (list != nullptr) {
          methods = list;
          return 0;
        }
        if (libssh2_userauth_authenticated(ssh_.get()) != 0) return 1;
        const int e = ssh_.last_errno();
        return e == 0 ? LIBSSH2_ERROR_PROTO : e;
      },
      deadline_, cancel_);
  if (!listed) {
    finish();
    return fail(listed.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                "the server did not list its authentication methods in time");
  }
  if (listed.value() == 1) {
    // The server accepted "none": a development board with an empty root password.
    facts_.auth_methods_offered = "none";
    facts_.auth_method = "none";
    finish();
    return std::nullopt;
  }
  if (listed.value() != 0) {
    finish();
    return fail(is_transport_error(listed.value()) ? Kind::disconnected : Kind::failure,
                "asking the server for its authentication methods failed: " + ssh_.last_error());
  }
  facts_.auth_methods_offered = methods;

  const auto done = [&](Outcome r) { return r == Outcome::success || r == Outcome::stop; };
  Outcome r = Outcome::unusable;
  if (offers(methods, "publickey")) {
    // SSH_AUTH_SOCK first, as OpenSSH does; Windows' agent otherwise listens on its named pipe.
    // IdentityAgent PATH (from the SSH configuration) replaces both.
    const char* agent_env = std::getenv("SSH_AUTH_SOCK");
    const std::string agent_socket = !o_.agent_socket.empty() ? o_.agent_socket
                                     : agent_env != nullptr && *agent_env != '\0' ? std::string(agent_env)
                                                                                  : ports::default_agent_address();
    const bool agent = o_.use_agent && !agent_socket.empty();
    if (!o_.identity.empty()) {
      r = try_file(o_.identity, true);
      if (!done(r) && agent) r = try_agent(agent_socket);
    } else {
      if (agent) r = try_agent(agent_socket);
      const auto home = ports::home_directory();
      for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        if (done(r) || home.empty()) break;
        const std::string path = home + "/.ssh/" + name;
        std::error_code ec;
        if (std::filesystem::exists(files::utf8_path(path), ec)) r = try_file(path, false);
      }
    }
  }
  if (!done(r) && !o_.password.empty() && offers(methods, "password")) r = try_password();
  if (!done(r) && !o_.password.empty() && offers(methods, "keyboard-interactive")) r = try_keyboard_interactive();
  finish();
  if (r == Outcome::success) return std::nullopt;
  if (r == Outcome::stop && stopped_) {
    // A server that hangs up after refusals (MaxAuthTries) is diagnosed by the refusals.
    if (stopped_->kind == Kind::disconnected && tried_something_ &&
        (denied_after_accept_ || rsa_refused_ || other_key_refused_ || password_refused_)) {
      return verdict();
    }
    stopped_->facts = facts_;
    return stopped_;
  }
  return verdict();
}

}  // namespace detail


int openssh_version(const std::string& banner) {
  static const std::regex kVersion(R"(OpenSSH_(\d+)\.(\d+))");
  std::smatch m;
  if (!std::regex_search(banner, m, kVersion)) return 0;
  return std::stoi(m[1].str()) * 10 + std::min(9, std::stoi(m[2].str()));
}

std::optional<ports::SshFailure> authenticate(SshSession& ssh, const ports::SshOptions& options, ports::SshFacts& facts,
                                              const core::Deadline& deadline, const core::CancelToken& cancel) {
  detail::Attempts attempts(ssh, options, facts, deadline, cancel);
  return attempts.run();
}

}  // namespace stm32mp::adapters::libssh2
