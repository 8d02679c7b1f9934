// Unit tests of the remoteproc step with a scripted session: the stop loop, recovery, and the
// kernel-log classification of every refused write (log lines as the kernel prints them, facts §b.3).
#include <tuple>
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
using testing::load_start_reply;
using testing::skipped_reply;
using testing::stop_ineffective_reply;
using testing::StartReply;
using testing::write_reply;

const FakeInstance kM0{0, "m0"};
FakeInstance m33(std::string state = "offline", std::string fw = "rproc-m33-fw") {
  return FakeInstance{1, "m33", std::move(state), std::move(fw)};
}

std::vector<image::MemoryRegion> carve_outs() {
  return {{"cm33-cube-fw@80100000", 0x80100000, 0x800000},
          {"cm33-cube-data@80a00000", 0x80a00000, 0x800000},
          {"cm0-cube-fw@200C0000", 0x200C0000, 0x4000}};
}

struct Fixture {
  FakeBoardSession session;
  core::CancelToken cancel;
  core::NullProgress progress;
  std::optional<remote::LoadOutcome> out;
  RemoteprocInputs in{"m33", "Blink_CM33_NonSecure.elf", image::ImageKind::elf, carve_outs(), "", 8, std::nullopt};

  core::StepReport run() {
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    return load_firmware(in, session, control, out);
  }
  // The one load-and-start command: firmware accepted, then start with `start_log`.
  void loads(const std::vector<std::string>& start_log, int stops = 0) {
    session.expect("remoteproc1/firmware",
                   load_start_reply(0, "", {}, StartReply{0, "", start_log}, m33("running", in.firmware_name), stops));
  }
  void start_fails(const std::vector<std::string>& log, const std::string& err = "sh: 1: printf: write error: Invalid argument") {
    session.expect("remoteproc1/firmware", load_start_reply(0, "", {}, StartReply{1, err, log}, m33("offline", in.firmware_name)));
  }
};

const std::string kUp = "[  101.000100] remoteproc remoteproc1: remote processor m33 is now up";
const std::string kBusyLine = "[ 7.0] stm32-rproc m33: can't change firmware while running";
const std::string kBusyText = "sh: 1: printf: write error: Device or resource busy";

// The load the upload's command may run for the step: planned only when the listing needs nothing settled first, and
// the same command the step would run (index by name, the firmware, the stop bound).
TEST(RemoteprocStep, TheLoadIsPlannedOnlyWhenTheListingNeedsNothingSettled) {
  Fixture f;
  EXPECT_FALSE(plan_load(f.in)) << "no listing: the step lists first";
  for (const char* state : {"offline", "running", "attached"}) {
    f.in.instances = std::vector<remote::RprocInstance>{{0, "m0", "running", "", "ELF", ""}, {1, "m33", state, "", "ELF", ""}};
    const auto plan = plan_load(f.in);
    ASSERT_TRUE(plan) << state;
    EXPECT_EQ(plan->index, 1);
    EXPECT_EQ(plan->firmware, f.in.firmware_name);
    EXPECT_EQ(plan->max_stops, 8);
    EXPECT_EQ(plan->script, remote::load_and_start_body(1, "m33", f.in.firmware_name, 8));
  }
  for (const char* state : {"crashed", "detached", "suspended"}) {
    f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", state, "", "ELF", ""}};
    EXPECT_FALSE(plan_load(f.in)) << state << " is settled on the board first";
  }
  f.in.instances = std::vector<remote::RprocInstance>{{0, "m0", "offline", "", "ELF", ""}};
  EXPECT_FALSE(plan_load(f.in)) << "no such instance";
}

// The upload's command ran the planned load: the step reads its reply and makes no round trip.
TEST(RemoteprocStep, ALoadTheUploadsCommandRanIsReadWithoutARoundTrip) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "running", "old.elf", "ELF", ""}};
  const std::vector<std::string> start_log{kUp};
  auto plan = plan_load(f.in);
  ASSERT_TRUE(plan);
  ports::ExecResult ran{0, "exists=yes\nmatch=yes\nmv.rc=0\nthen.ran=1\n" +
                               load_start_reply(0, "", {}, StartReply{0, "", start_log}, m33("running", f.in.firmware_name), 1) +
                               "end=1\n", ""};
  f.in.planned = PlannedLoad{*plan, ran};
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_EQ(f.session.execs(), 0u);
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.out->start_log, start_log);
  EXPECT_EQ(r.observed.get("stop_requests"), "1");
  EXPECT_EQ(r.observed.get("load_command").value_or(""), "run by the upload's last command, right after the image was in place");
}

// Its reply lost with the connection right after the start: the board vanished with the start (F20), as when the
// step's own command loses it.
TEST(RemoteprocStep, ALoadTheUploadsCommandLostIsExplainedAsTheStepsOwn) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "offline", "", "ELF", ""}};
  auto plan = plan_load(f.in);
  ASSERT_TRUE(plan);
  ports::RemoteError lost{ports::RemoteError::Kind::disconnected, "the connection dropped"};
  f.in.planned = PlannedLoad{*plan, core::unexpected{lost}};
  auto r = f.run();
  EXPECT_TRUE(r.has(core::Code::RprocFirewallPanic)) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_EQ(f.session.execs(), 0u);
}

TEST(RemoteprocStep, OfflineInstanceIsLoadedAndStarted) {
  Fixture f;
  f.session.expect("echo probe.version=1", list_reply({kM0, m33()}));
  const std::vector<std::string> start_log{"[  101.000000] remoteproc remoteproc1: powering up m33", kUp};
  f.session.expect("printf '%s' 'start' > /sys/class/remoteproc/remoteproc1/state",
                   load_start_reply(0, "", {}, StartReply{0, "", start_log}, m33("running")));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.out->index, 1);
  // The log position is the one the load command counted once, before its first write.
  EXPECT_EQ(f.out->log_position, 100u);
  EXPECT_EQ(f.out->start_log, start_log);
  EXPECT_EQ(f.out->state_after, "running");
  EXPECT_EQ(f.out->rpmsg_ttys, 1);
  EXPECT_EQ(r.observed.get("instance"), "remoteproc1 (m33)");
  EXPECT_EQ(r.observed.get("instances_listed_by"), "remoteproc step");
  // Start is timed on the board (date +%s%N around the write: 135 - 100 ms).
  EXPECT_EQ(r.observed.get("start_ms"), "35");
  EXPECT_EQ(f.out->start_write_ms, 35);
  EXPECT_EQ(r.observed.get("start_ms_measured"), "on the board, around the start write");
  // The name reaches the attribute quoted, with printf '%s' (no newline), before start in the same command.
  const auto& cmd = f.session.commands[1];
  const auto fw_at = cmd.find("printf '%s' 'Blink_CM33_NonSecure.elf' > /sys/class/remoteproc/remoteproc1/firmware");
  ASSERT_NE(fw_at, std::string::npos) << cmd;
  EXPECT_LT(fw_at, cmd.find("printf '%s' 'start' > /sys/class/remoteproc/remoteproc1/state"));
  // The name guard (F04), read by the shell itself (no process on the board).
  EXPECT_NE(cmd.find("rd /sys/class/remoteproc/remoteproc1/name; if [ \"$_v\" = 'm33' ]"), std::string::npos) << cmd;
  EXPECT_EQ(f.session.execs(), 2u);  // list + load-and-start
}

// remoteproc_core.c: after a failed rproc_boot_recovery the power reference stays held; rproc_boot() then only
// increments it and returns 0 — the start succeeds, nothing is printed, the core stays offline.
TEST(RemoteprocStep, StartThatOnlyCountsAReferenceIsNamed_F08) {
  Fixture f;
  f.session.expect("echo probe.version=1", list_reply({kM0, m33()}));
  f.session.expect("printf '%s' 'start' > /sys/class/remoteproc/remoteproc1/state",
                   load_start_reply(0, "", {}, StartReply{0, "", {}}, m33("offline", f.in.firmware_name)));
  auto r = f.run();
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_TRUE(r.has(Code::RprocStartOnlyCounted)) << r.diagnostics[0].message;
  EXPECT_EQ(r.diagnostics[0].observed.get("state_after"), "offline");
  EXPECT_FALSE(f.out) << "nothing was started: verify has nothing to check";
}

// The same offline state after a start that printed its failure is that failure, not a counted reference.
TEST(RemoteprocStep, OfflineAfterAStartWithKernelLinesIsNotACountedReference) {
  Fixture f;
  f.session.expect("echo probe.version=1", list_reply({kM0, m33()}));
  f.session.expect("printf '%s' 'start' > /sys/class/remoteproc/remoteproc1/state",
                   load_start_reply(0, "", {}, StartReply{0, "", {"[ 1.0] remoteproc remoteproc1: powering up m33"}},
                                    m33("offline", f.in.firmware_name)));
  auto r = f.run();
  EXPECT_FALSE(r.has(Code::RprocStartOnlyCounted));
}

TEST(RemoteprocStep, HostileNameIsQuotedNotExecuted) {
  Fixture f;
  f.in.firmware_name = "a'$(reboot)`id`.elf";
  f.session.expect("", list_reply({m33()}));
  f.loads({kUp});
  auto r = f.run();
  EXPECT_NE(f.session.commands[1].find("printf '%s' 'a'\\''$(reboot)`id`.elf' >"), std::string::npos) << f.session.commands[1];
}

TEST(RemoteprocStep, RefcountedStartNeedsRepeatedStops_F09) {
  Fixture f;
  f.session.expect("", list_reply({kM0, m33("running")}));
  // The load command stops while the state reads running, re-reading it after each stop, bounded by max_stops.
  f.session.expect("while [ \"$k\" -lt 8 ] && { [ \"$s\" = running ] || [ \"$s\" = attached ]; }", "");
  f.session.script.back().reply = ports::ExecResult{0, load_start_reply(0, "", {}, StartReply{0, "", {kUp}}, m33("running"), 2), ""};
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocStopRepeated));
  EXPECT_EQ(r.observed.get("stop_requests"), "2");
  EXPECT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 2u);  // list + stop/load/start
  EXPECT_NE(f.session.commands[1].find("printf '%s' stop > /sys/class/remoteproc/remoteproc1/state"), std::string::npos);
}

TEST(RemoteprocStep, StopLoopIsBounded_F09) {
  Fixture f;
  f.in.max_stops = 3;
  f.session.expect("", list_reply({m33("running")}));
  f.session.expect("-lt 3 ]", stop_ineffective_reply(3, m33("running")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStopIneffective));
  EXPECT_EQ(r.diagnostics.back().observed.get("stops"), "3");
  EXPECT_EQ(r.diagnostics.back().observed.get("state"), "running");
  EXPECT_FALSE(r.observed.get("firmware"));
  EXPECT_FALSE(f.out);
}

// remoteproc_core.c rproc_stop "can't stop rproc: %d"; the sysfs write returns the same errno.
TEST(RemoteprocStep, RefusedStopSaysWhyInsteadOfIneffective) {
  Fixture f;
  f.in.max_stops = 3;
  f.session.expect("", list_reply({m33("running")}));
  f.session.expect("-lt 3 ]", stop_ineffective_reply(3, m33("running"), "sh: 1: printf: write error: Operation not permitted",
                                                     {"[ 9.0] remoteproc remoteproc1: can't stop rproc: -1"}));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStopFailed));
  EXPECT_FALSE(r.has(Code::RprocStopIneffective));
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("stop_error"), "-1");
  EXPECT_NE(d.observed.get("reason")->find("EPERM"), std::string::npos);
  EXPECT_FALSE(f.out);
}

// ST tee_remoteproc.c tee_rproc_stop: "TA_RPROC_FW_CMD_STOP_FW invoke failed TEE err: %x, ret:%x" → -EIO.
TEST(RemoteprocStep, TaRefusedStopNamesTheTeeError) {
  Fixture f;
  f.in.max_stops = 2;
  f.session.expect("", list_reply({m33("running")}));
  f.session.expect("-lt 2 ]",
                   stop_ineffective_reply(2, m33("running"), "sh: 1: printf: write error: Input/output error",
                                          {"[ 9.0] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                                           "TA_RPROC_FW_CMD_STOP_FW invoke failed TEE err: ffff0000, ret:0",
                                           "[ 9.0] remoteproc remoteproc1: can't stop rproc: -5"}));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStopFailed));
  EXPECT_NE(r.diagnostics.back().message.find("TA refused the stop: TEE err ffff0000 (TEE_ERROR_GENERIC)"),
            std::string::npos);
}

TEST(RemoteprocStep, CrashedInstanceIsRecoveredThenStopped_F08) {
  Fixture f;
  FakeInstance crashed = m33("crashed");
  crashed.recovery = "disabled";
  f.session.expect("", list_reply({crashed}));
  f.session.expect("'recover' > /sys/class/remoteproc/remoteproc1/recovery", write_reply(0, "", {}, m33("running")));
  f.loads({kUp}, 1);
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocRecovered));
  EXPECT_EQ(r.observed.get("stop_requests"), "1");
  EXPECT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 3u);
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
  f.session.expect("'start' > /sys/class/remoteproc/remoteproc1/state", write_reply(0, "", {}, m33("attached")));
  f.loads({kUp}, 1);
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

TEST(RemoteprocStep, BusyFirmwareWriteIsStoppedAndRetriedOnce_F07) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  // Started by something else after the listing: the refused write's reply shows it running.
  f.session.expect("remoteproc1/firmware", load_start_reply(1, kBusyText, {kBusyLine}, std::nullopt, m33("running")));
  f.loads({kUp}, 1);  // the retry's load command stops it first
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_FALSE(r.has(Code::RprocBusy));
  EXPECT_EQ(r.observed.get("firmware_write_retried"), "busy: remoteproc1 was running, stopped and retried");
  EXPECT_EQ(r.observed.get("stop_requests"), "1");
  EXPECT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 3u);
}

TEST(RemoteprocStep, BusyAgainAfterTheRetryIsExplainedWithTheLog_F07) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware", load_start_reply(1, kBusyText, {kBusyLine}, std::nullopt, m33("running")));
  f.session.expect("remoteproc1/firmware", load_start_reply(1, kBusyText, {kBusyLine}, std::nullopt, m33("running"), 1));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocBusy));
  EXPECT_EQ(r.diagnostics.back().observed.get("errno"), "EBUSY");
  EXPECT_EQ(r.diagnostics.back().observed.get("evidence"), kBusyLine);
  EXPECT_EQ(r.diagnostics.back().observed.get("state"), "running");
  EXPECT_FALSE(f.out);
  EXPECT_EQ(f.session.execs(), 3u);  // bounded: one retry only
}

TEST(RemoteprocStep, BusyWhileOfflineIsNotRetried_F07) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware", load_start_reply(1, kBusyText, {kBusyLine}, std::nullopt, m33("offline")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocBusy));
  EXPECT_EQ(r.diagnostics[0].observed.get("evidence"), kBusyLine);
  EXPECT_EQ(f.session.execs(), 2u);
}

TEST(RemoteprocStep, RefusedFirmwareWriteIsExplainedAndStartNeverWritten) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  // The reply of a refused firmware write has no start.* keys: the board script never wrote start.
  f.session.expect("remoteproc1/firmware",
                   load_start_reply(1, "sh: 1: printf: write error: Invalid argument",
                                    {"[ 7.0] remoteproc remoteproc1: can't provide empty string for firmware name"}, std::nullopt,
                                    m33("offline")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStartFailed));
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("attribute"), "firmware");
  EXPECT_EQ(d.observed.get("errno"), "EINVAL");
  EXPECT_EQ(d.observed.get("error_text"), "sh: 1: printf: write error: Invalid argument");
  EXPECT_FALSE(r.observed.get("start_ms"));
  EXPECT_FALSE(r.observed.get("firmware"));
  EXPECT_FALSE(f.out);
}

TEST(RemoteprocStep, AcceptedFirmwareWithoutAStartReplyIsACommandFailure) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect("remoteproc1/firmware", load_start_reply(0, "", {}, std::nullopt, m33("offline")));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocCommandFailed));
  EXPECT_FALSE(f.out);
}

TEST(RemoteprocStep, StartTimeIsTheRoundTripWhenTheBoardHasNoNanoseconds) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  StartReply start{0, "", {kUp}};
  start.t0 = "";
  start.t1 = "";
  f.session.expect("remoteproc1/firmware", load_start_reply(0, "", {}, start, m33("running")));
  auto r = f.run();
  ASSERT_TRUE(f.out);
  EXPECT_EQ(r.observed.get("start_ms_measured"),
            "round trip of the stop, firmware and start command (the board's shell has no $EPOCHREALTIME and its date no %N)");
  EXPECT_TRUE(r.observed.get("start_ms"));
}

// bash's $EPOCHREALTIME (seconds.microseconds, no process) is the board's clock when the shell has it.
TEST(RemoteprocStep, StartTimeFromTheShellsEpochRealtime) {
  for (const auto& [t0, t1, measured] : {std::tuple{"1700000000.100000", "1700000000.135000", true},
                                         std::tuple{"1700000000.1", "1700000000.135", false},
                                         std::tuple{"1700000000.1x0000", "1700000000.135000", false}}) {
    Fixture f;
    f.session.expect("", list_reply({m33()}));
    StartReply start{0, "", {kUp}};
    start.t0 = t0;
    start.t1 = t1;
    f.session.expect("remoteproc1/firmware", load_start_reply(0, "", {}, start, m33("running")));
    auto r = f.run();
    ASSERT_TRUE(f.out) << t0;
    if (measured) {
      EXPECT_EQ(r.observed.get("start_ms"), "35");
      EXPECT_EQ(r.observed.get("start_ms_measured"), "on the board, around the start write");
    } else {
      EXPECT_NE(r.observed.get("start_ms_measured"), "on the board, around the start write") << t0;
    }
  }
}

// With the target step's listing (same run) an offline instance costs ONE round trip.
TEST(RemoteprocStep, ListingFromTheTargetStepSavesTheListRoundTrip) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{0, "m0", "offline", "x", "ELF", "enabled"},
                                                      {1, "m33", "offline", "rproc-m33-fw", "ELF", "enabled"}};
  f.loads({kUp});
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 1u);
  EXPECT_EQ(r.observed.get("instances_listed_by"), "target step");
  EXPECT_EQ(r.observed.get("state_before"), "offline");
}

TEST(RemoteprocStep, RunningInTheTargetListingIsStoppedWithoutAListing) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "running", "demo.elf", "ELF", "enabled"}};
  f.loads({kUp}, 1);
  auto r = f.run();
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 1u);  // stop, firmware and start in one command
  EXPECT_EQ(r.observed.get("stop_requests"), "1");
  EXPECT_EQ(r.observed.get("state_before"), "running");
}

// Offline when the target step looked, started meanwhile (e.g. by the boot service): the load
// command reads the live state and stops it first — one round trip, no busy diagnosis.
TEST(RemoteprocStep, StartedSinceTheTargetStepIsStoppedByTheLoadCommand) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "offline", "rproc-m33-fw", "ELF", "enabled"}};
  f.loads({kUp}, 1);
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 1u);
  EXPECT_EQ(r.observed.get("stop_requests"), "1");
}

// Started between the load command's state read and its firmware write (a race inside the command):
// the busy reply shows the state, the step retries once, never diagnoses a wrong cause.
TEST(RemoteprocStep, StartedDuringTheLoadCommandIsRetried) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "offline", "rproc-m33-fw", "ELF", "enabled"}};
  f.session.expect("remoteproc1/firmware", load_start_reply(1, kBusyText, {kBusyLine}, std::nullopt, m33("running")));
  f.loads({kUp}, 1);
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_TRUE(f.out);
  EXPECT_EQ(f.session.execs(), 2u);
  EXPECT_TRUE(r.observed.get("firmware_write_retried"));
}

TEST(RemoteprocStep, LinkLostDuringStopLoadStartIsF20AndSaysTheStopWasPartOfIt) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "running", "demo.elf", "ELF", "enabled"}};
  f.session.expect_error("remoteproc1/firmware", ports::RemoteError::Kind::disconnected, "connection reset");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocFirewallPanic));
  EXPECT_NE(r.diagnostics.back().observed.get("reason")->find("a drop during that stop cannot be told apart"), std::string::npos);
}

// Crashed (or detached, or missing) in the target listing: the recovery decision needs the state of now.
TEST(RemoteprocStep, CrashedInTheTargetListingIsListedAgain) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "crashed", "x.elf", "ELF", "disabled"}};
  f.session.expect("echo probe.version=1", list_reply({m33("offline")}));  // recovered meanwhile
  f.loads({kUp});
  auto r = f.run();
  ASSERT_TRUE(f.out);
  EXPECT_FALSE(r.has(Code::RprocRecovered));
  EXPECT_EQ(r.observed.get("instances_listed_by"), "remoteproc step");
  EXPECT_EQ(f.session.execs(), 2u);
}

TEST(RemoteprocStep, MissingFromTheTargetListingIsListedAgainBeforeItIsMissing) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{0, "m0", "offline", "x", "ELF", "enabled"}};
  f.session.expect("", list_reply({kM0}));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocInstanceMissing));
  EXPECT_EQ(f.session.execs(), 1u);
}

// The index of the target listing names another processor now (drivers probed again, F04): the
// guarded write is not made, the instances are listed again, and the load goes to the new index.
TEST(RemoteprocStep, RenumberedSinceTheTargetStepIsListedAgain_F04) {
  Fixture f;
  f.in.instances = std::vector<remote::RprocInstance>{{1, "m33", "offline", "rproc-m33-fw", "ELF", "enabled"}};
  f.session.expect("remoteproc1/firmware", skipped_reply(FakeInstance{1, "m0"}));
  f.session.expect("echo probe.version=1", list_reply({FakeInstance{1, "m0"}, FakeInstance{2, "m33"}}));
  f.session.expect("remoteproc2/firmware",
                   load_start_reply(0, "", {}, StartReply{0, "", {kUp}}, FakeInstance{2, "m33", "running"}));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  ASSERT_TRUE(f.out);
  EXPECT_EQ(f.out->index, 2);
  EXPECT_EQ(r.observed.get("instance"), "remoteproc2 (m33)");
}

TEST(RemoteprocStep, RenumberedInstanceIsCaughtBeforeAnyWrite_F04) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  // The guard read remoteproc1/name = m0: neither the firmware nor start was written.
  f.session.expect("remoteproc1/firmware", skipped_reply(FakeInstance{1, "m0"}));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocWrongInstance));
  EXPECT_EQ(r.diagnostics.back().observed.get("evidence"), "remoteproc1/name is now m0");
  EXPECT_FALSE(f.out);
}

TEST(RemoteprocStep, GuardedStopOnARenumberedIndexIsNotMade_F04) {
  Fixture f;
  f.session.expect("", list_reply({m33("running")}));
  f.session.expect("remoteproc1/firmware", skipped_reply(std::nullopt));  // the index vanished: no stop written
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocInstanceMissing));
  EXPECT_EQ(r.diagnostics.back().observed.get("instances"), "remoteproc1 vanished");
}

TEST(RemoteprocStep, SignedImageOnElfInstance_F01) {
  Fixture f;
  f.in.image_kind = image::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
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
  f.in.image_kind = image::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 3.0] stm32-rproc m33: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff3072, ret:0",
                 "[ 3.0] remoteproc remoteproc1: Boot failed: -5"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeRejectedSigned));
  EXPECT_EQ(r.diagnostics.back().observed.get("tee_name"), "TEE_ERROR_SIGNATURE_INVALID");
}

TEST(RemoteprocStep, EcdsaSignatureRefusedByTheBoardsPtaIsItsOwnCode) {
  // The line ST's tee_remoteproc.c prints when the PTA answers TEE_ERROR_NOT_SUPPORTED (ECDSA on an RSA-only PTA).
  Fixture f;
  f.in.image_kind = image::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 3.0] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0",
                 "[ 3.0] remoteproc remoteproc1: Boot failed: -5"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeKeyTypeRefused));
  EXPECT_FALSE(r.has(Code::RprocTeeRejectedSigned)) << "one diagnosis, the specific one";
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("tee_err"), "ffff000a");
  EXPECT_EQ(d.observed.get("tee_name"), "TEE_ERROR_NOT_SUPPORTED");
  // A plain ELF is refused at the header check, never at the signature: still the unsigned-image code.
  Fixture elf;
  elf.in.image_kind = image::ImageKind::elf;
  elf.session.expect("", list_reply({m33()}));
  elf.start_fails({"[ 3.0] stm32-rproc m33: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0"});
  EXPECT_TRUE(elf.run().has(Code::RprocTeeRejectedUnsigned));
}

TEST(RemoteprocStep, BadPhdrOnTheRightInstance_F05) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
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
  f.session.expect("remoteproc0/firmware",
                   load_start_reply(0, "", {},
                                    StartReply{1, "write error: Invalid argument",
                                               {"[ 4.0] remoteproc remoteproc0: powering up m0",
                                                "[ 4.0] remoteproc remoteproc0: Booting fw image x.elf, size 1",
                                                "[ 4.0] remoteproc remoteproc0: bad phdr da 0x80100000 mem 0x540",
                                                "[ 4.0] remoteproc remoteproc0: Failed to load program segments: -22"}},
                                    kM0));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocWrongInstance));
  EXPECT_EQ(r.diagnostics.back().observed.get("built_for"), "m33");
  EXPECT_NE(f.session.commands[1].find("= 'm0' ]"), std::string::npos);
}

TEST(RemoteprocStep, FirmwareNotFound_F06) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
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
  f.start_fails({"[ 5.0] remoteproc remoteproc1: powering up m33", "[ 5.0] remoteproc remoteproc1: Image is too small"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocImageRejected));
  EXPECT_NE(r.diagnostics.back().message.find("Image is too small"), std::string::npos);
}

TEST(RemoteprocStep, TeeTaUnreachable_F11) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 5.0] stm32-rproc m33: tee_client_open_session failed, err: ffff0008"});
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocTeeUnavailable));
}

TEST(RemoteprocStep, FirewallPanicInTheLog_F20) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 5.0] remoteproc remoteproc1: Booting fw image x_sign.bin, size 9", "E/TC:0 0 stm32_iac_itr:185 IAC exceptions: Panic"});
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocFirewallPanic));
}

TEST(RemoteprocStep, BoardGoneDuringStart_F20) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.session.expect_error("'start'", ports::RemoteError::Kind::disconnected, "connection reset");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::RprocFirewallPanic));
}

TEST(RemoteprocStep, UnrecognisedRefusalQuotesTheLog) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 5.0] remoteproc remoteproc1: something new -1"}, "write error: Operation not permitted");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocStartFailed));
  EXPECT_EQ(r.diagnostics.back().observed.get("errno"), "EPERM");
}

// ST tee_remoteproc.c tee_rproc_start, then remoteproc_core.c "can't start rproc %s: %d".
TEST(RemoteprocStep, TaStartFailureIsNotAnImageRejection) {
  Fixture f;
  f.in.image_kind = image::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 3.0] remoteproc remoteproc1: powering up m33",
                 "[ 3.0] remoteproc remoteproc1: Booting fw image x_sign.bin, size 9",
                 "[ 3.0] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0",
                 "[ 3.0] remoteproc remoteproc1: can't start rproc m33: -5", "[ 3.0] remoteproc remoteproc1: Boot failed: -5"},
                "sh: 1: printf: write error: Input/output error");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeStartFailed));
  EXPECT_FALSE(r.has(Code::RprocTeeRejectedSigned));
  EXPECT_EQ(r.diagnostics.back().observed.get("tee_command"), "START_FW");
}

// After a failed start ST's TA stays LOADED: the next TA_RPROC_FW_CMD_LOAD_FW answers 0xffff0007.
TEST(RemoteprocStep, BadStateAfterAFailedStart) {
  Fixture f;
  f.in.image_kind = image::ImageKind::signed_image;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 3.0] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0007, ret:0",
                 "[ 3.0] remoteproc remoteproc1: Boot failed: -5"});
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocTeeBadState));
  EXPECT_EQ(r.diagnostics.back().observed.get("tee_err"), "ffff0007");
}

// remoteproc_core.c rproc_check_carveout_da: "Registered carveout doesn't fit len request" (F05 family).
TEST(RemoteprocStep, CarveoutMismatchIsTheF05Family) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 4.0] remoteproc remoteproc1: powering up m33",
                 "[ 4.0] remoteproc remoteproc1: Registered carveout doesn't fit len request",
                 "[ 4.0] remoteproc remoteproc1: Failed to process resources: -12",
                 "[ 4.0] remoteproc remoteproc1: Boot failed: -12"},
                "sh: 1: printf: write error: Cannot allocate memory");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocCarveoutFailed));
  EXPECT_NE(r.diagnostics.back().message.find("Registered carveout doesn't fit len request"), std::string::npos);
}

// remoteproc_core.c rproc_boot: "can't boot deleted rproc %s" (-ENODEV).
TEST(RemoteprocStep, DeletedInstanceIsNamed) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 4.0] remoteproc remoteproc1: can't boot deleted rproc m33"}, "sh: 1: printf: write error: No such device");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocDeviceSetupFailed));
  EXPECT_NE(r.diagnostics.back().message.find("being removed"), std::string::npos);
}

// firmware_loader/main.c + fs/kernel_read_file.c: a file still open for writing → -ETXTBSY (-26).
TEST(RemoteprocStep, FirmwareStillBeingWrittenIsNotAnImageRejection) {
  Fixture f;
  f.session.expect("", list_reply({m33()}));
  f.start_fails({"[ 5.0] remoteproc remoteproc1: powering up m33",
                 "[ 5.0] remoteproc remoteproc1: loading /lib/firmware/Blink_CM33_NonSecure.elf failed with error -26",
                 "[ 5.0] remoteproc remoteproc1: Direct firmware load for Blink_CM33_NonSecure.elf failed with error -26",
                 "[ 5.0] remoteproc remoteproc1: request_firmware failed: -26", "[ 5.0] remoteproc remoteproc1: Boot failed: -26"},
                "sh: 1: printf: write error: Text file busy");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::RprocFirmwareUnreadable));
  EXPECT_FALSE(r.has(Code::RprocImageRejected));
  EXPECT_EQ(r.diagnostics.back().observed.get("loader_error"), "-26");
  EXPECT_NE(r.diagnostics.back().message.find("open for writing"), std::string::npos);
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

TEST(KernelLogClassifier, LinesSinceAMomentFollowTheUptimeClock) {
  const std::vector<std::string> log{"[   10.000000] old: an earlier launch", "[   97.500000] remoteproc remoteproc0: powering up m0",
                                     "E/TA: no timestamp, belongs to the line before", "[   99.000000] later"};
  EXPECT_EQ(remote::lines_since(log, 100.0, 3.0), std::vector<std::string>(log.begin() + 1, log.end()));
  EXPECT_EQ(remote::lines_since(log, 100.0, 1.5), std::vector<std::string>{"[   99.000000] later"});
  EXPECT_TRUE(remote::lines_since(log, 200.0, 5.0).empty());
}

// The diagnosis of a launch that already failed (ST's own): one read, no write.
struct DiagnosisFixture {
  FakeBoardSession session;
  core::CancelToken cancel;
  core::NullProgress progress;
  RemoteprocInputs in{"m33", "Blink_CM33_NonSecure.elf", image::ImageKind::elf, carve_outs(), "", 8,
                      std::vector<remote::RprocInstance>{{0, "m0", "offline", "", "ELF", "enabled"},
                                                         {1, "m33", "offline", "", "ELF", "enabled"}}};

  core::StepReport run(const std::string& uptime, const std::vector<std::string>& log, std::int64_t since_ms) {
    std::string all;
    for (const auto& l : log) all += l + "\n";
    session.expect("/proc/uptime", "probe.version=1\nuptime=" + uptime + "\n" + testing::kv_hex("log", all) + "probe.end=1\n");
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    return diagnose_failed_load(in, since_ms, session, control);
  }
};

TEST(RemoteprocDiagnosis, M33ImageWrittenToRemoteproc0IsTheWrongInstance_F04) {
  DiagnosisFixture f;
  auto r = f.run("500.25", {"[  100.000000] remoteproc remoteproc0: powering up m0 (a launch long ago)",
                            "[  495.000000] remoteproc remoteproc0: powering up m0",
                            "[  495.000100] remoteproc remoteproc0: Booting fw image Blink_CM33_NonSecure.elf, size 9000",
                            "[  495.000200] remoteproc remoteproc0: bad phdr da 0x80100000 mem 0x540",
                            "[  495.000300] remoteproc remoteproc0: Failed to load program segments: -22"},
                 8000);
  ASSERT_TRUE(r.has(Code::RprocWrongInstance)) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("powered_up"), "m0");
  EXPECT_EQ(d.observed.get("built_for"), "m33");
  const auto evidence = d.observed.get("evidence").value_or("");
  EXPECT_EQ(evidence.find("long ago"), std::string::npos) << evidence;
  EXPECT_EQ(r.observed.get("kernel_log_lines"), "4");
  // One round trip, and it writes nothing.
  ASSERT_EQ(f.session.execs(), 1u);
  EXPECT_EQ(f.session.commands[0].find("> /sys"), std::string::npos) << f.session.commands[0];
}

TEST(RemoteprocDiagnosis, NothingInTheWindowMeansTheLaunchStoppedBeforeLoading) {
  DiagnosisFixture f;
  auto r = f.run("500.0", {"[  100.000000] remoteproc remoteproc0: powering up m0"}, 3000);
  EXPECT_TRUE(r.has(Code::RprocDiagnosedNoLoad));
  EXPECT_EQ(r.status, core::StepStatus::ok);
}

TEST(RemoteprocDiagnosis, AnInstanceUpMeansTheLoadWorked) {
  DiagnosisFixture f;
  auto r = f.run("500.0", {"[  498.000000] remoteproc remoteproc1: powering up m33", "[  498.100000] " + kUp.substr(15)}, 5000);
  ASSERT_TRUE(r.has(Code::RprocDiagnosedLoadWorked));
  EXPECT_NE(r.diagnostics.back().observed.get("evidence").value_or("").find("is now up"), std::string::npos);
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
