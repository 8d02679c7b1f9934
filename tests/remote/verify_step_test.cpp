// Unit tests of the verify step with the fake session.
#include <gtest/gtest.h>

#include "remote/fake_board_session.h"
#include "remote/booted_image.h"
#include "steps/verify_step.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using testing::FakeInstance;
using testing::verify_reply;

const std::vector<std::string> kStartLog{
    "[  200.100000] remoteproc remoteproc1: powering up m33",
    "[  200.102000] remoteproc remoteproc1: Booting fw image Blink.elf, size 70000",
    "[  200.135500] remoteproc remoteproc1: remote processor m33 is now up"};

struct Fixture {
  testing::FakeBoardSession session;
  core::CancelToken cancel;
  core::NullProgress progress;
  // As left by a load whose start reply did not show a running instance: this step reads the board.
  VerifyInputs in{remote::LoadOutcome{1, "m33", 100, kStartLog, 140, "", std::nullopt}, "Blink.elf", true};
  core::StepReport run() {
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    return verify_running(in, session, control);
  }
};

TEST(VerifyStep, RunningAndUpWithTiming) {
  Fixture f;
  f.session.expect("lg 100 ", verify_reply({1, "m33", "running"}, kStartLog, 1));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(r.observed.get("kernel_start_to_up_ms"), "36");
  EXPECT_EQ(r.observed.get("rpmsg_ttys"), "1");
  EXPECT_EQ(r.observed.get("evidence"), kStartLog[2]);
  EXPECT_EQ(r.observed.get("read"), "after the start, by this step");
  EXPECT_EQ(f.session.execs(), 1u);
}

// The load command read the instance right after the start write: running and "is now up" are
// observed there, so verify needs no round trip of its own.
TEST(VerifyStep, RunningAndUpSeenByTheLoadCommandNeedsNoRoundTrip) {
  Fixture f;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 1;
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(f.session.execs(), 0u);
  EXPECT_EQ(r.observed.get("state"), "running");
  EXPECT_EQ(r.observed.get("evidence"), kStartLog[2]);
  EXPECT_EQ(r.observed.get("kernel_start_to_up_ms"), "36");
  EXPECT_EQ(r.observed.get("rpmsg_ttys"), "1");
  EXPECT_EQ(r.observed.get("read"), "right after the start write, by the load command");
}

// ST stm32_rproc.c stm32_rproc_start: "Boot address is %#llx no aligned on mask %#x" and return 0, so
// remoteproc_core.c prints "remote processor %s is now up" and the state reads running.
TEST(VerifyStep, MisalignedBootAddressIsNotReadyToDebug) {
  Fixture f;
  const std::vector<std::string> log{kStartLog[0], kStartLog[1],
                                     "[  200.103000] remoteproc remoteproc1: Boot address is 0x80100040 no aligned on mask 0xffffff80",
                                     kStartLog[2]};
  f.session.expect("lg 100 ", verify_reply({1, "m33", "running"}, log, 1));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::VerifyBootAddressMisaligned));
  EXPECT_EQ(r.status, core::StepStatus::error);
  EXPECT_NE(r.diagnostics[0].observed.get("evidence")->find("no aligned on mask 0xffffff80"), std::string::npos);
}

TEST(VerifyStep, NoResourceTableSeenByTheLoadCommand_F21) {
  Fixture f;
  f.in.has_resource_table = false;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 0;
  f.in.load.start_log.insert(f.in.load.start_log.begin() + 2,
                             "[  200.102100] remoteproc remoteproc1: no resource table found for this firmware");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::VerifyNoResourceTable));
  EXPECT_EQ(f.session.execs(), 0u);
}

// Running without the up line in the start reply (an asynchronous driver, or a log that was cut):
// verify reads the board itself and still requires both.
TEST(VerifyStep, StartReplyWithoutTheUpLineIsReadAgain) {
  Fixture f;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 0;
  f.in.load.start_log = {kStartLog[0]};
  f.session.expect("lg 100 ", verify_reply({1, "m33", "running"}, kStartLog, 1));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(f.session.execs(), 1u);
  EXPECT_EQ(r.observed.get("evidence"), kStartLog[2]);
}

TEST(VerifyStep, StartReplyNotYetRunningIsReadAgain) {
  Fixture f;
  f.in.load.state_after = "offline";
  f.in.load.rpmsg_ttys = 0;
  auto log = kStartLog;
  log.push_back("[  200.300000] remoteproc remoteproc1: handling crash #1 in m33");
  f.session.expect("", verify_reply({1, "m33", "crashed"}, log, 0));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::VerifyNotRunning));
  EXPECT_EQ(f.session.execs(), 1u);
}

TEST(VerifyStep, CrashedAfterStart) {
  Fixture f;
  auto log = kStartLog;
  log.push_back("[  200.300000] remoteproc remoteproc1: handling crash #1 in m33");
  f.session.expect("", verify_reply({1, "m33", "crashed"}, log, 0));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::VerifyNotRunning));
  EXPECT_NE(r.diagnostics[0].observed.get("evidence")->find("handling crash #1"), std::string::npos);
}

TEST(VerifyStep, NoUpLineIsAWarning) {
  Fixture f;
  f.in.load.start_log.clear();
  f.session.expect("", verify_reply({1, "m33", "running"}, {}, 0));
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::VerifyNoUpLine));
  EXPECT_EQ(r.status, core::StepStatus::warning);
}

TEST(VerifyStep, NoResourceTableAndNoTty_F21) {
  Fixture f;
  f.in.has_resource_table = false;
  auto log = kStartLog;
  log.insert(log.begin() + 2, "[  200.102100] remoteproc remoteproc1: no resource table found for this firmware");
  f.session.expect("", verify_reply({1, "m33", "running"}, log, 0));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::VerifyNoResourceTable));
  EXPECT_NE(r.diagnostics[0].observed.get("evidence")->find("no resource table found"), std::string::npos);
}

TEST(VerifyStep, BoardNotAnswering) {
  Fixture f;
  f.session.expect_error("", ports::RemoteError::Kind::disconnected, "eof");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::VerifyCheckFailed));
}

// A cancel while the board is being read (issue 15): the runner reports it (RUN003); the step adds no verdict of
// its own -- "the check failed" would blame a board that was only not waited for.
TEST(VerifyStep, ACancelWhileReadingTheBoardIsNoFinding) {
  Fixture f;
  f.session.expect_error("lg 100 ", ports::RemoteError::Kind::cancelled, "cancelled");
  f.cancel.cancel();
  auto r = f.run();
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics.front().message;
  EXPECT_EQ(r.observed.get("state"), "not read: the run was cancelled");
  EXPECT_EQ(f.session.execs(), 1u);
}

// remoteproc_core.c rproc_fw_boot: "Booting fw image %s, size %zd" names the file the loader found. The
// upload wrote 70000 bytes; a copy found first in firmware_class.path has another size.
TEST(VerifyStep, AnotherCopyOfTheFirmwareBootedIsAnError) {
  Fixture f;
  f.in.uploaded_size = 70000;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 1;
  EXPECT_FALSE(f.run().has(Code::RprocOtherCopyBooted)) << "the size of the upload: the upload runs";
  EXPECT_EQ(f.run().observed.get("booted"), "Blink.elf, 70000 bytes");
  f.in.uploaded_size = 71234;
  f.in.firmware_class_path = "/home/root/fw";
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocOtherCopyBooted));
  EXPECT_EQ(r.status, core::StepStatus::error);
  EXPECT_NE(r.diagnostics[0].message.find("booted Blink.elf (70000 bytes), not the 71234-byte Blink.elf"), std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_NE(r.diagnostics[0].fix.find("firmware_class.path: /home/root/fw"), std::string::npos) << r.diagnostics[0].fix;
  EXPECT_EQ(r.diagnostics[0].observed.get("evidence"), kStartLog[1]);
  // Another name altogether.
  f.in.uploaded_size.reset();
  f.in.image_name = "Other.elf";
  EXPECT_TRUE(f.run().has(Code::RprocOtherCopyBooted));
}

TEST(VerifyStep, RunningWhileTheTaHeldAFailedStartIsAWarning) {
  Fixture f;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 1;
  f.in.ta_failed_start = "[  150.000000] remoteproc remoteproc0: TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0006, ret:0";
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocOldImageMayRun));
  EXPECT_EQ(r.status, core::StepStatus::warning);
  EXPECT_NE(r.diagnostics[0].observed.get("held_since")->find("TA_RPROC_FW_CMD_START_FW"), std::string::npos);
}

// The load went through although the TA held an image whose start had failed: only a TA that starts the image it
// holds (upstream OP-TEE, crosscheck §1) does that. The kernel named that image before the failed start.
TEST(VerifyStep, TheHeldImageNamedByTheKernelIsWhatRunsWhenItIsNotTheUpload) {
  Fixture f;
  f.in.load.state_after = "running";
  f.in.load.rpmsg_ttys = 1;
  f.in.image_name = "Blink.elf";
  f.in.uploaded_size = 70000;
  f.in.ta_failed_start = "[  150.000000] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                         "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0";
  f.in.ta_held_image = "[  149.900000] remoteproc remoteproc0: Booting fw image Old.elf, size 61234";
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocHeldImageRuns)) << r.diagnostics.size();
  EXPECT_FALSE(r.has(Code::RprocOldImageMayRun));
  EXPECT_EQ(r.status, core::StepStatus::error);
  const auto& d = r.diagnostics[0];
  EXPECT_NE(d.message.find("runs Old.elf (61234 bytes), the image whose start failed earlier, not the 70000-byte Blink.elf"),
            std::string::npos) << d.message;
  EXPECT_EQ(d.observed.get("evidence"), f.in.ta_held_image);
  // The same name, another size: another build of it.
  f.in.ta_held_image = "[  149.900000] remoteproc remoteproc0: Booting fw image Blink.elf, size 61234";
  EXPECT_TRUE(f.run().has(Code::RprocHeldImageRuns));
  // The very file uploaded (name and size): it may be that one; a warning naming it.
  f.in.ta_held_image = "[  149.900000] remoteproc remoteproc0: Booting fw image Blink.elf, size 70000";
  auto same = f.run();
  ASSERT_TRUE(same.has(Code::RprocOldImageMayRun));
  EXPECT_FALSE(same.has(Code::RprocHeldImageRuns));
  EXPECT_EQ(same.diagnostics[0].observed.get("held_image"), "Blink.elf, 70000 bytes");
}

TEST(BootedImage, ReadsTheKernelsLineAndIgnoresOthers) {
  EXPECT_FALSE(remote::booted_image({"[ 1.0] remoteproc remoteproc1: powering up m33"}));
  const auto b = remote::booted_image({kStartLog[1], "[ 2.0] remoteproc remoteproc1: Booting fw image a, b.elf, size 12"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "a, b.elf") << "the last line; a name may hold ', '";
  EXPECT_EQ(b->size, 12U);
  EXPECT_FALSE(remote::booted_image({"[ 1.0] remoteproc remoteproc1: Booting fw image x.elf, size ?"}));
}

}  // namespace
}  // namespace stm32mp::steps
