// End-to-end tests of issue 10's kernel-log classifications on the simulated board: the board produces each
// case with a fault knob (board-sim KNOBS), the real CLI runs a full check over SSH, and the report names the
// code with the board's own lines as evidence; the board's saved kernel log then gets the same code from
// `stm32mp-prelaunch log`. Every suite names the knobs it relies on (mode, order), whatever the defaults.
// The line formats the board prints are those of the sources named in tests/board-sim/rprocfs/*.cpp.
#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

// `stm32mp-prelaunch log --json` on the board's kernel log as it is now: the codes it reports.
std::string log_codes(const boardsim::SimulatedBoard& board) {
  auto r = testing::run_process({PRELAUNCH_CLI, "log", board.kernel_log(), "--json"}, {}, 90000);
  std::string codes;
  try {
    const auto report = nlohmann::json::parse(r.out);  // kept alive: a range-for over a temporary's member dangles
    for (const auto& s : report["steps"])
      for (const auto& d : s["diagnostics"]) codes += d.value("code", "") + " ";
  } catch (const std::exception&) {
    codes.clear();
  }
  if (codes.empty()) return "no code; exit " + std::to_string(r.exit_code) + ": " + r.out.substr(0, 1500) + r.err.substr(0, 500);
  return codes;
}

std::string evidence(const nlohmann::json& d) {
  return d.contains("observed") && d["observed"].contains("evidence") ? d["observed"]["evidence"].get<std::string>() : "";
}

// ST's stock board: the M33 managed by OP-TEE as remoteproc0, the TA present.
class StockTeeBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=TEE", "order=m33,m0", "tee_ta=on"}); }
  void SetUp() override {
    boardsim::BoardSuite::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // Each test starts from a freshly booted board (a reboot resets the TA) with no fault.
    board().set({"ta_start=ok", "stop_fault=none", "rproc_fault=none", "reboot=1"});
  }
  std::string signed_image(const std::string& name = "m33_ns_sign.bin") {
    return sign_with(firmware("m33_ns_stripped.elf"), board().signing_key_private(), dir_.file(name));
  }
  testing::TempDir dir_;
};

TEST_F(StockTeeBoard, SignedImageLoadsIntoRemoteproc0) {
  auto run = run_check(board(), {"--signed", signed_image()});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "remoteproc", "instance"), "remoteproc0 (m33)") << summary(run);
  EXPECT_TRUE(diagnostic(run, "target", "TGT014").is_null()) << "m33 is remoteproc0 here\n" << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running");
}

TEST_F(StockTeeBoard, TaStartFailureThenBadStateAndTheTaHoldingTheImage) {
  board().set({"ta_start=fail"});
  auto first = run_check(board(), {"--signed", signed_image()});
  EXPECT_EQ(first.exit_code, 1) << summary(first);
  auto d = diagnostic(first, "remoteproc", "RPC018");
  ASSERT_FALSE(d.is_null()) << summary(first);
  EXPECT_NE(evidence(d).find("TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000"), std::string::npos) << d.dump(2);
  EXPECT_NE(log_codes(board()).find("RPC018"), std::string::npos) << log_codes(board());

  // The TA still holds the image: the target step warns before the upload, the load answers BAD_STATE.
  board().set({"ta_start=ok"});
  auto second = run_check(board(), {"--signed", signed_image("other_sign.bin")});
  EXPECT_EQ(second.exit_code, 1) << summary(second);
  EXPECT_FALSE(diagnostic(second, "target", "TGT016").is_null()) << summary(second);
  auto bad_state = diagnostic(second, "remoteproc", "RPC019");
  ASSERT_FALSE(bad_state.is_null()) << summary(second);
  EXPECT_NE(evidence(bad_state).find("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0007"), std::string::npos)
      << bad_state.dump(2);

  // Only a reboot resets the TA (the code pages' fix).
  board().set({"reboot=1"});
  auto after_reboot = run_check(board(), {"--signed", signed_image("other_sign.bin")});
  EXPECT_EQ(after_reboot.exit_code, 0) << summary(after_reboot);
}

TEST_F(StockTeeBoard, StopRefusedByTheDriverOrTheTaSaysWhy) {
  auto loaded = run_check(board(), {"--signed", signed_image()});
  ASSERT_EQ(loaded.exit_code, 0) << summary(loaded);
  for (const std::string fault : {"eperm", "ta"}) {
    board().set({"stop_fault=" + fault});
    // Another image: the running one must be stopped first, and that stop fails.
    auto run = run_check(board(), {"--signed", signed_image("next_" + fault + "_sign.bin")});
    EXPECT_EQ(run.exit_code, 1) << fault << "\n" << summary(run);
    auto d = diagnostic(run, "remoteproc", "RPC023");
    ASSERT_FALSE(d.is_null()) << fault << "\n" << summary(run);
    const std::string why = d.dump();
    if (fault == "eperm") EXPECT_NE(why.find("EPERM"), std::string::npos) << d.dump(2);
    else EXPECT_NE(why.find("TA_RPROC_FW_CMD_STOP_FW"), std::string::npos) << d.dump(2);
  }
}

TEST_F(StockTeeBoard, CarveOutFailureIsTheF05Family) {
  board().set({"rproc_fault=memory-region"});
  auto run = run_check(board(), {"--signed", signed_image()});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "remoteproc", "RPC020");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(evidence(d).find("memory region not valid"), std::string::npos) << d.dump(2);
  EXPECT_NE(log_codes(board()).find("RPC020"), std::string::npos) << log_codes(board());
}

TEST_F(StockTeeBoard, SubdevicesAndDeletedInstanceAreDeviceSetupFailures) {
  for (const std::string fault : {"subdevices", "deleted"}) {
    board().set({"rproc_fault=" + fault, "reboot=1"});
    auto run = run_check(board(), {"--signed", signed_image(fault + "_sign.bin")});
    EXPECT_EQ(run.exit_code, 1) << fault << "\n" << summary(run);
    auto d = diagnostic(run, "remoteproc", "RPC021");
    ASSERT_FALSE(d.is_null()) << fault << "\n" << summary(run);
    EXPECT_NE(evidence(d).find(fault == "deleted" ? "can't boot deleted rproc m33" : "failed to prepare subdevices"),
              std::string::npos)
        << d.dump(2);
  }
}

// remoteproc_core.c rproc_boot_recovery: a recovery that fails (here the image file is gone) leaves the core
// offline with its power reference held; the next start returns 0 and loads nothing.
TEST_F(StockTeeBoard, StartAfterAFailedRecoveryOnlyCountsAReference_F08) {
  auto loaded = run_check(board(), {"--signed", signed_image("gone_sign.bin")});
  ASSERT_EQ(loaded.exit_code, 0) << summary(loaded);
  board_shell(board(), "rm /lib/firmware/gone_sign.bin");
  board().set({"crash=m33"});
  ASSERT_NE(board_shell(board(), "dmesg").find("request_firmware failed: -2"), std::string::npos);
  auto run = run_check(board(), {"--signed", signed_image("after_sign.bin")});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "remoteproc", "RPC030");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["state_after"], "offline") << d.dump(2);
  EXPECT_TRUE(diagnostic(run, "verify", "VFY001").is_null()) << "not a firmware that stopped\n" << summary(run);
}

// A TEE-mode M33 whose TA is missing at boot (an 'opteemin' layout): no m33 instance, the reason in the boot log.
class MissingTaBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=TEE", "order=m33,m0", "tee_ta=off"}); }
};

TEST_F(MissingTaBoard, TargetStepReadsTheBootLog_F11) {
  testing::TempDir dir;
  const auto image = sign_with(firmware("m33_ns_stripped.elf"), board().signing_key_private(), dir.file("m33_ns_sign.bin"));
  auto run = run_check(board(), {"--signed", image});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "target", "TGT015");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(evidence(d).find("signed firmware not supported by TEE"), std::string::npos) << d.dump(2);
  EXPECT_EQ(status(run, "upload"), "skipped") << summary(run);
}

// ELF mode with the M33 first: what only an ELF-mode start shows.
class ElfM33FirstBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m33,m0"}); }
};

TEST_F(ElfM33FirstBoard, MisalignedVectorTableIsUpButNeverRan) {
  testing::TempDir dir;
  const auto elf = dir.file("vt_misaligned.elf");
  auto gen = testing::run_process({"/usr/bin/python3", std::string(PRELAUNCH_SOURCE_DIR) + "/tests/board-sim/tools/elfgen.py",
                                   elf, "--vector-table", "0x80100040"},
                                  {}, 30000);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto run = run_check(board(), {"--elf", elf});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "verify", "VFY005");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(evidence(d).find("Boot address is 0x80100040 no aligned on mask 0xffffff80"), std::string::npos) << d.dump(2);
}

TEST_F(ElfM33FirstBoard, FirmwareNameThatIsADirectoryIsUnreadable) {
  board_shell(board(), "mkdir -p /lib/firmware/dir_fw.elf");
  testing::TempDir dir;
  const auto path = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "dir_fw.elf", 0);
  auto run = run_check(board(), {"--elf", path, "--skip", "upload"});
  EXPECT_EQ(run.exit_code, 1) << summary(run);
  auto d = diagnostic(run, "remoteproc", "RPC022");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(evidence(d).find("failed with error -22"), std::string::npos) << d.dump(2);
  board_shell(board(), "rmdir /lib/firmware/dir_fw.elf");
}

}  // namespace
}  // namespace stm32mp::e2e
