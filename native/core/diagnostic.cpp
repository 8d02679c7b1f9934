#include "core/diagnostic.h"

namespace stm32mp::core {

// Hand-written rather than fmt::vformat with dynamic named arguments: fmt throws format_error on a
// missing argument, and a report must never fail because one fact was absent.
std::string fill_template(std::string_view text, const Facts& facts) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const auto key = text.substr(open + 1, close - open - 1);
    if (auto value = facts.get(key)) {
      out.append(*value);
    } else {
      out.append(text.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

Diagnostic make_diagnostic(Code code, Facts observed) {
  return make_diagnostic(code, info(code).severity, std::move(observed));
}

Diagnostic make_diagnostic(Code code, Severity severity, Facts observed) {
  const auto& entry = info(code);
  const auto fix = fix_template(code, [&observed](std::string_view key) { return observed.get(key).value_or(""); });
  Diagnostic d{code, severity, fill_template(entry.message, observed), {}, std::string(entry.why),
               fill_template(fix, observed), doc_path(code)};
  d.observed = std::move(observed);
  return d;
}

}  // namespace stm32mp::core
