#include "core/facts.h"

#include <gtest/gtest.h>

namespace stm32mp::core {
namespace {

TEST(Facts, KeepsInsertionOrderAndReplacesInPlace) {
  Facts f{{"b", "1"}, {"a", "2"}};
  f.set("c", "3").set("b", "4");
  std::vector<std::string> keys;
  for (const auto& [k, v] : f) keys.push_back(k + "=" + v);
  EXPECT_EQ(keys, (std::vector<std::string>{"b=4", "a=2", "c=3"}));
  EXPECT_EQ(f.get("a"), "2");
  EXPECT_FALSE(f.get("z").has_value());
}

}  // namespace
}  // namespace stm32mp::core
