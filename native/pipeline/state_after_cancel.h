#pragma once
// After a cancel during the load (issue 15): which state the core was left in. The load command stops, writes
// the firmware name and starts in one round trip, so a cancel in the middle can leave the core offline, running
// the old image or the new one; the report says which instead of leaving the user to guess.
#include <string>

#include "pipeline/ports.h"
#include "pipeline/run_state.h"

namespace stm32mp::pipeline {

// One listing of the instances, over the run's session when it still works, else over a new connection,
// within `budget_ms` and whatever the (already set) cancel token says. "remoteproc1 (m33): offline, firmware
// x.elf", or "unknown: <why>".
[[nodiscard]] std::string state_after_cancel(RunState& state, Ports& ports, const std::string& instance,
                                             int budget_ms = 1500);

}  // namespace stm32mp::pipeline
