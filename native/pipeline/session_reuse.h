#pragma once
// The run's side of the session pool (pipeline/session_pool.h): take the kept session before the network
// step would connect, lend a newly opened one to the pool, give it back when the run ends.
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "pipeline/run_state.h"
#include "steps/board_route.h"

namespace stm32mp::pipeline {

// Once per run (network or ssh, whichever runs first; with --ssh-config once the route is resolved): the pool's
// session for the run's settings and route goes to state.session; the reason none could be used is kept for
// the ssh step's report.
void take_kept_session(RunState& state, core::StepControl& control);

// The network step's hook with --ssh-config (steps::check_network_with_config): takes the kept session once
// the route is resolved, and says so.
[[nodiscard]] steps::KeptConnection kept_connection(RunState& state, core::StepControl& control);

// What the network step says of the connection when the run holds a reused session (nullopt otherwise).
[[nodiscard]] std::optional<std::string> reused_connection(const RunState& state);
// The network and ssh steps' reports when the run holds a reused session (nullopt otherwise).
[[nodiscard]] std::optional<core::StepReport> reused_network_report(const RunState& state);
[[nodiscard]] std::optional<core::StepReport> reused_ssh_report(const RunState& state);

// After the ssh step opened a new session: the run now holds it through the pool's guard, and the ssh
// report says whether a kept one was dropped for it.
void lend_new_session(RunState& state, core::StepReport& ssh_report);

// At the end of the run: the session goes back to the pool (unless an operation left it in doubt).
void give_back_session(RunState& state);

}  // namespace stm32mp::pipeline
