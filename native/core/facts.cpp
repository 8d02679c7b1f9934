#include "core/facts.h"

#include <algorithm>

namespace stm32mp::core {

Facts::Facts(std::initializer_list<Entry> entries) {
  for (const auto& [key, value] : entries) set(key, value);
}

namespace {

// No single fact is worth more than this in a report: a board that answers a 1 MiB "state" must not make a
// 44 MB JSON document or flood the IDE. Cut at a UTF-8 character boundary, with what was left out.
constexpr std::size_t kMaxFactBytes = 16U << 10;

void cap(std::string& value) {
  if (value.size() <= kMaxFactBytes) return;
  std::size_t end = kMaxFactBytes;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  const auto dropped = value.size() - end;
  value.resize(end);
  value += "… (" + std::to_string(dropped) + " more bytes not shown)";
}

}  // namespace

Facts& Facts::set(std::string key, std::string value) {
  cap(key);
  cap(value);
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
