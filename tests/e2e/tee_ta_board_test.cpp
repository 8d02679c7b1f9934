// End to end on the simulated board, issue 10: what OP-TEE's remoteproc TA and PTA do as their sources say
// (shared/reference/real-sources-crosscheck.md §1-§2) and the firmware loader's refusals of odd names. The board
// produces each case with a knob (tests/board-sim/boardsim/knobs.py), the real CLI checks it over SSH, and the
// board's saved kernel log gets the same diagnosis from `stm32mp-prelaunch log`. Every suite names its knobs.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/e2e_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

std::string evidence(const nlohmann::json& d) { return d.contains("observed") ? d["observed"].value("evidence", "") : ""; }

// ST's stock board: the M33 managed by OP-TEE as remoteproc0, the TA present, ST's TA, an RSA-only PTA.
class TeeTaBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=TEE", "order=m33,m0", "tee_ta=on", "ta_flavour=st", "pta_ecdsa=off"}); }
  void SetUp() override {
    boardsim::BoardSuite::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // Each test starts from a freshly booted board (a reboot resets the TA and the kernel log).
    board().set({"ta_start=ok", "ta_flavour=st", "pta_ecdsa=off", "trust_key=" + board().signing_key_public(), "reboot=1"});
  }
  std::string signed_image(const std::string& elf, const std::string& name) {
    return sign_with(firmware(elf), board().signing_key_private(), dir_.file(name));
  }
  testing::TempDir dir_;
};

// The PTA refuses an ECDSA signature unless OP-TEE was built for it (upstream's PTA is RSA only, ST's 4.x verifies
// ECDSA only with CFG_REMOTEPROC_PUB_KEY_VERIFY=y): ST tee_remoteproc.c then prints "TA_RPROC_FW_CMD_LOAD_FW invoke
// failed TEE err: ffff000a, ret:0". Knobs: mode=TEE, order=m33,m0, trust_key = this EC key (the board trusts it: only
// the key TYPE is refused), pta_ecdsa=off then on. The image is signed by our own `sign`.
TEST_F(TeeTaBoard, AnEcdsaSignedImageIsRefusedForItsKeyTypeUnlessThePtaVerifiesEcdsa) {
  const auto key = dir_.file("ecdsa.pem"), pub = dir_.file("ecdsa_pub.pem"), image = dir_.file("m33_ecdsa_sign.bin");
  ASSERT_EQ(testing::run_process({"/usr/bin/openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key}).exit_code, 0);
  ASSERT_EQ(testing::run_process({"/usr/bin/openssl", "pkey", "-in", key, "-pubout", "-out", pub}).exit_code, 0);
  const auto signed_ok = testing::run_process(
      {PRELAUNCH_CLI, "sign", "--in", firmware("m33_ns_stripped.elf"), "--out", image, "--key", key, "--key-type", "ecc"});
  ASSERT_EQ(signed_ok.exit_code, 0) << signed_ok.out << signed_ok.err;
  board().set({"trust_key=" + pub, "pta_ecdsa=off"});

  auto refused = run_check(board(), {"--signed", image});
  EXPECT_EQ(refused.exit_code, 1) << summary(refused);
  auto d = diagnostic(refused, "remoteproc", "RPC037");
  ASSERT_FALSE(d.is_null()) << summary(refused);
  EXPECT_NE(evidence(d).find("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0"), std::string::npos) << d.dump(2);
  EXPECT_EQ(d["observed"]["tee_name"], "TEE_ERROR_NOT_SUPPORTED") << d.dump(2);
  EXPECT_TRUE(diagnostic(refused, "remoteproc", "RPC003").is_null()) << "not 'signed with another key'\n" << summary(refused);
  // The image step predicted it before the upload, and its why names the same answer of the board.
  auto predicted = diagnostic(refused, "image", "IMG028");
  ASSERT_FALSE(predicted.is_null()) << summary(refused);
  EXPECT_NE(predicted["message"].get<std::string>().find("ECDSA P-256"), std::string::npos) << predicted.dump(2);
  EXPECT_NE(predicted["why"].get<std::string>().find("RPC037"), std::string::npos) << predicted.dump(2);
  // The saved kernel log gets the same diagnosis.
  auto saved = run_log(board().kernel_log());
  EXPECT_EQ(saved.exit_code, 1) << saved.raw;
  EXPECT_FALSE(diagnostic(saved, "log", "RPC037").is_null()) << saved.raw;

  // An OP-TEE built with the option loads the same file.
  board().set({"pta_ecdsa=on"});
  auto loaded = run_check(board(), {"--signed", image});
  EXPECT_TRUE(diagnostic(loaded, "remoteproc", "RPC037").is_null()) << summary(loaded);
  EXPECT_EQ(status(loaded, "remoteproc"), "ok") << summary(loaded);
  EXPECT_EQ(observed(loaded, "verify", "state"), "running") << summary(loaded);
}

// After a failed start the TA stays LOADED; upstream OP-TEE's TA then answers the next load with success without
// loading it and starts the image it held (crosscheck §1), while the kernel's "Booting fw image" names the new file.
// Knobs: mode=TEE, order=m33,m0, ta_flavour=upstream, ta_start=fail then ok.
TEST_F(TeeTaBoard, UpstreamTaStartsTheImageItHeldAndTheReportNamesIt) {
  board().set({"ta_flavour=upstream", "ta_start=fail"});
  const auto held = signed_image("m33_ns_stripped.elf", "m33_ns_sign.bin");
  auto first = run_check(board(), {"--signed", held});
  EXPECT_EQ(first.exit_code, 1) << summary(first);
  ASSERT_FALSE(diagnostic(first, "remoteproc", "RPC018").is_null()) << summary(first);

  board().set({"ta_start=ok"});
  const auto next = signed_image("m33_ns.elf", "m33_next_sign.bin");
  const auto held_size = std::to_string(std::filesystem::file_size(held));
  ASSERT_NE(std::filesystem::file_size(next), std::filesystem::file_size(held));
  auto second = run_check(board(), {"--signed", next});
  EXPECT_EQ(second.exit_code, 1) << "the old build runs: not ready to debug\n" << summary(second);
  auto warned = diagnostic(second, "target", "TGT016");
  ASSERT_FALSE(warned.is_null()) << summary(second);
  EXPECT_NE(warned["observed"].value("held_image", "").find("Booting fw image m33_ns_sign.bin, size " + held_size),
            std::string::npos)
      << warned.dump(2);
  EXPECT_TRUE(diagnostic(second, "remoteproc", "RPC019").is_null()) << "upstream's TA does not answer BAD_STATE\n" << summary(second);
  EXPECT_EQ(observed(second, "verify", "state"), "running") << summary(second);
  auto d = diagnostic(second, "verify", "RPC038");
  ASSERT_FALSE(d.is_null()) << summary(second);
  EXPECT_NE(d["message"].get<std::string>().find("runs m33_ns_sign.bin (" + held_size + " bytes), the image whose start failed earlier, "
                                                 "not the " + std::to_string(std::filesystem::file_size(next)) + "-byte m33_next_sign.bin"),
            std::string::npos)
      << d.dump(2);
  EXPECT_TRUE(diagnostic(second, "verify", "RPC035").is_null()) << "the kernel named the upload\n" << summary(second);
  EXPECT_TRUE(diagnostic(second, "verify", "RPC036").is_null()) << "not a 'may': the held image is named\n" << summary(second);

  // ST's TA (the default) refuses the same second load instead: BAD_STATE, nothing runs.
  board().set({"ta_flavour=st", "ta_start=fail", "reboot=1"});
  EXPECT_EQ(run_check(board(), {"--signed", held}).exit_code, 1);
  board().set({"ta_start=ok"});
  auto st = run_check(board(), {"--signed", next});
  EXPECT_FALSE(diagnostic(st, "remoteproc", "RPC019").is_null()) << summary(st);
  EXPECT_TRUE(diagnostic(st, "verify", "RPC038").is_null()) << summary(st);
}

// ELF mode with the M33 first (names written by hand: see below).
class ElfNamesBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m33,m0"}); }
};

// The firmware loader's other refusals (drivers/base/firmware_loader/main.c: "Firmware load for '%s' refused, path
// contains '..' component", -EINVAL; fs/kernel_read_file.c: the path walk's -ENOTDIR through a regular file). Our own
// check never writes such a name: the upload's name is the image's basename, and a name with '/' or '..' is refused
// before the board (firmware_name_problem, UploadStep tests). ST's launch or a user's script can write one, so the
// board produces them from a hand-written firmware name here, and `log` reads the board's saved kernel log.
// Knobs: mode=ELF, order=m33,m0.
TEST_F(ElfNamesBoard, ANameThroughAFileOrWithADotDotIsUnreadableInTheSavedLog) {
  const struct {
    std::string name, line, reason;
  } cases[] = {
      {"plain.elf/m33_ns.elf", "Direct firmware load for plain.elf/m33_ns.elf failed with error -20",
       "a component of the path is a regular file"},
      {"../firmware/plain.elf", "Firmware load for '../firmware/plain.elf' refused, path contains '..' component",
       "contains a '..' component"},
  };
  for (const auto& c : cases) {
    board().set({"reboot=1"});  // a fresh kernel log: only this case's lines
    board_shell(board(), "cp '" + firmware("m33_ns.elf") + "' /lib/firmware/plain.elf && cd /sys/class/remoteproc/remoteproc0 && "
                         "test \"$(cat name)\" = m33 && echo '" + c.name + "' > firmware && { echo start > state; true; }");
    ASSERT_NE(board_shell(board(), "dmesg").find(c.line), std::string::npos) << c.name << "\n" << board_shell(board(), "dmesg");
    auto saved = run_log(board().kernel_log());
    EXPECT_EQ(saved.exit_code, 1) << c.name << "\n" << saved.raw;
    auto d = diagnostic(saved, "log", "RPC022");
    ASSERT_FALSE(d.is_null()) << c.name << "\n" << saved.raw;
    EXPECT_NE(d["observed"].value("reason", "").find(c.reason), std::string::npos) << d.dump(2);
    EXPECT_NE(d["message"].get<std::string>().find(c.name), std::string::npos) << "the name the board was given\n" << d.dump(2);
  }
  board_shell(board(), "rm -f /lib/firmware/plain.elf");
}

}  // namespace
}  // namespace stm32mp::e2e
