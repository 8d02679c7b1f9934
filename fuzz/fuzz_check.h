#pragma once
// What every fuzz input must satisfy: a rejected input carries a usable diagnostic (a named field
// and what was expected), never an empty one. A violation aborts, which libFuzzer reports.
#include <cstdlib>

#include "image/format_error.h"

namespace stm32mp::fuzz {

inline void require_diagnostic(const image::FormatError& e) {
  if (e.field.empty() || e.expected.empty()) std::abort();
}

}  // namespace stm32mp::fuzz
