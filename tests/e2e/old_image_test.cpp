// "The load seemed to work but an older firmware runs" on the simulated board: the board's firmware loader
// searches firmware_class.path before /lib/firmware (drivers/base/firmware_loader/main.c fw_path[]), so an older
// file of the same name there boots instead of the upload. The verify step compares the kernel's own
// "Booting fw image <name>, size <n>" line (remoteproc_core.c rproc_fw_boot) with what was uploaded.
// Knobs named explicitly: ELF mode, m0 = remoteproc0, the DK, firmware_class.path = /run/altfw.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/e2e_support.h"

namespace stm32mp::e2e {
namespace {

class FirmwareClassPathBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "board=dk", "fw_path=/run/altfw"}); }
};

TEST_F(FirmwareClassPathBoard, AnOlderCopyFoundFirstBootsInsteadOfTheUpload_RPC035) {
  const auto older = firmware("m33_ns_no_rsc.elf");
  const auto uploaded = firmware("m33_ns.elf");
  ASSERT_NE(std::filesystem::file_size(older), std::filesystem::file_size(uploaded));
  board_shell(board(), "mkdir -p /run/altfw && cp '" + older + "' /run/altfw/m33_ns.elf");
  ASSERT_NE(board_shell(board(), "ls /run/altfw").find("m33_ns.elf"), std::string::npos) << "the older copy is in place";
  auto run = run_check(board(), {"--elf", uploaded});
  board_shell(board(), "rm -f /run/altfw/m33_ns.elf");
  EXPECT_EQ(status(run, "remoteproc"), "ok") << summary(run);
  auto d = diagnostic(run, "verify", "RPC035");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(run.exit_code, 1) << "a load that runs another build is not ready to debug";
  const auto evidence = d["observed"]["evidence"].get<std::string>();
  EXPECT_NE(evidence.find("Booting fw image m33_ns.elf, size " + std::to_string(std::filesystem::file_size(older))), std::string::npos)
      << evidence;
  EXPECT_NE(d["fix"].get<std::string>().find("/run/altfw"), std::string::npos) << d.dump(2);
  // Without the other copy, the upload itself boots: no RPC035.
  auto clean = run_check(board(), {"--elf", uploaded});
  EXPECT_TRUE(diagnostic(clean, "verify", "RPC035").is_null()) << summary(clean);
  EXPECT_EQ(observed(clean, "verify", "booted"), "m33_ns.elf, " + std::to_string(std::filesystem::file_size(uploaded)) + " bytes");
}

}  // namespace
}  // namespace stm32mp::e2e
