#include "remote/board_value.h"

namespace stm32mp::remote {

std::string capped(std::string value, std::size_t max) {
  if (value.size() <= max) return value;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  const auto dropped = value.size() - end;
  value.resize(end);
  value += "… (" + std::to_string(dropped) + " more bytes not shown)";
  return value;
}

std::string trim_end(std::string value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\0' || value.back() == ' ')) value.pop_back();
  return value;
}

std::vector<std::string> capped(std::vector<std::string> values, std::size_t max, std::size_t count) {
  if (values.size() > count) values.resize(count);
  for (auto& v : values) v = capped(std::move(v), max);
  return values;
}

}  // namespace stm32mp::remote
