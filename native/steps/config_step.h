#pragma once
#include "core/settings.h"
#include "core/step_report.h"

namespace stm32mp::steps {

// Step `config`: merges the STM32CubeIDE launch file (when given) under the explicit settings and
// reports where each effective setting came from. `effective` receives the merged settings.
[[nodiscard]] core::StepReport check_config(const core::Settings& given, core::Settings& effective);

}  // namespace stm32mp::steps
