#include "core/facts.h"

#include <algorithm>

namespace stm32mp::core {

Facts::Facts(std::initializer_list<Entry> entries) {
  for (const auto& [key, value] : entries) set(key, value);
}

Facts& Facts::set(std::string key, std::string value) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == key; });
  if (it != entries_.end()) {
    it->second = std::move(value);
  } else {
    entries_.emplace_back(std::move(key), std::move(value));
  }
  return *this;
}

std::optional<std::string> Facts::get(std::string_view key) const {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == key; });
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace stm32mp::core
