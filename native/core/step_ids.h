#pragma once
#include <array>
#include <string_view>

namespace stm32mp::core {

// Stable step ids: used by --only/--skip, the JSON contract and the Eclipse plug-in. Never renamed.
inline constexpr std::array<std::string_view, 10> kStepIds = {
    "config", "image", "devices", "serial-port", "network", "ssh", "target", "upload", "remoteproc", "verify"};

[[nodiscard]] constexpr bool is_step_id(std::string_view id) {
  for (auto s : kStepIds) {
    if (s == id) return true;
  }
  return false;
}

}  // namespace stm32mp::core
