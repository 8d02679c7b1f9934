#include "remote/booted_image.h"

#include <charconv>

namespace stm32mp::remote {

std::optional<BootedImage> booted_image(const std::vector<std::string>& log) {
  static constexpr std::string_view kHead = "Booting fw image ";
  static constexpr std::string_view kSize = ", size ";
  std::optional<BootedImage> found;
  for (const auto& line : log) {
    const auto at = line.find(kHead);
    if (at == std::string::npos) continue;
    const auto name_start = at + kHead.size();
    const auto comma = line.rfind(kSize);
    if (comma == std::string::npos || comma < name_start) continue;
    std::uint64_t size = 0;
    const char* first = line.data() + comma + kSize.size();
    const char* last = line.data() + line.size();
    const auto [end, ec] = std::from_chars(first, last, size);
    if (ec != std::errc() || end == first) continue;
    found = BootedImage{line.substr(name_start, comma - name_start), size, line};
  }
  return found;
}

}  // namespace stm32mp::remote
