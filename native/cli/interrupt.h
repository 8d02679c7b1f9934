#pragma once
// Ctrl-C (SIGINT) and SIGTERM (an IDE or a CI job stopping the command) cancel the running check: the steps see
// the CancelToken, clean up what the link allows, the report is still printed and the command exits with
// kExitCancelled. A second signal ends the process at once with the signal's default action.
#include "core/cancellation.h"

namespace stm32mp::cli {

class InterruptScope {
 public:
  explicit InterruptScope(core::CancelToken& cancel);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

}  // namespace stm32mp::cli
