#pragma once
// How the remote tests log in to a simulated board: its address, user, key and known_hosts, from an
// environment where no user's ssh-agent or ~/.ssh can take part.
#include <cstdlib>

#include "board_fixture.h"
#include "core/settings.h"
#include "ports/ssh_connector.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {

// core::Settings and ports::SshOptions name these fields alike.
template <class Login>
Login login_to(const boardsim::SimulatedBoard& board) {
  Login l;
  l.host = board.host();
  l.port = board.port();
  l.user = board.user();
  l.identity = board.identity();
  l.known_hosts = board.known_hosts();
  return l;
}

inline core::Settings login_settings(const boardsim::SimulatedBoard& board) { return login_to<core::Settings>(board); }
inline ports::SshOptions login_options(const boardsim::SimulatedBoard& board) { return login_to<ports::SshOptions>(board); }

// A suite sharing one board whose tests run as on a clean machine: no SSH_AUTH_SOCK, HOME an empty directory.
class CleanLoginSuite : public boardsim::BoardSuite {
 protected:
  void SetUp() override {
    boardsim::BoardSuite::SetUp();
    unsetenv("SSH_AUTH_SOCK");
    setenv("HOME", home_.path().c_str(), 1);
  }
  TempDir home_;
};

}  // namespace stm32mp::testing
