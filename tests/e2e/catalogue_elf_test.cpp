// End-to-end catalogue tests on a simulated STM32MP257F-DK in ELF mode with m0 as remoteproc0 and m33
// as remoteproc1 (knobs mode=ELF, order=m0,m33). Each test runs the real CLI over real SSH/SFTP and asserts the step
// that fails, its code and the kernel log evidence it quotes. Codes are named as "TGT002" etc.; the
// enum names are in the unit tests (tests/remote/).
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

class ElfBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33"}); }
};

TEST_F(ElfBoard, HappyPathLoadsAndRunsTheM33ByName_F04) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  for (const char* id : {"config", "image", "network", "ssh", "target", "upload", "remoteproc", "verify"}) {
    EXPECT_TRUE(status(run, id) == "ok" || status(run, id) == "warning") << id << "\n" << summary(run);
  }
  // m0 is remoteproc0 on this board: the tool names it and still loads m33 (remoteproc1).
  EXPECT_FALSE(diagnostic(run, "target", "TGT014").is_null()) << summary(run);
  EXPECT_EQ(observed(run, "remoteproc", "instance"), "remoteproc1 (m33)");
  EXPECT_EQ(observed(run, "verify", "state"), "running");
  EXPECT_NE(observed(run, "verify", "evidence").find("remote processor m33 is now up"), std::string::npos);
  // The same image again: not transferred.
  auto again = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_EQ(observed(again, "upload", "upload"), "unchanged") << summary(again);
  EXPECT_EQ(again.exit_code, 0) << summary(again);
}

TEST_F(ElfBoard, SignedImageOnElfModeIsPredictedBeforeUpload_F01) {
  auto run = run_check(board(), {"--signed", firmware("m33_ns_sign.bin")});
  EXPECT_EQ(status(run, "target"), "error") << summary(run);
  EXPECT_FALSE(diagnostic(run, "target", "TGT005").is_null()) << summary(run);
  EXPECT_EQ(status(run, "upload"), "skipped");
}

TEST_F(ElfBoard, SignedImageOnElfModeAtStartQuotesBadMagic_F01) {
  auto run = run_check(board(), {"--signed", firmware("m33_ns_sign.bin"), "--skip", "target"});
  ASSERT_EQ(status(run, "remoteproc"), "error") << summary(run);
  auto d = diagnostic(run, "remoteproc", "RPC001");
  ASSERT_FALSE(d.is_null()) << summary(run);
  const auto evidence = d["observed"]["evidence"].get<std::string>();
  EXPECT_NE(evidence.find("Image is corrupted (bad magic)"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("Boot failed: -22"), std::string::npos) << evidence;
}

TEST_F(ElfBoard, M33ImageSentToTheM0IsPredicted_F04) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--remoteproc", "m0"});
  EXPECT_FALSE(diagnostic(run, "target", "TGT013").is_null()) << summary(run);
}

TEST_F(ElfBoard, M33ImageSentToTheM0FailsWithBadPhdrAndIsNamed_F04) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--remoteproc", "m0", "--skip", "target"});
  auto d = diagnostic(run, "remoteproc", "RPC004");
  ASSERT_FALSE(d.is_null()) << summary(run);
  const auto evidence = d["observed"]["evidence"].get<std::string>();
  EXPECT_NE(evidence.find("powering up m0"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("bad phdr da 0x80100000"), std::string::npos) << evidence;
  EXPECT_EQ(d["observed"]["built_for"], "m33");
}

// STM32CubeIDE's own launch, as ST's fw_cortex_m33.sh does it: copy, then firmware and start into the
// hard-coded remoteproc0 — the M0+ on this board. Afterwards the diagnosis (nothing written) reads the
// kernel log since that launch started and names the wrong core, quoting the board's own lines.
void launch_like_st_into_remoteproc0(const boardsim::SimulatedBoard& board) {
  board_shell(board, "cp '" + firmware("m33_ns.elf") + "' /lib/firmware/st_launch.elf && "
                     "printf '%s' st_launch.elf > /sys/class/remoteproc/remoteproc0/firmware && "
                     "printf '%s' start > /sys/class/remoteproc/remoteproc0/state; true");
}

TEST_F(ElfBoard, FailedLaunchIntoRemoteproc0IsDiagnosedFromTheKernelLog_F04) {
  const auto m33_before = board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/state /sys/class/remoteproc/remoteproc1/firmware");
  const auto started = std::chrono::steady_clock::now();
  launch_like_st_into_remoteproc0(board());
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  // The age counts from the moment the run starts, and on a loaded CI machine the CLI process itself
  // can take seconds to get there: 3 s of margin (a user's "N ms ago" is an upper bound too).
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--diagnose-since-ms", std::to_string(since.count() + 3000)});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "remoteproc", "RPC004");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["powered_up"], "m0");
  EXPECT_EQ(d["observed"]["built_for"], "m33");
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("powering up m0"), std::string::npos);
  EXPECT_EQ(status(run, "upload"), "skipped");
  EXPECT_EQ(status(run, "verify"), "skipped");
  EXPECT_EQ(board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/state /sys/class/remoteproc/remoteproc1/firmware"),
            m33_before)
      << "the diagnosis changed m33";
}

TEST_F(ElfBoard, AnEarlierFailedLaunchIsNotBlamedForTheLastOne) {
  launch_like_st_into_remoteproc0(board());
  // The engine adds 1 s of slack, and the board's uptime is up to 1 s behind its log: a launch 3.5 s
  // before the run started is outside a 0.2 s window, however long the run then takes.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--diagnose-since-ms", "200"});
  EXPECT_TRUE(diagnostic(run, "remoteproc", "RPC004").is_null()) << summary(run);
  EXPECT_FALSE(diagnostic(run, "remoteproc", "RPC025").is_null()) << summary(run);
}

TEST_F(ElfBoard, SegmentsOutsideTheCarveOutsArePredicted_F05) {
  auto run = run_check(board(), {"--elf", firmware("m33_outside.elf")});
  auto d = diagnostic(run, "target", "TGT012");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["outside"].get<std::string>().find("0x84000000"), std::string::npos);
  EXPECT_NE(d["observed"]["regions"].get<std::string>().find("cm33-cube-fw@80100000"), std::string::npos);
}

TEST_F(ElfBoard, SegmentsOutsideTheCarveOutsAtStartQuoteBadPhdr_F05) {
  auto run = run_check(board(), {"--elf", firmware("m33_outside.elf"), "--skip", "image,target"});
  auto d = diagnostic(run, "remoteproc", "RPC005");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["da"], "0x84000000");
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("bad phdr da 0x84000000"), std::string::npos);
}

TEST_F(ElfBoard, ImageNotOnTheBoardIsFirmwareNotFound_F06) {
  testing::TempDir dir;
  const auto path = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "never_uploaded.elf", 0);
  auto run = run_check(board(), {"--elf", path, "--skip", "upload"});
  auto d = diagnostic(run, "remoteproc", "RPC006");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("Direct firmware load for never_uploaded.elf failed with error -2"),
            std::string::npos);
}

TEST_F(ElfBoard, NoResourceTableIsAWarningAfterAStart_F21) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns_no_rsc.elf")});
  EXPECT_EQ(status(run, "remoteproc"), "ok") << summary(run);
  auto d = diagnostic(run, "verify", "VFY003");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("no resource table found for this firmware"), std::string::npos);
  EXPECT_EQ(run.exit_code, 0);
}

TEST_F(ElfBoard, HostileFileNameIsQuotedOnTheRealShell) {
  testing::TempDir dir;
  const std::string name = "my fw '$(touch pwned)'`touch pwned2`.elf";
  const auto path = padded_copy(firmware("m33_ns.elf"), dir.path().string(), name, 0);
  auto run = run_check(board(), {"--elf", path});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "remoteproc", "firmware"), name);
  EXPECT_EQ(board_shell(board(), "ls -a /lib/firmware | grep -c -F 'my fw '"), "1\n");
  // Nothing was executed: no file made by the $() or the backticks anywhere a shell could have run.
  EXPECT_EQ(board_shell(board(), "ls -a / /root /lib/firmware /tmp 2>/dev/null | grep -c -x -E 'pwned2?' || true"), "0\n");
  EXPECT_EQ(board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/firmware"), name + "\n");
}

TEST_F(ElfBoard, NewlineInTheFileNameIsRefused) {
  testing::TempDir dir;
  const auto path = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "two\nlines.elf", 0);
  auto run = run_check(board(), {"--elf", path, "--skip", "image"});
  auto d = diagnostic(run, "upload", "UPL006");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(board_shell(board(), "ls /lib/firmware | grep -c two || true"), "0\n");
}

}  // namespace
}  // namespace stm32mp::e2e
