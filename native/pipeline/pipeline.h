#pragma once
#include <vector>

#include "core/cancellation.h"
#include "core/progress.h"
#include "core/runner.h"
#include "core/settings.h"
#include "core/step_report.h"
#include "pipeline/ports.h"
#include "pipeline/run_state.h"

namespace stm32mp::pipeline {

// The pre-launch steps in their stable order, bound to `state` and `ports`, filtered by
// settings.only / settings.skip.
[[nodiscard]] std::vector<core::StepDefinition> build_steps(const core::Settings& given, RunState& state, Ports& ports);

// Runs the whole check: the one entry point shared by the CLI and the JNI bridge.
[[nodiscard]] core::Report run_check(const core::Settings& given, Ports& ports, const core::CancelToken& cancel,
                                     core::ProgressSink& progress);

}  // namespace stm32mp::pipeline
