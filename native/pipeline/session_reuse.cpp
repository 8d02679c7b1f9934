#include "pipeline/session_reuse.h"
#include "pipeline/kept_facts.h"
#include "core/step_report_of.h"

#include <chrono>

namespace stm32mp::pipeline {
namespace {

std::int64_t age_ms(const SessionLease& lease) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(core::SteadyClock::now() - lease.opened).count();
}

}  // namespace

void take_kept_session(RunState& state, core::StepControl& control) {
  if (!state.pool || state.reuse_tried) return;
  state.reuse_tried = true;
  if (state.settings.host.empty()) return;
  // With --ssh-config this runs once the route is resolved (the network step's hook): the settings then hold
  // what the configuration resolved, and the key the route itself, so an edited configuration is another key.
  auto taken = state.pool->take(session_key(state.settings, steps::route_identity(state.route)), control.deadline,
                                control.cancel);
  if (!taken) {
    state.reuse_note = taken.error();
    return;
  }
  state.lease = std::move(taken.value());
  state.session = state.lease->session;
}

steps::KeptConnection kept_connection(RunState& state, core::StepControl& control) {
  return [&state, &control]() -> std::optional<std::string> {
    take_kept_session(state, control);
    return reused_connection(state);
  };
}

std::optional<std::string> reused_connection(const RunState& state) {
  if (!state.lease || !state.lease->reused) return std::nullopt;
  return "the SSH session of an earlier check (" + age_text(age_ms(*state.lease)) +
         " old) answered just now: no new connection";
}

std::optional<core::StepReport> reused_network_report(const RunState& state) {
  auto connection = reused_connection(state);
  if (!connection) return std::nullopt;
  auto r = core::report_of(core::StepId::Network);
  r.observed.set("host", state.settings.host);
  r.observed.set("port", std::to_string(state.settings.port));
  r.observed.set("connection", *connection);
  return r;
}

std::optional<core::StepReport> reused_ssh_report(const RunState& state) {
  if (!state.lease || !state.lease->reused) return std::nullopt;
  const auto& lease = *state.lease;
  auto r = core::report_of(core::StepId::Ssh);
  r.observed = lease.login;  // what its login showed (never a secret: the ssh step reports none)
  const auto age = age_ms(lease);
  r.observed.set("session", "reused (opened " + age_text(age) + " ago, check " + std::to_string(lease.checks) +
                                " on it)");
  r.observed.set("session_age_ms", std::to_string(age));
  r.add(core::Code::SessionReused, {{"endpoint", lease.key.endpoint()},
                                    {"session_age", age_text(age)},
                                    {"session_checks", std::to_string(lease.checks)},
                                    {"idle_limit", age_text(state.pool->idle_limit().count())}});
  return r;
}

void lend_new_session(RunState& state, core::StepReport& ssh_report) {
  if (!state.pool || !state.session) return;
  // After the login: accept-new may have stored the host key.
  auto key = session_key(state.settings, steps::route_identity(state.route));
  const auto endpoint = key.endpoint();
  state.lease = SessionPool::lease_new(std::move(key), state.session, ssh_report.observed);
  state.session = state.lease->session;
  ssh_report.observed.set("session", "new, kept for the next check");
  if (!state.reuse_note.empty() && state.reuse_note != "none kept") {
    ssh_report.add(core::Code::SessionNotReused, {{"endpoint", endpoint}, {"reason", state.reuse_note}});
  }
}

void give_back_session(RunState& state) {
  if (!state.pool || !state.lease) return;
  state.lease->board = facts_after_run(state);
  state.session.reset();
  state.pool->give_back(std::move(*state.lease));
  state.lease.reset();
}

}  // namespace stm32mp::pipeline
