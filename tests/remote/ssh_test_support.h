#pragma once
// Helpers for the network/ssh tests: open a real session on a simulated board (or any sshd) through
// the real adapters, the same way the network and ssh steps do.
#include <chrono>
#include <memory>
#include <string>

#include "adapters/libssh2/libssh2_connector.h"
#include "adapters/posix/posix_network.h"
#include "core/cancellation.h"
#include "ports/ssh_connector.h"

namespace stm32mp::testing {

using Clock = std::chrono::steady_clock;

inline long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

struct OpenResult {
  core::expected<ports::SshConnection, ports::SshFailure> ssh{core::unexpected{ports::SshFailure{}}};
  long long connect_ms = 0;
  long long total_ms = 0;
};

inline OpenResult open_session(const ports::SshOptions& options, core::Millis budget = core::Millis{20000},
                               const core::CancelToken* cancel_token = nullptr) {
  static const core::CancelToken never;
  const core::CancelToken& cancel = cancel_token != nullptr ? *cancel_token : never;
  OpenResult r;
  const auto started = Clock::now();
  const core::Deadline deadline(budget);
  adapters::posix::PosixNetwork network;
  auto tcp = network.connect(options.host, options.port, deadline, cancel);
  r.connect_ms = ms_since(started);
  if (!tcp) {
    r.ssh = core::unexpected{ports::SshFailure{ports::SshFailure::Kind::failure, "connect: " + tcp.error().message, {}}};
    return r;
  }
  adapters::libssh2::Libssh2Connector connector;
  r.ssh = connector.open(tcp.value().stream, options, deadline, cancel);
  r.total_ms = ms_since(started);
  return r;
}

}  // namespace stm32mp::testing
