#pragma once
#include <string>

#include "core/step_ids.h"
#include "core/step_report.h"

namespace stm32mp::core {

// An empty report of one step of the table (core/steps.def), with its id and title from there.
[[nodiscard]] inline StepReport report_of(StepId step) {
  return StepReport{std::string(step_id(step)), std::string(step_title(step))};
}

}  // namespace stm32mp::core
