// The kernel log classifier on the exact strings of the real sources (each test names its source;
// shared/reference/real-sources-crosscheck.md §1). The device prefix before the message is the
// one dev_err prints for that driver; the classifier does not depend on it.
#include <gtest/gtest.h>

#include <set>

#include "remote/kernel_log_classifier.h"
#include "remote/tee_error.h"

namespace stm32mp::remote {
namespace {

// ST's tee_remoteproc.c logs through the TEE client device of the remoteproc TA.
const std::string kStTee = "[   42.100000] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: ";
// The upstream series' remoteproc_tee.c logs through the same TEE client device.
const std::string kUpTee = "[   42.100000] remoteproc_tee optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: ";
const std::string kCore = "[   42.100000] remoteproc remoteproc0: ";
const std::string kPlat = "[   42.100000] stm32-rproc 0.m33: ";

TEST(KernelLogClassifier, StForkLoadFailurePrintsTheCodeWithPercentX) {
  // ST tee_remoteproc.c tee_rproc_load_fw: "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: %x, ret:%x"
  auto v = classify_kernel_log({kCore + "powering up m33", kStTee + "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff3072, ret:0",
                                kCore + "Boot failed: -5"},
                               "m33");
  EXPECT_EQ(v.cause, LogCause::tee_rejected);
  EXPECT_EQ(v.tee_error, 0xFFFF3072u);
  EXPECT_EQ(v.tee_command, "LOAD_FW");
  EXPECT_EQ(v.boot_error, -5);
}

TEST(KernelLogClassifier, UpstreamSeries2024PrintsTheCodeWithPercentHashX) {
  // upstream "remoteproc TEE" series, 2024 revision, remoteproc_tee.c: "…TEE err: %#x, ret:%d"
  auto v = classify_kernel_log({kUpTee + "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: 0xffff0006, ret:0"}, "m33");
  EXPECT_EQ(v.cause, LogCause::tee_rejected);
  EXPECT_EQ(v.tee_error, 0xFFFF0006u);
}

TEST(KernelLogClassifier, UpstreamSeries2025LoadsInParseFwAfterTheBootingLine) {
  // 2025 revision: rproc_tee_parse_fw loads first, so "Booting fw image" precedes the TA's line;
  // format "TA_RPROC_CMD_LOAD_FW invoke failed TEE err: %#x, ret:%d".
  auto v = classify_kernel_log({kCore + "powering up m33", kCore + "Booting fw image Blink_sign.bin, size 70000",
                                kUpTee + "TA_RPROC_CMD_LOAD_FW invoke failed TEE err: 0xffff000f, ret:0",
                                kCore + "Boot failed: -5"},
                               "m33");
  EXPECT_EQ(v.cause, LogCause::tee_rejected);
  EXPECT_EQ(v.tee_error, 0xFFFF000Fu);
  EXPECT_EQ(v.tee_command, "LOAD_FW");
}

TEST(KernelLogClassifier, TaStartFailureIsNotAnImageRejection) {
  // ST tee_remoteproc.c tee_rproc_start, then remoteproc_core.c rproc_start "can't start rproc %s: %d"
  auto st = classify_kernel_log({kStTee + "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0",
                                 kCore + "can't start rproc m33: -5", kCore + "Boot failed: -5"},
                                "m33");
  EXPECT_EQ(st.cause, LogCause::tee_start_failed);
  EXPECT_EQ(st.tee_command, "START_FW");
  // upstream 2025 rproc_tee_start: "TA_RPROC_CMD_START invoke failed TEE err: %#x, ret:%d"
  auto up = classify_kernel_log({kUpTee + "TA_RPROC_CMD_START invoke failed TEE err: 0xffff0000, ret:0",
                                 kCore + "can't start rproc m33: -5"},
                                "m33");
  EXPECT_EQ(up.cause, LogCause::tee_start_failed);
  EXPECT_EQ(up.tee_error, 0xFFFF0000u);
}

TEST(KernelLogClassifier, BadStateOnLoadIsTheTaStillHoldingAnImage) {
  // ST: after a failed start the TA stays LOADED; the next TA_RPROC_FW_CMD_LOAD_FW answers BAD_STATE.
  auto v = classify_kernel_log({kStTee + "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0007, ret:0"}, "m33");
  EXPECT_EQ(v.cause, LogCause::tee_bad_state);
  EXPECT_EQ(v.tee_error, 0xFFFF0007u);
}

TEST(KernelLogClassifier, EcdsaOnAnRsaOnlyPtaIsALoadRefusedAsNotSupported) {
  // ST tee_remoteproc.c tee_rproc_load_fw ("…TEE err: %x, ret:%x") with the PTA's TEE_ERROR_NOT_SUPPORTED for an
  // ECDSA signature (upstream core/pta/stm32mp/remoteproc_pta.c: RSA only; ST 4.x without
  // CFG_REMOTEPROC_PUB_KEY_VERIFY), then remoteproc_core.c's "Boot failed: %d".
  auto v = classify_kernel_log({kCore + "powering up m33", kStTee + "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0",
                                kCore + "Boot failed: -5"},
                               "m33");
  EXPECT_EQ(v.cause, LogCause::tee_rejected);
  EXPECT_EQ(v.tee_error, kTeeErrorNotSupported);
  EXPECT_EQ(v.tee_command, "LOAD_FW");
  EXPECT_STREQ(decode_tee_error(*v.tee_error).name, "TEE_ERROR_NOT_SUPPORTED");
}

TEST(KernelLogClassifier, TheFirstTaFailureIsTheCause) {
  // upstream 2025 rproc_tee_parse_fw → release_fw after a failed load: the RELEASE line is a consequence.
  auto v = classify_kernel_log({kUpTee + "TA_RPROC_CMD_LOAD_FW invoke failed TEE err: 0xffff3072, ret:0",
                                kUpTee + "TA_RPROC_CMD_RELEASE_FW invoke failed TEE err: 0xffff0007, ret:0"},
                               "m33");
  EXPECT_EQ(v.cause, LogCause::tee_rejected);  // BAD_STATE on RELEASE is not the stale-image case
  EXPECT_EQ(v.tee_command, "LOAD_FW");
  EXPECT_EQ(v.tee_error, 0xFFFF3072u);
}

TEST(KernelLogClassifier, CarveoutFamily_F05) {
  // remoteproc_core.c rproc_check_carveout_da / rproc_handle_carveout / rproc_alloc_registered_carveouts
  for (const std::string line : {"Registered carveout doesn't fit len request", "Registered carveout doesn't fit da request",
                                 "Carveout already associated to resource table", "Unable to allocate carveout vdev0buffer: -12"}) {
    auto v = classify_kernel_log({kCore + "powering up m33", kCore + line, kCore + "Failed to process resources: -12"}, "m33");
    EXPECT_EQ(v.cause, LogCause::carveout) << line;
    EXPECT_NE(v.detail.find(line), std::string::npos) << line;
  }
  // ST stm32_rproc.c stm32_rproc_prepare: "memory region not valid %pa", then rproc_fw_boot's
  // "can't prepare rproc %s: %d": the carve-out explains the prepare failure.
  auto v = classify_kernel_log({kPlat + "memory region not valid 0x0000000080000000", kCore + "can't prepare rproc m33: -22"}, "m33");
  EXPECT_EQ(v.cause, LogCause::carveout);
}

TEST(KernelLogClassifier, PrepareSubdevicesAndDeletedAreToldApart) {
  // remoteproc_core.c: rproc_fw_boot, rproc_start, rproc_boot
  EXPECT_EQ(classify_kernel_log({kCore + "can't prepare rproc m33: -19"}, "m33").cause, LogCause::prepare_failed);
  EXPECT_EQ(classify_kernel_log({kCore + "failed to prepare subdevices for m33: -12"}, "m33").cause,
            LogCause::subdevices_failed);
  EXPECT_EQ(classify_kernel_log({kCore + "failed to probe subdevices for m33: -16"}, "m33").cause,
            LogCause::subdevices_failed);
  EXPECT_EQ(classify_kernel_log({kCore + "can't boot deleted rproc m33"}, "m33").cause, LogCause::deleted);
}

TEST(KernelLogClassifier, FirmwareLoaderErrnosEachWithTheirReason) {
  // drivers/base/firmware_loader/main.c fw_get_filesystem_firmware ("loading %s failed with error %d"),
  // _request_firmware ("Direct firmware load for %s failed with error %d"), remoteproc_core.c rproc_boot
  // ("request_firmware failed: %d"); errnos from fs/kernel_read_file.c (not S_ISREG → -EINVAL,
  // deny_write_access → -ETXTBSY) and the path walk (-ENOTDIR).
  struct Case {
    int error;
    const char* words;
  };
  for (const auto& c : {Case{-22, "regular file"}, Case{-20, "not a directory"}, Case{-26, "open for writing"}}) {
    const std::string e = std::to_string(c.error);
    auto v = classify_kernel_log({kCore + "powering up m33", kCore + "loading /lib/firmware/x.elf failed with error " + e,
                                  kCore + "Direct firmware load for x.elf failed with error " + e,
                                  kCore + "request_firmware failed: " + e},
                                 "m33");
    EXPECT_EQ(v.cause, LogCause::firmware_unreadable) << e;
    EXPECT_EQ(v.loader_error, c.error);
    EXPECT_NE(firmware_loader_reason(*v.loader_error, v.dotdot_refused).find(c.words), std::string::npos) << e;
  }
}

TEST(KernelLogClassifier, DotDotRefusalIsNamed) {
  // firmware_loader/main.c _request_firmware: dev_warn "Firmware load for '%s' refused, path contains '..' component"
  auto v = classify_kernel_log({kCore + "Firmware load for '../tmp/x.elf' refused, path contains '..' component",
                                kCore + "request_firmware failed: -22"},
                               "m33");
  EXPECT_EQ(v.cause, LogCause::firmware_unreadable);
  EXPECT_TRUE(v.dotdot_refused);
  EXPECT_NE(firmware_loader_reason(*v.loader_error, v.dotdot_refused).find("'..'"), std::string::npos);
}

TEST(KernelLogClassifier, StopFailuresSayWhy) {
  // remoteproc_core.c rproc_stop: "can't stop rproc: %d"
  auto perm = classify_kernel_log({kCore + "can't stop rproc: -1"}, "m33");
  EXPECT_EQ(perm.cause, LogCause::stop_failed);
  EXPECT_NE(stop_failure_reason(perm, "EPERM").find("EPERM"), std::string::npos);
  // ST tee_remoteproc.c tee_rproc_stop: "TA_RPROC_FW_CMD_STOP_FW invoke failed TEE err: %x, ret:%x" → -EIO
  auto ta = classify_kernel_log({kStTee + "TA_RPROC_FW_CMD_STOP_FW invoke failed TEE err: ffff0000, ret:0",
                                 kCore + "can't stop rproc: -5"},
                                "m33");
  EXPECT_EQ(ta.cause, LogCause::stop_failed);
  EXPECT_NE(stop_failure_reason(ta, "EIO").find("TA refused the stop: TEE err ffff0000"), std::string::npos);
}

TEST(KernelLogClassifier, MisalignedBootAddressIsSeenBesideTheUpLine) {
  // ST stm32_rproc.c stm32_rproc_start: "Boot address is %#llx no aligned on mask %#x", returns 0.
  auto v = classify_kernel_log({kCore + "powering up m33", kCore + "Booting fw image Blink.elf, size 70000",
                                kCore + "Boot address is 0x80100040 no aligned on mask 0xffffff80",
                                kCore + "remote processor m33 is now up"},
                               "m33");
  EXPECT_TRUE(v.up);
  EXPECT_EQ(v.cause, LogCause::none);
  EXPECT_NE(v.boot_addr_misaligned.find("0x80100040"), std::string::npos);
}

TEST(KernelLogClassifier, OpenSessionFailureInBothFormats) {
  // ST stm32_rproc.c probe: "signed firmware not supported by TEE"; upstream 2025 rproc_tee_register:
  // "tee_client_open_session failed, err: %#x"; ST tee_remoteproc.c: "…, err: %x".
  auto up = classify_kernel_log({kPlat + "tee_client_open_session failed, err: 0xffff0008"}, "m33");
  EXPECT_EQ(up.cause, LogCause::tee_unavailable);
  EXPECT_EQ(up.tee_error, 0xFFFF0008u);
  auto st = classify_kernel_log({kPlat + "error -22: signed firmware not supported by TEE"}, "m33");
  EXPECT_EQ(st.cause, LogCause::tee_unavailable);
}

TEST(TeeErrorTable, OneMeaningPerCodeAsTeeApiDefinesThem) {
  // optee_os lib/libutee/include/tee_api_defines.h
  EXPECT_STREQ(decode_tee_error(0xFFFF000B).name, "TEE_ERROR_NO_DATA");
  EXPECT_STREQ(decode_tee_error(0xFFFF0008).name, "TEE_ERROR_ITEM_NOT_FOUND");
  EXPECT_STREQ(decode_tee_error(0xFFFF0007).name, "TEE_ERROR_BAD_STATE");
  EXPECT_STREQ(decode_tee_error(0xF0100001).name, "TEE_ERROR_CORRUPT_OBJECT");
  EXPECT_STREQ(decode_tee_error(0xFFFF000A).name, "TEE_ERROR_NOT_SUPPORTED");
  EXPECT_STREQ(decode_tee_error(0xFFFF0009).name, "TEE_ERROR_NOT_IMPLEMENTED");
  EXPECT_STREQ(decode_tee_error(0xFFFF000F).name, "TEE_ERROR_SECURITY");
  EXPECT_STREQ(decode_tee_error(0xFFFF0001).name, "TEE_ERROR_ACCESS_DENIED");
  EXPECT_NE(std::string(decode_tee_error(0xFFFF000B).meaning).find("hash table"), std::string::npos);
  EXPECT_NE(std::string(decode_tee_error(0xF0100001).meaning).find("3.x"), std::string::npos);
  std::set<std::string> meanings;
  for (std::uint32_t code : {0xFFFF0001u, 0xFFFF0005u, 0xFFFF0006u, 0xFFFF0007u, 0xFFFF0008u, 0xFFFF0009u, 0xFFFF000Au,
                             0xFFFF000Bu, 0xFFFF000Fu, 0xFFFF3072u, 0xF0100001u}) {
    EXPECT_TRUE(meanings.insert(decode_tee_error(code).meaning).second) << std::hex << code;
  }
}

}  // namespace
}  // namespace stm32mp::remote
