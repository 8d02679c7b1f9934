#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/progress.h"
#include "core/step_report.h"

namespace stm32mp::core {

// What a running step may use besides its inputs: the run's cancel token, its own deadline and a
// way to report progress.
struct StepControl {
  const CancelToken& cancel;
  Deadline deadline;
  ProgressSink& progress;
};

struct StepDefinition {
  std::string id;
  std::string title;
  std::vector<std::string> needs;  // ids of steps that must not have failed or been skipped
  Millis budget{2000};    // slower than this → a RUN002 warning
  Millis timeout{30000};  // the step's hard deadline, handed to it in StepControl; the step enforces it
  std::function<StepReport(StepControl&)> run;
};

// Runs steps in order. A step whose prerequisite failed or was skipped is skipped with the reason;
// an exception inside a step becomes status "crashed" (RUN001) and the run goes on. A cancel is never a
// success: the step that was running when it came (or the next one, if it came between steps) gets status
// "cancelled" with RUN003 as an error, whatever it returned, and every later step is skipped.
class Runner {
 public:
  [[nodiscard]] Report run(const std::vector<StepDefinition>& steps, const CancelToken& cancel,
                           ProgressSink& progress) const;
};

}  // namespace stm32mp::core
