// End-to-end catalogue tests on a board whose M33 is TEE-managed (fw_format TEE, OP-TEE remoteproc TA).
#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

class TeeBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--mode", "TEE", "--order", "m0,m33"}); }
};

TEST_F(TeeBoard, ImageSignedWithTheBoardKeyLoads) {
  testing::TempDir dir;
  const auto signed_image = sign_with(firmware("m33_ns_stripped.elf"), board().signing_key_private(), dir.file("m33_ns_sign.bin"));
  auto run = run_check(board(), {"--signed", signed_image});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(status(run, "remoteproc"), "ok") << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running");
  EXPECT_EQ(observed(run, "target", "optee_remoteproc_ta"), "present");
}

TEST_F(TeeBoard, UnsignedElfIsPredicted_F02) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_FALSE(diagnostic(run, "target", "TGT004").is_null()) << summary(run);
  EXPECT_EQ(status(run, "upload"), "skipped");
}

TEST_F(TeeBoard, UnsignedElfAtStartQuotesTheTeeError_F02) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf"), "--skip", "target"});
  auto d = diagnostic(run, "remoteproc", "RPC002");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["tee_err"], "ffff0006");
  EXPECT_EQ(d["observed"]["tee_name"], "TEE_ERROR_BAD_PARAMETERS");
  const auto evidence = d["observed"]["evidence"].get<std::string>();
  EXPECT_NE(evidence.find("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("Boot failed: -5"), std::string::npos) << evidence;
}

TEST_F(TeeBoard, ImageSignedWithAnotherKeyIsRejected_F03) {
  // tests/firmware's m33_ns_sign.bin is signed with the repository's test key, not the key this
  // board's OP-TEE trusts.
  auto run = run_check(board(), {"--signed", firmware("m33_ns_sign.bin")});
  auto d = diagnostic(run, "remoteproc", "RPC003");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"]["tee_err"], "ffff3072");
  EXPECT_EQ(d["observed"]["tee_name"], "TEE_ERROR_SIGNATURE_INVALID");
  EXPECT_NE(d["observed"]["evidence"].get<std::string>().find("TEE err: ffff3072"), std::string::npos);
}

}  // namespace
}  // namespace stm32mp::e2e
