#pragma once
#include <string>

#include "core/step_report.h"

namespace stm32mp::core::render {

struct TextOptions {
  bool color = false;           // ANSI colours: only on a TTY and never with NO_COLOR set (decided by the caller)
  bool show_durations = true;   // golden tests of live runs turn this off
  bool verdict = true;          // the closing "Ready to debug…" lines; `devices` lists, it does not judge a launch
};

// Human report: one line per step with ✓ ! ✗ –, the evidence and the fix under each diagnostic,
// and a closing line that points at `explain`.
[[nodiscard]] std::string render_text(const Report& report, const TextOptions& options = {});

// The long explanation of one code, as `explain` prints it.
[[nodiscard]] std::string render_explanation(Code code);

}  // namespace stm32mp::core::render
