// End-to-end catalogue tests that need a board in a particular state (one board per suite, set by
// board-sim knobs): demo running, crash, full or read-only /lib/firmware, no m33, M33-TD.
#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

class DemoRunningBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--demo", "on", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(DemoRunningBoard, RunningDemoIsStoppedFirstAndTheServiceNamed_F07_F19) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_FALSE(diagnostic(run, "target", "TGT009").is_null()) << summary(run);  // F07: will be stopped
  EXPECT_FALSE(diagnostic(run, "target", "TGT011").is_null()) << summary(run);  // F19: boot service
  EXPECT_EQ(observed(run, "remoteproc", "state_before"), "running");
  EXPECT_EQ(observed(run, "remoteproc", "firmware_before"), "OpenAMP_TTY_echo_CM33_NonSecure.elf");
  EXPECT_EQ(observed(run, "remoteproc", "stop_requests"), "1");
  EXPECT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running");
}

TEST_F(DemoRunningBoard, SecondStartBumpsTheRefcountAndNeedsTwoStops_F09) {
  auto first = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(first.exit_code, 0) << summary(first);
  // What a careless script does: start an already running processor (silently refcounted).
  board_shell(board(), "echo start > /sys/class/remoteproc/remoteproc1/state");
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  auto d = diagnostic(run, "remoteproc", "RPC009");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["stops"], "2");
  EXPECT_EQ(run.exit_code, 0) << summary(run);
}

class CrashedBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--recovery", "disabled", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(CrashedBoard, CrashedInstanceWithRecoveryDisabledIsRecoveredThenReloaded_F08) {
  auto first = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(first.exit_code, 0) << summary(first);
  board().set({"crash=m33"});
  ASSERT_EQ(board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/state"), "crashed\n");
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_FALSE(diagnostic(run, "target", "TGT010").is_null()) << summary(run);
  EXPECT_FALSE(diagnostic(run, "remoteproc", "RPC013").is_null()) << summary(run);
  EXPECT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/state"), "running\n");
}

class SmallFirmwareDir : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--fw-size", "256k", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(SmallFirmwareDir, NotEnoughSpaceIsPredictedWithNumbers_F10) {
  testing::TempDir dir;
  const auto big = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "big_m33.elf", 1 << 20);
  auto run = run_check(board(), {"--elf", big});
  auto d = diagnostic(run, "target", "TGT006");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["needed_bytes"], "1048576");
  EXPECT_EQ(d["observed"]["free_bytes"], "262144");
  EXPECT_EQ(status(run, "upload"), "skipped");
}

TEST_F(SmallFirmwareDir, FullDiskDuringUploadLeavesNoPartialFile_F10) {
  testing::TempDir dir;
  const auto big = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "big_m33.elf", 1 << 20);
  auto run = run_check(board(), {"--elf", big, "--skip", "target"});
  auto d = diagnostic(run, "upload", "UPL001");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(observed(run, "upload", "temporary_file"), "removed");
  EXPECT_EQ(board_shell(board(), "ls -a /lib/firmware | grep -c big_m33 || true"), "0\n");
}

class ReadOnlyFirmwareDir : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--fw-ro", "on", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(ReadOnlyFirmwareDir, ReadOnlyIsPredicted_F10) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  auto d = diagnostic(run, "target", "TGT007");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["mount"].get<std::string>().find("firmware"), std::string::npos);
}

TEST_F(ReadOnlyFirmwareDir, ReadOnlyAtUploadHasItsCode_F10) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--skip", "target"});
  ASSERT_FALSE(diagnostic(run, "upload", "UPL002").is_null()) << summary(run);
}

class NoM33Board : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--order", "m0", "--mode", "ELF"}); }
};

TEST_F(NoM33Board, MissingInstanceListsWhatExists_F11) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  auto d = diagnostic(run, "target", "TGT002");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["instances"], "remoteproc0=m0");
  auto at_start = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--skip", "target"});
  ASSERT_FALSE(diagnostic(at_start, "remoteproc", "RPC010").is_null()) << summary(at_start);
}

class M33TdBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--board", "m33td", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(M33TdBoard, M33TdFlavourIsNamed_F12) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  auto d = diagnostic(run, "target", "TGT003");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["compatible"].get<std::string>().find("cm33tdcid"), std::string::npos);
}

// The EV1 has two SCMI pages where the DK's Cortex-M33 SRAM1 begins: an image laid out for the DK's SRAM1
// is refused there, and the target step says so before any upload, from the board's own reserved-memory.
class Ev1Board : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--board", "ev1", "--mode", "ELF", "--order", "m0,m33"}); }
};

TEST_F(Ev1Board, DkSram1LayoutIsPredictedOutsideTheCarveOuts_F05) {
  auto run = run_check(board(), {"--elf", firmware("m33_sram1_dk.elf")});
  auto d = diagnostic(run, "target", "TGT012");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["outside"].get<std::string>().find("0xa041000+"), std::string::npos) << d.dump(2);
  const auto regions = d["observed"]["regions"].get<std::string>();
  EXPECT_NE(regions.find("cm33-sram1@a043000"), std::string::npos) << d.dump(2);
  // The board's m33 node lists its carve-outs by phandle: the M0+'s IPC buffer is not one of them.
  EXPECT_EQ(regions.find("ipc-shmem-2"), std::string::npos) << d.dump(2);
  EXPECT_EQ(status(run, "upload"), "skipped") << summary(run);
}

TEST_F(Ev1Board, DkSram1LayoutAtStartQuotesBadPhdr_F05) {
  auto run = run_check(board(), {"--elf", firmware("m33_sram1_dk.elf"), "--skip", "image,target"});
  auto d = diagnostic(run, "remoteproc", "RPC005");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("bad phdr da 0xa041000"), std::string::npos) << d.dump(2);
}

TEST_F(Ev1Board, RegularLayoutLoads) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
}

}  // namespace
}  // namespace stm32mp::e2e
