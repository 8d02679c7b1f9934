#include "core/diagnostic.h"

#include <cctype>
#include <set>

#include <gtest/gtest.h>

namespace stm32mp::core {
namespace {

TEST(FillTemplate, ReplacesKnownKeysAndKeepsUnknownOnesVisible) {
  const Facts facts{{"port", "/dev/ttyACM0"}};
  EXPECT_EQ(fill_template("use {port} not {other}", facts), "use /dev/ttyACM0 not {other}");
  EXPECT_EQ(fill_template("unbalanced {port", facts), "unbalanced {port");
  EXPECT_EQ(fill_template("", facts), "");
}

TEST(MakeDiagnostic, TakesWordsFromTheRegistryAndFactsFromTheStep) {
  const auto d = make_diagnostic(Code::BadOptionValue, {{"option", "--port"}, {"value", "0"}, {"reason", "not a port"}});
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_EQ(d.message, "Option --port has an unusable value 0: not a port");
  EXPECT_EQ(d.fix, "Correct the value of --port.");
  EXPECT_EQ(d.doc, "docs/codes/CFG005.md");
  EXPECT_EQ(d.observed.get("value"), "0");
}

TEST(CodeRegistry, FindsCodesByIdOrNameInAnyCase) {
  EXPECT_EQ(find_code("cfg005"), Code::BadOptionValue);
  EXPECT_EQ(find_code("badoptionvalue"), Code::BadOptionValue);
  EXPECT_FALSE(find_code("XYZ999").has_value());
}

TEST(CodeRegistry, IdsAreUniqueAndWellFormed) {
  std::set<std::string_view> seen;
  for (const auto& c : all_codes()) {
    EXPECT_TRUE(seen.insert(c.id).second) << "duplicate id " << c.id;
    ASSERT_EQ(c.id.size(), 6u) << c.id;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c.id[3])) && std::isdigit(static_cast<unsigned char>(c.id[5])))
        << c.id;
    EXPECT_FALSE(c.message.empty());
    EXPECT_FALSE(c.why.empty());
    EXPECT_FALSE(c.fix.empty());
  }
}

}  // namespace
}  // namespace stm32mp::core
