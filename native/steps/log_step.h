#pragma once
// The `log` step: a kernel log or serial-console capture that a user saved (a forum post's dmesg)
// diagnosed with the same classifier and the same codes as the remoteproc and verify steps on a
// live board. Pure: the caller read the text.
#include <string>

#include "core/step_report.h"
#include <optional>

#include "image/image_facts.h"

namespace stm32mp::steps {

struct LogInputs {
  std::string text;                  // the capture, any line endings; console noise is ignored
  std::string remoteproc = "m33";    // the instance the capture is about
  // What was loaded, when the user knows it: decides "not signed" (RPC002) against "signed but
  // refused" (RPC003). Unknown: the "Booting fw image <name>" line decides (.elf = plain ELF).
  std::optional<image::ImageKind> image_kind;
};

// Errors when a failure is recognised (exit 1 in the CLI); ok with the facts otherwise.
[[nodiscard]] core::StepReport diagnose_log(const LogInputs& in);

}  // namespace stm32mp::steps
