#include "core/render/json_renderer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/sample_report.h"
#include "support/golden.h"

namespace stm32mp::core::render {
namespace {

TEST(JsonRenderer, MatchesGolden) { testing::expect_golden("report.json", render_json(testing::sample_report())); }

TEST(JsonRenderer, FollowsTheSchemaVersion1Contract) {
  const auto j = nlohmann::json::parse(render_json(testing::sample_report()));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["tool"]["name"], "stm32mp-prelaunch");
  EXPECT_FALSE(j["ok"].get<bool>());
  ASSERT_EQ(j["steps"].size(), 5u);
  for (const auto& step : j["steps"]) {
    for (const char* key : {"id", "title", "status", "duration_ms", "observed", "diagnostics"}) {
      EXPECT_TRUE(step.contains(key)) << key;
    }
    for (const auto& d : step["diagnostics"]) {
      for (const char* key : {"code", "severity", "message", "observed", "why", "fix", "doc"}) {
        EXPECT_TRUE(d.contains(key)) << key;
      }
    }
  }
  EXPECT_EQ(j["steps"][4]["status"], "crashed");
  EXPECT_EQ(j["steps"][4]["diagnostics"][0]["code"], "RUN001");
}

TEST(JsonRenderer, ReplacesInvalidUtf8InsteadOfThrowing) {
  Report report;
  StepReport s{"serial-port", "Serial"};
  s.observed.set("first_line", std::string("\xff\xfe garbage"));
  report.steps.push_back(s);
  std::string out;
  ASSERT_NO_THROW(out = render_json(report));
  const auto reparsed = nlohmann::json::accept(out);
  EXPECT_TRUE(reparsed);
}

}  // namespace
}  // namespace stm32mp::core::render
