#pragma once
#include <vector>

#include "core/cancellation.h"
#include "core/progress.h"
#include "core/runner.h"
#include "core/settings.h"
#include "core/step_report.h"
#include "pipeline/ports.h"
#include "pipeline/run_state.h"
#include "pipeline/session_pool.h"

namespace stm32mp::pipeline {

// The pre-launch steps in their stable order, bound to `state` and `ports`, filtered by
// settings.only / settings.skip.
[[nodiscard]] std::vector<core::StepDefinition> build_steps(const core::Settings& given, RunState& state, Ports& ports);

// Runs the whole check: the one entry point shared by the CLI and the JNI bridge. With a `pool` (a process
// that runs several checks: the IDE, the bench) the SSH session is taken from it and given back after.
[[nodiscard]] core::Report run_check(const core::Settings& given, Ports& ports, const core::CancelToken& cancel,
                                     core::ProgressSink& progress, SessionPool* pool = nullptr);

}  // namespace stm32mp::pipeline
