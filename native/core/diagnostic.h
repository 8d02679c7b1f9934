#pragma once
#include <string>

#include "core/code_registry.h"
#include "core/facts.h"
#include "core/severity.h"

namespace stm32mp::core {

// What a step found wrong (or worth saying), with the evidence. The words come from the registry;
// the step supplies only the code and the observed facts.
struct Diagnostic {
  Code code;
  Severity severity;
  std::string message;
  Facts observed;
  std::string why;
  std::string fix;
  std::string doc;
};

// Builds a diagnostic from the registry entry of `code`, filling {key} placeholders from `observed`.
[[nodiscard]] Diagnostic make_diagnostic(Code code, Facts observed = {});
[[nodiscard]] Diagnostic make_diagnostic(Code code, Severity severity, Facts observed);

// Replaces every {key} in `text` by the value of `key` in `facts`. A placeholder without a fact
// stays as it is, visibly: a diagnostic must never throw while it is being reported.
[[nodiscard]] std::string fill_template(std::string_view text, const Facts& facts);

}  // namespace stm32mp::core
