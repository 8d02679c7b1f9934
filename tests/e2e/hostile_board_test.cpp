// Issue 15 end to end: a board that serves hostile sysfs and kernel-log content (knob hostile=…: 64 KiB
// values full of terminal controls and binary bytes, an attribute that never ends). The real CLI runs a full
// check against it; its text report must not carry one raw control byte to the terminal, and its report
// (text and JSON) must stay small and come within the run's deadline. The board's knobs are named: ELF mode,
// M0+ first (its hostile name is listed among the instances), so a plain ELF loads into the m33.
#include <chrono>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/run_process.h"

#include <nlohmann/json.hpp>

namespace stm32mp::e2e {
namespace {

class HostileBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "hostile=controls"}); }

  testing::ProcessResult check_text(const std::vector<std::string>& extra, int timeout_ms) {
    std::vector<std::string> argv{PRELAUNCH_CLI,   "check",  "--host", board().host(), "--identity", board().identity(),
                                  "--known-hosts", board().known_hosts(), "--skip", "devices,serial-port", "--no-color"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::run_process(argv, {}, timeout_ms);
  }
};

// Bytes a terminal acts on: C0 controls but newline and tab, DEL, and the 8-bit CSI/OSC introducers as
// UTF-8 (U+009B, U+009D) or raw.
std::string first_raw_control(const std::string& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == 0x9b || c == 0x9d || c == 0xfe || c == 0xff)
      return "byte 0x" + std::to_string(c) + " at " + std::to_string(i) + ": " + out.substr(i > 40 ? i - 40 : 0, 80);
    if (c == 0xc2 && i + 1 < out.size() && (static_cast<unsigned char>(out[i + 1]) & 0xe0) == 0x80)
      return "C1 control as UTF-8 at " + std::to_string(i);
  }
  return "";
}

TEST_F(HostileBoard, TextReportIsEscapedAndBounded) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = check_text({"--elf", firmware("m33_ns.elf")}, 120000);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(r.exit_code, -1) << "killed at the test's deadline";
  EXPECT_EQ(first_raw_control(r.out), "") << "a board value reached the terminal raw";
  // Every value is capped where it is shown (16 KiB per fact): 64 KiB values make a small report.
  EXPECT_LT(r.out.size(), 256u * 1024) << r.out.substr(0, 2000);
  EXPECT_LT(ms, 60000) << r.out.substr(0, 2000);
  // The run still finds and loads the m33 by name: the hostile instance is only listed, escaped.
  EXPECT_NE(r.out.find("m33"), std::string::npos) << r.out.substr(0, 4000);
  EXPECT_NE(r.out.find("\\x1b"), std::string::npos) << "the board's controls are shown escaped\n" << r.out.substr(0, 4000);
}

TEST_F(HostileBoard, JsonReportStaysSmallAndValid) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")}, 120000);
  ASSERT_TRUE(run.report.contains("steps")) << run.raw.substr(0, 2000);
  EXPECT_LT(run.raw.size(), 512u * 1024) << summary(run);
  EXPECT_EQ(first_raw_control(run.raw), "") << "JSON escapes every control";
  // The m33 itself is healthy: the load through the hostile board's sysfs succeeds (a warning may only be the
  // step's time budget on a loaded machine).
  EXPECT_NE(status(run, "remoteproc"), "error") << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
}

// An attribute that never ends (every read returns data): the run ends within its own deadline, bounded.
TEST_F(HostileBoard, EndlessAttributeEndsWithinTheDeadline) {
  board().set({"hostile=endless"});
  const auto t0 = std::chrono::steady_clock::now();
  auto r = check_text({"--elf", firmware("m33_ns.elf"), "--timeout-ms", "20000"}, 120000);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  board().set({"hostile=controls"});
  ASSERT_NE(r.exit_code, -1) << "killed at the test's deadline: the endless attribute was read without a bound";
  EXPECT_LT(ms, 60000);
  EXPECT_LT(r.out.size(), 256u * 1024) << r.out.substr(0, 2000);
  EXPECT_EQ(first_raw_control(r.out), "");
}

// 1 MiB values (name, state and firmware of the M0+, firmware of the M33): once a 44 MB JSON report and a target
// probe past its deadline. Every value is capped where the reply is read: the run ends well within its deadline,
// the report stays small and the CLI's peak memory under the 32 MB (measured by /usr/bin/time, package
// time; the sanitizer build's own overhead gets the bound tests/cli/hostile_input_cli_test.cpp explains).
TEST_F(HostileBoard, MegabyteValuesStayBoundedInTimeReportAndMemory) {
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kMaxRssKib = 192 * 1024;
#else
  constexpr long kMaxRssKib = 32 * 1024;
#endif
  board().set({"hostile=megabyte"});
  const auto t0 = std::chrono::steady_clock::now();
  auto r = testing::run_process({"/usr/bin/time", "-f", "max_rss_kib=%M", PRELAUNCH_CLI, "check", "--json", "--host",
                                 board().host(), "--identity", board().identity(), "--known-hosts", board().known_hosts(),
                                 "--skip", "devices,serial-port", "--elf", firmware("m33_ns.elf")},
                                {}, 120000);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  board().set({"hostile=controls"});
  ASSERT_NE(r.exit_code, -1) << "killed at the test's deadline";
  const auto at = r.err.rfind("max_rss_kib=");
  ASSERT_NE(at, std::string::npos) << r.err;
  const long rss = std::stol(r.err.substr(at + 12));
  EXPECT_LT(rss, kMaxRssKib) << "peak memory " << rss << " KiB";
  EXPECT_LT(r.out.size(), 512u * 1024) << r.out.substr(0, 2000);
  EXPECT_EQ(first_raw_control(r.out), "") << "JSON escapes every control";
  EXPECT_LT(ms, 60000) << r.out.substr(0, 2000);
  const auto report = nlohmann::json::parse(r.out);  // a local: steps are read from it below
  EXPECT_TRUE(report.contains("steps"));
  std::printf("[measure] 1 MiB hostile values: %lld ms, JSON %zu bytes, peak %ld KiB\n", static_cast<long long>(ms),
              r.out.size(), rss);
}

}  // namespace
}  // namespace stm32mp::e2e
