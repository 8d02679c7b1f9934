#pragma once
// The authentication attempts of one login (ssh_authenticator.h): each way to log in in its own
// method, with the outcome the verdict is drawn from. Internal to the adapter.
#include <optional>
#include <string>

#include "adapters/libssh2/ssh_session.h"
#include "adapters/posix/ssh_agent_client.h"
#include "ports/ssh_connector.h"

namespace stm32mp::adapters::libssh2::detail {

using Kind = ports::SshFailure::Kind;

// One login: the attempts in order (ssh_authenticator.cpp's run) and what each one showed.
class Attempts {
 public:
  Attempts(SshSession& ssh, const ports::SshOptions& o, ports::SshFacts& f, const core::Deadline& d,
           const core::CancelToken& c)
      : ssh_(ssh), o_(o), facts_(f), deadline_(d), cancel_(c) {}

  std::optional<ports::SshFailure> run();

 private:
  enum class Outcome { success, refused, denied_after_accept, unusable, stop };

  Outcome classify_key(long long rc, const std::string& type, const std::string& what);
  Outcome try_file(const std::string& path, bool explicit_identity);
  Outcome try_agent(const std::string& socket);
  // A failed agent exchange: unreachable or unusable agents are skipped, a silent one ends the login.
  Outcome agent_failed(const posix::AgentError& e, const std::string& socket, core::SteadyClock::time_point asked);
  Outcome try_password();
  Outcome try_keyboard_interactive();
  void note(const std::string& text) {
    if (!facts_.auth_tried.empty()) facts_.auth_tried += "; ";
    facts_.auth_tried += text;
  }
  ports::SshFailure fail(Kind kind, std::string message) const { return ports::SshFailure{kind, std::move(message), facts_}; }
  [[nodiscard]] ports::SshFailure verdict() const;

  SshSession& ssh_;
  const ports::SshOptions& o_;
  ports::SshFacts& facts_;
  const core::Deadline& deadline_;
  const core::CancelToken& cancel_;
  std::optional<ports::SshFailure> stopped_;  // interrupt or lost connection
  bool denied_after_accept_ = false;
  bool rsa_refused_ = false;
  bool other_key_refused_ = false;
  bool password_refused_ = false;
  std::string identity_problem_;
  bool tried_something_ = false;
};

// True when the comma-separated list `methods` holds `method`.
[[nodiscard]] bool offers(const std::string& methods, const std::string& method);

}  // namespace stm32mp::adapters::libssh2::detail
