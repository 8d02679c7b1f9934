#pragma once
// How the remote tests log in to a simulated board: its address, user, key and known_hosts, from an
// environment where no user's ssh-agent or ~/.ssh can take part.
#include <cstdlib>

#include "board_fixture.h"
#include "core/settings.h"
#include "ports/ssh_connector.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {

inline core::Settings login_settings(const boardsim::SimulatedBoard& board) {
  core::Settings s;
  s.host = board.host();
  s.port = board.port();
  s.user = board.user();
  s.identity = board.identity();
  s.known_hosts = board.known_hosts();
  return s;
}

inline ports::SshOptions login_options(const boardsim::SimulatedBoard& board) {
  ports::SshOptions o;
  o.host = board.host();
  o.port = board.port();
  o.user = board.user();
  o.identity = board.identity();
  o.known_hosts = board.known_hosts();
  return o;
}

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
