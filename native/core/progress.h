#pragma once
#include <string_view>

#include "core/step_report.h"

namespace stm32mp::core {

// Told about a run as it goes. Called on the runner's thread; implementations hand the news over
// to their own thread (the JNI bridge never calls into Java from here).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void step_started(std::string_view id, std::string_view title, int index, int total) = 0;
  // Percent of the current step's work (upload bytes), 0..100.
  virtual void step_progress(int percent) = 0;
  virtual void step_finished(const StepReport& report) = 0;
};

class NullProgress final : public ProgressSink {
 public:
  void step_started(std::string_view, std::string_view, int, int) override {}
  void step_progress(int) override {}
  void step_finished(const StepReport&) override {}
};

}  // namespace stm32mp::core
