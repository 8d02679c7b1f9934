#pragma once
#include <string_view>

namespace stm32mp::core {

enum class Severity { error, warning, info };

[[nodiscard]] constexpr std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
  }
  return "error";
}

}  // namespace stm32mp::core
