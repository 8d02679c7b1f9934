// Unit tests of the remoteproc step with a scripted session: the stop loop, recovery, and the
// kernel-log classification of every refused write (log lines as the kernel prints them, facts §b.3).
#include <gtest/gtest.h>

#include "remote/fake_board_session.h"
#include "remote/kernel_log_classifier.h"
#include "remote/tee_error.h"
#include "steps/remoteproc_step.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using testing::FakeBoardSession;
using testing::FakeInstance;
using testing::list_reply;
using testing::write_reply;

const FakeInstance kM0{0, "m0"};
FakeInstance m33(std::string state = "offline", std::string fw = "rproc-m33-fw") {
  return FakeInstance{1, "m33", std::move(state), std::move(fw)};
}

std::vector<remote::MemRegion> carve_outs() {
  return {{"cm33-cube-fw@80100000", 0x80100000, 0x800000},
          {"cm33-cube-data@80a00000", 0x80a00000, 0x800000},
          {"cm0-cube-fw@200C0000", 0x200C0000, 0x4000}};
}

struct Fixture {
  FakeBoardSession session;
  core::CancelToken cancel;
  core::NullProgress progress;
  std::optional<remote::LoadOutcome> out;
  RemoteprocInputs in{"m33", "Blink_CM33_NonSecure.elf", remote::ImageKind::elf, carve_outs(), "", 8};

  core::StepReport run() {
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    return load_firmware(in, session, control, out);
  }
  void firmware_ok() {
    session.expect("remoteproc1/firmware", write_reply(0, "", {}, m33("offline", in.firmware_name)));
  }
  void start_fails(const std::vector<std::string>& log, const std::string& err = "sh: 1: printf: write error: Invalid argument") {
    session.expect("> /sys/class/remoteproc/remoteproc1/state", write_reply(1, err, log, m33("offline", in.firmware_name)));
  }
};

const std::string kUp = "[  101.000100] remoteproc remoteproc1: remote processor m33 is now up";

TEST(RemoteprocStep, OfflineInstanceIsLoadedAndStarted) {
  Fixture f;
  f.session.expect("echo probe.version=1", list_reply({kM0, m33()}));
  f.firmware_ok();
  f.session.expect("printf '%s' 'start' > /sys/class/remoteproc/remoteproc1/state",
                   write_reply(0, "", {"[  101.000000] remoteproc remoteproc1: powering up m33", kUp}, m33("running")));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.out->index, 1);
  EXPECT_EQ(f.out->log_position, 100u);
  EXPECT_EQ(r.observed.get("instance"), "remoteproc1 (m33)");
  // The name reaches the attribute quoted, with printf '%s' (no newline).
  EXPECT_NE(f.session.commands[1].find("printf '%s' 'Blink_CM33_NonSecure.elf' > /sys/class/remoteproc/remoteproc1/firmware"),
            std::string::npos);
}

TEST(RemoteprocStep, HostileNameIsQuotedNotExecuted) {
  Fixture f;
  f.in.firmware_name = "a'$(reboot)`id`.elf";
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware", write_reply(0, "", {}, m33()));
  f.session.expect("remoteproc1/state", write_reply(0, "", {kUp}, m33("running")));
  auto r = f.run();
  EXPECT_NE(f.session.commands[1].find("printf '%s' 'a'\\''$(reboot)`id`.elf' >"), std::string::npos) << f.session.commands[1];
}

TEST(RemoteprocStep, RefcountedStartNeedsRepeatedStops_F09) {
  Fixture f;
  f.session.expect("", list_reply({kM0, m33("running")}));
  f.session.expect("'stop' > /sys/class/remoteproc/remoteproc1/state", write_reply(0, "", {}, m33("running")));
  f.session.expect("'stop' > /sys/class/remoteproc/remoteproc1/state",
                   write_reply(0, "", {"[ 5.0] remoteproc remoteproc1: stopped remote processor m33"}, m33("offline")));
  f.firmware_ok();
  f.session.expect("'start'", write_reply(0, "", {kUp}, m33("running")));
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocStopRepeated));
  EXPECT_EQ(r.observed.get("stop_requests"), "2");
  EXPECT_TRUE(f.out);
}

TEST(RemoteprocStep, StopLoopIsBounded_F09) {
  Fixture f;
  f.in.max_stops = 3;
  f.session.expect("", list_reply({m33("running")}));
  for (int i = 0; i < 3; ++i) f.session.expect("'stop'", write_reply(0, "", {}, m33("running")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStopIneffective));
  EXPECT_EQ(r.diagnostics.back().observed.get("stops"), "3");
  EXPECT_FALSE(f.out);
}

TEST(RemoteprocStep, CrashedInstanceIsRecoveredThenStopped_F08) {
  Fixture f;
  FakeInstance crashed = m33("crashed");
  crashed.recovery = "disabled";
  f.session.expect("", list_reply({crashed}));
  f.session.expect("'recover' > /sys/class/remoteproc/remoteproc1/recovery", write_reply(0, "", {}, m33("running")));
  f.session.expect("'stop'", write_reply(0, "", {}, m33("offline")));
  f.firmware_ok();
  f.session.expect("'start'", write_reply(0, "", {kUp}, m33("running")));
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocRecovered));
  EXPECT_TRUE(f.out);
}

TEST(RemoteprocStep, CrashedInstanceThatStaysCrashed_F08) {
  Fixture f;
  f.session.expect("", list_reply({m33("crashed")}));
  f.session.expect("'recover'", write_reply(0, "", {"[ 9.0] remoteproc remoteproc1: recovering m33"}, m33("crashed")));
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocCrashedUnrecoverable));
}

TEST(RemoteprocStep, DetachedInstanceIsAttachedThenStopped) {
  Fixture f;
  f.session.expect("", list_reply({m33("detached")}));
  f.session.expect("'start'", write_reply(0, "", {}, m33("attached")));
  f.session.expect("'stop'", write_reply(0, "", {}, m33("offline")));
  f.firmware_ok();
  f.session.expect("'start'", write_reply(0, "", {kUp}, m33("running")));
  auto r = f.run();
  EXPECT_TRUE(f.out) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
}

TEST(RemoteprocStep, MissingInstance_F11) {
  Fixture f;
  f.session.expect("", list_reply({kM0}));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocInstanceMissing));
  EXPECT_EQ(r.diagnostics[0].observed.get("instances"), "remoteproc0=m0");
}

TEST(RemoteprocStep, BusyFirmwareWrite_F07) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware",
                   write_reply(1, "sh: 1: printf: write error: Device or resource busy",
                               {"[ 7.0] stm32-rproc m33: can't change firmware while running"}, m33("running")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocBusy));
  EXPECT_EQ(r.diagnostics[0].observed.get("errno"), "EBUSY");
  EXPECT_EQ(r.diagnostics[0].observed.get("evidence"), "[ 7.0] stm32-rproc m33: can't change firmware while running");
}

TEST(RemoteprocStep, RenumberedInstanceIsCaught_F04) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware", write_reply(0, "", {}, FakeInstance{1, "m0"}));
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocWrongInstance));
  EXPECT_FALSE(f.out);
}

TEST(RemoteprocStep, SignedImageOnElfInstance_F01) {
  Fixture f;
  f.in.image_kind = remote::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 12.1] remoteproc remoteproc1: powering up m33", "[ 12.1] remoteproc remoteproc1: Image is corrupted (bad magic)",
                 "[ 12.1] remoteproc remoteproc1: Boot failed: -22"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocBadMagic));
  const auto& d = r.diagnostics.back();
  EXPECT_NE(d.observed.get("evidence")->find("Image is corrupted (bad magic)"), std::string::npos);
  EXPECT_NE(d.observed.get("evidence")->find("Boot failed: -22"), std::string::npos);
  EXPECT_EQ(d.observed.get("boot_error"), "-22");
}

TEST(RemoteprocStep, UnsignedElfOnTeeInstance_F02) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 3.0] remoteproc remoteproc1: powering up m33",
                 "[ 3.0] stm32-rproc m33: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006, ret:0",
                 "[ 3.0] remoteproc remoteproc1: Boot failed: -5"},
                "sh: 1: printf: write error: Input/output error");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeRejectedUnsigned));
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("tee_err"), "ffff0006");
  EXPECT_EQ(d.observed.get("tee_name"), "TEE_ERROR_BAD_PARAMETERS");
  EXPECT_EQ(d.observed.get("errno"), "EIO");
}

TEST(RemoteprocStep, SignedWithTheWrongKey_F03) {
  Fixture f;
  f.in.image_kind = remote::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 3.0] stm32-rproc m33: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff3072, ret:0",
                 "[ 3.0] remoteproc remoteproc1: Boot failed: -5"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeRejectedSigned));
  EXPECT_EQ(r.diagnostics.back().observed.get("tee_name"), "TEE_ERROR_SIGNATURE_INVALID");
}

TEST(RemoteprocStep, BadPhdrOnTheRightInstance_F05) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 4.0] remoteproc remoteproc1: powering up m33", "[ 4.0] remoteproc remoteproc1: bad phdr da 0x90000000 mem 0x1000",
                 "[ 4.0] remoteproc remoteproc1: Failed to load program segments: -22", "[ 4.0] remoteproc remoteproc1: Boot failed: -22"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocBadSegment));
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("da"), "0x90000000");
  EXPECT_NE(d.observed.get("regions")->find("cm33-cube-fw@80100000"), std::string::npos);
}

TEST(RemoteprocStep, M33ImageInTheM0IsTheWrongInstance_F04) {
  Fixture f;
  f.in.remoteproc = "m0";
  f.session.expect("", list_reply({kM0, m33()}));
  f.session.expect("remoteproc0/firmware", write_reply(0, "", {}, kM0));
  f.session.expect("remoteproc0/state",
                   write_reply(1, "write error: Invalid argument",
                               {"[ 4.0] remoteproc remoteproc0: powering up m0", "[ 4.0] remoteproc remoteproc0: Booting fw image x.elf, size 1",
                                "[ 4.0] remoteproc remoteproc0: bad phdr da 0x80100000 mem 0x540",
                                "[ 4.0] remoteproc remoteproc0: Failed to load program segments: -22"},
                               kM0));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocWrongInstance));
  EXPECT_EQ(r.diagnostics.back().observed.get("built_for"), "m33");
}

TEST(RemoteprocStep, FirmwareNotFound_F06) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 5.0] remoteproc remoteproc1: powering up m33",
                 "[ 5.0] remoteproc remoteproc1: Direct firmware load for Blink_CM33_NonSecure.elf failed with error -2",
                 "[ 5.0] remoteproc remoteproc1: request_firmware failed: -2", "[ 5.0] remoteproc remoteproc1: Boot failed: -2"},
                "write error: No such file or directory");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocFirmwareNotFound));
}

TEST(RemoteprocStep, MalformedElf) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 5.0] remoteproc remoteproc1: powering up m33", "[ 5.0] remoteproc remoteproc1: Image is too small"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocImageRejected));
  EXPECT_NE(r.diagnostics.back().message.find("Image is too small"), std::string::npos);
}

TEST(RemoteprocStep, TeeTaUnreachable_F11) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 5.0] stm32-rproc m33: tee_client_open_session failed, err: ffff0008"});
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocTeeUnavailable));
}

TEST(RemoteprocStep, FirewallPanicInTheLog_F20) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 5.0] remoteproc remoteproc1: Booting fw image x_sign.bin, size 9", "E/TC:0 0 stm32_iac_itr:185 IAC exceptions: Panic"});
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocFirewallPanic));
}

TEST(RemoteprocStep, BoardGoneDuringStart_F20) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.session.expect_error("'start'", ports::RemoteError::Kind::disconnected, "connection reset");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocFirewallPanic));
}

TEST(RemoteprocStep, UnrecognisedRefusalQuotesTheLog) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.firmware_ok();
  f.start_fails({"[ 5.0] remoteproc remoteproc1: something new -1"}, "write error: Operation not permitted");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStartFailed));
  EXPECT_EQ(r.diagnostics.back().observed.get("errno"), "EPERM");
}

TEST(RemoteprocStep, ListFailureIsTheCommandCode) {
  Fixture f;
  f.session.expect_error("", ports::RemoteError::Kind::timeout, "no reply");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocCommandFailed));
}

TEST(KernelLogClassifier, TimestampsAndUpLine) {
  EXPECT_DOUBLE_EQ(*remote::kernel_timestamp("[  101.250000] x"), 101.25);
  EXPECT_FALSE(remote::kernel_timestamp("no stamp"));
  auto v = remote::classify_kernel_log({kUp, "[ 1.0] remoteproc remoteproc1: no resource table found for this firmware"}, "m33");
  EXPECT_TRUE(v.up);
  EXPECT_TRUE(v.no_resource_table);
  EXPECT_EQ(v.cause, remote::LogCause::none);
}

TEST(TeeError, DecodesTheCodesOfTheCatalogue) {
  EXPECT_STREQ(remote::decode_tee_error(0xffff0006).name, "TEE_ERROR_BAD_PARAMETERS");
  EXPECT_STREQ(remote::decode_tee_error(0xffff3072).name, "TEE_ERROR_SIGNATURE_INVALID");
  EXPECT_STREQ(remote::decode_tee_error(0xffff000f).name, "TEE_ERROR_SECURITY");
  EXPECT_STREQ(remote::decode_tee_error(0xffff0001).name, "TEE_ERROR_ACCESS_DENIED");
  EXPECT_STREQ(remote::decode_tee_error(0x12345678).name, "TEE_ERROR_UNKNOWN");
}

}  // namespace
}  // namespace stm32mp::steps
