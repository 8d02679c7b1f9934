#include "core/render/text_renderer.h"

#include <gtest/gtest.h>

#include "core/sample_report.h"
#include "support/golden.h"

namespace stm32mp::core::render {
namespace {

TEST(TextRenderer, MatchesGoldenWithoutColour) {
  testing::expect_golden("report.txt", render_text(testing::sample_report(), {false, true}));
}

TEST(TextRenderer, MatchesGoldenWithColour) {
  testing::expect_golden("report.ansi.txt", render_text(testing::sample_report(), {true, true}));
}

TEST(TextRenderer, NoEscapeSequencesWithoutColour) {
  EXPECT_EQ(render_text(testing::sample_report(), {false, true}).find('\x1b'), std::string::npos);
}

TEST(TextRenderer, SaysReadyWhenEveryStepPassed) {
  Report report;
  report.steps.push_back(StepReport{"config", "Configuration", StepStatus::ok, 1});
  EXPECT_EQ(render_text(report, {false, false}), " ✓ config       Configuration\n\nReady to debug: every step passed.\n");
}

TEST(TextRenderer, ExplanationNamesTheDocPage) {
  const auto text = render_explanation(Code::BadOptionValue);
  EXPECT_NE(text.find("CFG005 (BadOptionValue, error)"), std::string::npos);
  EXPECT_NE(text.find("docs/codes/CFG005.md"), std::string::npos);
}

}  // namespace
}  // namespace stm32mp::core::render
