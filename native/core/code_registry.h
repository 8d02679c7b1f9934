#pragma once
// The C++ face of the diagnostic code registry (native/core/codes/registry.def).
#include <optional>
#include <span>
#include <string_view>

#include "core/severity.h"

namespace stm32mp::core {

enum class Code {
#define PRELAUNCH_CODE(name, id, severity, message, why, fix) name,
#include "core/codes/registry.def"
#undef PRELAUNCH_CODE
};

struct CodeInfo {
  Code code;
  std::string_view name;     // enum name, e.g. "SerialPortMissing"
  std::string_view id;       // stable id, e.g. "SER002"
  Severity severity;         // default severity
  std::string_view message;  // one-line template, {key} filled from observed facts
  std::string_view why;
  std::string_view fix;      // template
};

// A fix that replaces the code's own when an observed fact of the diagnostic has a given value (the
// registry's PRELAUNCH_FIX_VARIANT): the fix texts stay in the registry, the step only states the fact.
struct FixVariant {
  Code code;
  std::string_view fact;   // observed fact key, e.g. "membership"
  std::string_view value;  // the value that selects this fix
  std::string_view fix;    // template
};

[[nodiscard]] const CodeInfo& info(Code code);
[[nodiscard]] std::span<const FixVariant> all_fix_variants();
// The fix template for `code` given a fact lookup: the first variant whose fact has its value, else info(code).fix.
template <typename FactLookup>
[[nodiscard]] std::string_view fix_template(Code code, const FactLookup& fact) {
  for (const auto& v : all_fix_variants()) {
    if (v.code == code && fact(v.fact) == v.value) return v.fix;
  }
  return info(code).fix;
}
[[nodiscard]] std::span<const CodeInfo> all_codes();
// Case-insensitive lookup by id ("ser002") or enum name.
[[nodiscard]] std::optional<Code> find_code(std::string_view id_or_name);
// Where the page of a code lives, relative to the repository (and to the installed docs).
[[nodiscard]] std::string doc_path(Code code);

}  // namespace stm32mp::core
