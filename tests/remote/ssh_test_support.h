#pragma once
// Helpers for the network/ssh tests: open a real session on a simulated board (or any sshd) through
// the real adapters, the same way the network and ssh steps do.
#include <chrono>
#include <memory>
#include <string>

#include "adapters/libssh2/libssh2_connector.h"
#include "adapters/posix/posix_network.h"
#include "core/cancellation.h"
#include "core/progress.h"
#include "core/settings.h"
#include "ports/ssh_connector.h"
#include "steps/network_step.h"
#include "steps/ssh_step.h"

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

// The network and ssh steps with the real adapters, as the pipeline runs them.
struct StepRun {
  core::StepReport network;
  core::StepReport ssh;
  std::shared_ptr<ports::BoardSession> session;
  long long ms = 0;
};

inline StepRun run_steps(const core::Settings& s, int timeout_ms = 15000, const core::CancelToken* token = nullptr) {
  core::CancelToken own;
  const core::CancelToken& cancel = token != nullptr ? *token : own;
  core::NullProgress progress;
  adapters::posix::PosixNetwork network;
  adapters::libssh2::Libssh2Connector connector;
  StepRun r;
  const auto started = Clock::now();
  std::shared_ptr<ports::TcpStream> tcp;
  core::StepControl c1{cancel, core::Deadline(core::Millis{timeout_ms}), progress};
  r.network = steps::check_network({s.host, s.port}, network, c1, tcp);
  if (!r.network.failed() && r.network.status != core::StepStatus::skipped) {
    core::StepControl c2{cancel, core::Deadline(core::Millis{timeout_ms}), progress};
    r.ssh = steps::check_ssh(s, tcp, network, connector, c2, r.session);
  }
  r.ms = ms_since(started);
  return r;
}

inline std::string messages(const core::StepReport& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.message + " | ";
  return out;
}

}  // namespace stm32mp::testing
