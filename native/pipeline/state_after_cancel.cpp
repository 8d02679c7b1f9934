#include "pipeline/state_after_cancel.h"

#include "core/progress.h"
#include "remote/probe_output.h"
#include "remote/rproc_commands.h"
#include "steps/ssh_step.h"

namespace stm32mp::pipeline {
namespace {

// The instance's state as one listing shows it, or why not.
std::string read_state(ports::BoardSession& board, const std::string& instance, const core::Deadline& deadline,
                       const core::CancelToken& fresh, bool& transport_failed) {
  auto reply = board.exec(remote::list_instances_script(), deadline, fresh);
  if (!reply) {
    transport_failed = true;
    return "unknown: " + reply.error().message;
  }
  auto parsed = remote::ProbeOutput::parse(reply->out);
  if (!parsed || !parsed->has("probe.end")) return "unknown: the listing's reply was cut short";
  for (const auto& i : remote::parse_instances(*parsed)) {
    if (i.name != instance) continue;
    return "remoteproc" + std::to_string(i.index) + " (" + i.name + "): " + i.state +
           (i.firmware.empty() ? "" : ", firmware " + i.firmware);
  }
  return "unknown: no remoteproc instance is named " + instance + " now";
}

}  // namespace

std::string state_after_cancel(RunState& state, Ports& ports, const std::string& instance, int budget_ms) {
  // The run's token is set: this short read has its own, bounded by the budget.
  const core::CancelToken fresh;
  const core::Deadline deadline(core::Millis{budget_ms});
  bool transport_failed = false;
  std::string result = "unknown: no SSH session";
  if (state.session) {
    result = read_state(*state.session, instance, deadline, fresh, transport_failed);
    if (!transport_failed) return result;
  }
  // The cancel cut the session's command half-way (the session is unusable after that): a new one.
  if (!ports.network || !ports.ssh) return result;
  core::NullProgress progress;
  core::StepControl control{fresh, deadline, progress};
  std::shared_ptr<ports::BoardSession> session;
  (void)steps::check_ssh(state.settings, nullptr, *ports.network, *ports.ssh, control, session);
  if (!session) return result + "; a new session could not be opened within " + std::to_string(budget_ms) + " ms";
  auto again = read_state(*session, instance, deadline, fresh, transport_failed);
  return again + " (read over a new session: the cancelled one was cut)";
}

}  // namespace stm32mp::pipeline
