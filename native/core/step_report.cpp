#include "core/step_report.h"

#include <algorithm>

namespace stm32mp::core {

std::string_view to_string(StepStatus s) {
  switch (s) {
    case StepStatus::ok: return "ok";
    case StepStatus::warning: return "warning";
    case StepStatus::error: return "error";
    case StepStatus::skipped: return "skipped";
    case StepStatus::crashed: return "crashed";
    case StepStatus::cancelled: return "cancelled";
  }
  return "crashed";
}

StepReport& StepReport::add(Diagnostic d) {
  if (d.severity == Severity::error && status != StepStatus::crashed && status != StepStatus::cancelled) {
    status = StepStatus::error;
  } else if (d.severity == Severity::warning && status == StepStatus::ok) {
    status = StepStatus::warning;
  }
  diagnostics.push_back(std::move(d));
  return *this;
}

StepReport& StepReport::skip(std::string reason) {
  status = StepStatus::skipped;
  observed.set("skipped_because", std::move(reason));
  return *this;
}

bool StepReport::has(Code code) const {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.code == code; });
}

bool Report::ok() const {
  return std::none_of(steps.begin(), steps.end(), [](const StepReport& s) { return s.failed(); });
}

bool Report::cancelled() const {
  return std::any_of(steps.begin(), steps.end(), [](const StepReport& s) { return s.status == StepStatus::cancelled; });
}

const StepReport* Report::find(std::string_view id) const {
  auto it = std::find_if(steps.begin(), steps.end(), [&](const StepReport& s) { return s.id == id; });
  return it == steps.end() ? nullptr : &*it;
}

}  // namespace stm32mp::core
