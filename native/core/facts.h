#pragma once
// Ordered key → value facts. Order matters: reports list facts in the order a step learned them,
// so a reader follows the step's reasoning.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stm32mp::core {

class Facts {
 public:
  using Entry = std::pair<std::string, std::string>;

  Facts() = default;
  Facts(std::initializer_list<Entry> entries);

  // Replaces the value of an existing key in place (keeps its position), else appends.
  Facts& set(std::string key, std::string value);
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const;
  [[nodiscard]] bool contains(std::string_view key) const { return get(key).has_value(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }

  friend bool operator==(const Facts&, const Facts&) = default;

 private:
  std::vector<Entry> entries_;
};

}  // namespace stm32mp::core
