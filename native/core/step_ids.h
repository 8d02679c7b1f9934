#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stm32mp::core {

// The steps of native/core/steps.def, in their running order.
enum class StepId {
#define PRELAUNCH_STEP(name, id, title, budget_ms, needs, needs_diagnosing) name,
#include "core/steps.def"
#undef PRELAUNCH_STEP
};

struct StepInfo {
  StepId step;
  std::string_view id;     // stable: --only/--skip, the JSON contract and the Eclipse plug-in. Never renamed.
  std::string_view title;
  int budget_ms;
  std::string_view needs;              // space-separated step ids
  std::string_view needs_diagnosing;   // the same for --diagnose-since-ms
};

inline constexpr std::array kSteps = {
#define PRELAUNCH_STEP(name, id, title, budget_ms, needs, needs_diagnosing) \
  StepInfo{StepId::name, id, title, budget_ms, needs, needs_diagnosing},
#include "core/steps.def"
#undef PRELAUNCH_STEP
};

inline constexpr auto kStepIds = [] {
  std::array<std::string_view, kSteps.size()> ids{};
  for (std::size_t i = 0; i < kSteps.size(); ++i) ids[i] = kSteps[i].id;
  return ids;
}();

[[nodiscard]] constexpr const StepInfo& step_info(StepId step) { return kSteps[static_cast<std::size_t>(step)]; }
[[nodiscard]] constexpr std::string_view step_id(StepId step) { return step_info(step).id; }
[[nodiscard]] constexpr std::string_view step_title(StepId step) { return step_info(step).title; }

[[nodiscard]] constexpr bool is_step_id(std::string_view id) {
  for (auto s : kStepIds) {
    if (s == id) return true;
  }
  return false;
}

// The ids a step needs (its prerequisites in the table), for a normal run or a diagnosis.
[[nodiscard]] inline std::vector<std::string> step_needs(StepId step, bool diagnosing) {
  const auto list = diagnosing ? step_info(step).needs_diagnosing : step_info(step).needs;
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start < list.size()) {
    auto end = list.find(' ', start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) ids.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

// "no SSH session (step ssh did not run)": a step's own skip reason for a prerequisite that was not part of the run
// (--only/--skip), naming it by its id in the table.
[[nodiscard]] inline std::string did_not_run(StepId prerequisite) {
  return "step " + std::string(step_id(prerequisite)) + " did not run";
}

}  // namespace stm32mp::core
