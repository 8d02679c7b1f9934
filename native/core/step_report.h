#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/facts.h"

namespace stm32mp::core {

// cancelled: the run was cancelled while this step ran (or as it was about to start); what it returned is not a
// verdict, whatever it says (a wait cut short by the cancel can look like success).
enum class StepStatus { ok, warning, error, skipped, crashed, cancelled };

[[nodiscard]] std::string_view to_string(StepStatus s);

// What one step learned: its facts, its diagnostics, and a status derived from them.
struct StepReport {
  StepReport() = default;
  StepReport(std::string step_id, std::string step_title, StepStatus step_status = StepStatus::ok,
             std::int64_t duration = 0)
      : id(std::move(step_id)), title(std::move(step_title)), status(step_status), duration_ms(duration) {}

  std::string id;
  std::string title;
  StepStatus status = StepStatus::ok;
  std::int64_t duration_ms = 0;
  Facts observed;
  std::vector<Diagnostic> diagnostics;

  // Adds a diagnostic and raises the status to match its severity (never lowers it).
  StepReport& add(Diagnostic d);
  StepReport& add(Code code, Facts observed = {}) { return add(make_diagnostic(code, std::move(observed))); }
  // Marks the step skipped with the reason as a fact ("skipped_because").
  StepReport& skip(std::string reason);
  [[nodiscard]] bool has(Code code) const;
  [[nodiscard]] bool failed() const {
    return status == StepStatus::error || status == StepStatus::crashed || status == StepStatus::cancelled;
  }
};

// The whole run: the one document every front end renders.
struct Report {
  std::vector<StepReport> steps;
  [[nodiscard]] bool ok() const;
  [[nodiscard]] bool cancelled() const;  // a step has status cancelled: never a success
  [[nodiscard]] const StepReport* find(std::string_view id) const;
};

}  // namespace stm32mp::core
