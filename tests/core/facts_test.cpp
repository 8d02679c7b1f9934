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

// A board that answers a 1 MiB value (a hostile remoteproc state) costs a report 16 KiB, not megabytes.
TEST(Facts, CapsAHugeValueAtACharacterBoundaryAndSaysHowMuchWasLeftOut) {
  std::string huge(1U << 20, 'x');
  huge.replace(16383, 2, "\xc3\xa9");  // an é across the cut
  Facts f;
  f.set("state", huge);
  const auto v = *f.get("state");
  EXPECT_LT(v.size(), 16U * 1024 + 64);
  EXPECT_EQ(v.substr(0, 10), "xxxxxxxxxx");
  EXPECT_EQ(v.find("\xc3\xa9"), std::string::npos);  // the é is not cut in half: it is left out whole
  // Built with append, not "(" + std::string&&: g++ 12 -O2 reports a false -Wrestrict on that (mingw build).
  std::string left_out("(");
  left_out.append(std::to_string(huge.size() - 16383)).append(" more bytes not shown)");
  EXPECT_NE(v.find(left_out), std::string::npos) << v.substr(16000);
}

}  // namespace
}  // namespace stm32mp::core
