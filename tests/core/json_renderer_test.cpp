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

// A hostile board: 1 MiB values with escape sequences in a state and in a message. The document stays small
// and valid, and says the run was not cancelled.
TEST(JsonRenderer, HugeHostileBoardValuesStaySmall) {
  const std::string huge = std::string(1U << 20, 'A') + "\x1b[2J";
  Report report;
  StepReport step{"remoteproc", "Load through remoteproc"};
  step.observed.set("state", huge);
  step.add(Code::StepCrashed, {{"step", "remoteproc"}, {"error", huge}});
  report.steps.push_back(step);
  const auto text = render_json(report);
  EXPECT_LT(text.size(), 128U * 1024);
  const auto j = nlohmann::json::parse(text);
  EXPECT_FALSE(j["cancelled"].get<bool>());
  EXPECT_EQ(text.find('\x1b'), std::string::npos);  // JSON escapes it as \u001b
}

TEST(JsonRenderer, SaysWhenTheRunWasCancelled) {
  Report report;
  StepReport step{"ssh", "SSH session"};
  step.add(Code::RunCancelled, {{"step", "ssh"}});
  step.status = StepStatus::cancelled;
  report.steps.push_back(step);
  const auto j = nlohmann::json::parse(render_json(report));
  EXPECT_TRUE(j["cancelled"].get<bool>());
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["steps"][0]["status"], "cancelled");
  EXPECT_EQ(j["steps"][0]["diagnostics"][0]["severity"], "error");
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
