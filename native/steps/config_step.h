#pragma once
#include "core/cancellation.h"
#include "core/settings.h"
#include "core/step_report.h"

namespace stm32mp::steps {

// Step `config`: merges the STM32CubeIDE launch file (when given) under the explicit settings and
// reports where each effective setting came from. `effective` receives the merged settings.
// `cancel`: a cancel during the launch file's read leaves it unjudged (the runner reports the cancel).
[[nodiscard]] core::StepReport check_config(const core::Settings& given, core::Settings& effective,
                                            const core::CancelToken* cancel = nullptr);

}  // namespace stm32mp::steps
