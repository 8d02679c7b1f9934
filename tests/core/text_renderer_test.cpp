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

// A hostile board names its remoteproc state with terminal controls: a window title (OSC 0), a screen clear,
// an OSC 8 link and a C1 CSI. Shown as text, escaped; none of them reaches the terminal.
// Found on the simulated board (hostile=controls, tests/e2e/hostile_board_test.cpp): a raw 0x9b byte (CSI on an
// 8-bit terminal) and other bytes outside well-formed UTF-8 went through; real UTF-8 text stays as it is.
TEST(TextRenderer, BytesOutsideUtf8AreEscapedAndUtf8Stays) {
  Report report;
  StepReport step{"remoteproc", "Load through remoteproc"};
  step.observed.set("firmware", std::string("fw\x9b" "31m\x9d\xfe\xff\xc3(\xe2\x82 é → ✓"));
  report.steps.push_back(step);
  const auto text = render_text(report, {false, true});
  EXPECT_NE(text.find("firmware: fw\\x9b31m\\x9d\\xfe\\xff\\xc3(\\xe2\\x82 é → ✓"), std::string::npos) << text;
  for (unsigned char raw : {0x9b, 0x9d, 0xfe, 0xff}) EXPECT_EQ(text.find(static_cast<char>(raw)), std::string::npos) << int(raw);
}

TEST(TextRenderer, BoardTextNeverReachesTheTerminalRaw) {
  const std::string hostile = "running\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\xc2\x9b" "31m\r\x7f";
  Report report;
  StepReport step{"remoteproc", "Load through remoteproc"};
  step.observed.set("state", hostile);
  step.add(Code::StepCrashed, {{"step", "remoteproc"}, {"error", hostile}});
  report.steps.push_back(step);
  for (bool colour : {false, true}) {
    const auto text = render_text(report, {colour, true});
    std::size_t escapes = 0;
    for (std::size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at + 1)) {
      // Only our own colour sequences (ESC [ digits ; m) may remain.
      const auto end = text.find('m', at);
      ASSERT_NE(end, std::string::npos);
      EXPECT_EQ(text.substr(at + 1, 1), "[") << text;
      EXPECT_EQ(text.substr(at + 2, end - at - 2).find_first_not_of("0123456789;"), std::string::npos) << text;
      ++escapes;
    }
    if (!colour) {
      EXPECT_EQ(escapes, 0u) << text;
    }
    EXPECT_EQ(text.find("\x07"), std::string::npos);
    EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_NE(text.find("state: running\\x1b]0;pwned\\x07\\x1b[2J"), std::string::npos) << text;
    EXPECT_NE(text.find("\\u009b31m\\x0d\\x7f"), std::string::npos) << text;
  }
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
