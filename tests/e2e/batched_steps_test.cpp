// The remote steps with the real libssh2 session on the simulated board, counting exec round trips
// (the batching contract: target 1, upload 2, remoteproc 1, verify 0; as the pipeline joins them, 2 from the probe
// to running: the probe, then check, rename, stop, load and start in one command), and the case the batching
// must survive: the target step saw the M33 offline, something started it before the remoteproc
// step ran — the load command acts on the live state and stops it first, never diagnosed as busy.
#include <cstdlib>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "image/inspection.h"
#include "remote/ssh_test_support.h"
#include "steps/remoteproc_step.h"
#include "steps/target_step.h"
#include "steps/upload_step.h"
#include "steps/verify_step.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

using core::Code;

// Forwards to the real session and counts the exec round trips.
class CountingSession final : public ports::BoardSession {
 public:
  explicit CountingSession(std::shared_ptr<ports::BoardSession> real) : real_(std::move(real)) {}
  int execs = 0;

  core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string& command, const core::Deadline& deadline,
                                                             const core::CancelToken& cancel) override {
    ++execs;
    return real_->exec(command, deadline, cancel);
  }
  std::optional<ports::RemoteError> upload(const std::string& local_path, const std::string& remote_path,
                                           const ports::UploadProgress& progress, const core::Deadline& deadline,
                                           const core::CancelToken& cancel) override {
    return real_->upload(local_path, remote_path, progress, deadline, cancel);
  }
  core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(const std::string& command,
                                                                        const std::string& header,
                                                                        const std::string& local_path,
                                                                        const ports::UploadProgress& progress,
                                                                        const core::Deadline& deadline,
                                                                        const core::CancelToken& cancel) override {
    ++execs;
    return real_->exec_with_input(command, header, local_path, progress, deadline, cancel);
  }
  core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string& remote_path, const core::Deadline& deadline,
                                                                 const core::CancelToken& cancel) override {
    return real_->stat(remote_path, deadline, cancel);
  }
  std::optional<ports::RemoteError> remove(const std::string& remote_path, const core::Deadline& deadline,
                                           const core::CancelToken& cancel) override {
    return real_->remove(remote_path, deadline, cancel);
  }
  std::optional<ports::RemoteError> rename(const std::string& from, const std::string& to, const core::Deadline& deadline,
                                           const core::CancelToken& cancel) override {
    return real_->rename(from, to, deadline, cancel);
  }

 private:
  std::shared_ptr<ports::BoardSession> real_;
};

constexpr const char* kM33 = "/sys/class/remoteproc/remoteproc1";

class BatchedSteps : public testing::CleanLoginSuite {
 protected:
  // Plain ELFs loaded by the kernel, the M33 at remoteproc1 (kM33): named, whatever the board's defaults are.
  static void SetUpTestSuite() { StartBoard({"--mode", "ELF", "--order", "m0,m33"}); }
  void SetUp() override {
    testing::CleanLoginSuite::SetUp();
    if (IsSkipped() || HasFailure()) return;
    auto opened = testing::open_session(testing::login_options(board()));
    ASSERT_TRUE(opened.ssh.has_value()) << opened.ssh.error().message;
    session = std::make_unique<CountingSession>(opened.ssh.value().session);
  }
  core::StepControl control() { return core::StepControl{cancel, core::Deadline(core::Millis{20000}), progress}; }
  // Stops the M33 from inside the board (refcounted starts need several stops).
  void stop_m33() {
    board_shell(board(), std::string("for i in 1 2 3 4; do [ \"$(cat ") + kM33 + "/state)\" = running ] && echo stop > " + kM33 +
                             "/state; done; true");
    ASSERT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/state"), "offline\n");
  }
  std::optional<remote::TargetFacts> target() {
    std::optional<remote::TargetFacts> facts;
    auto c = control();
    auto r = steps::check_target({"m33", board().user(), board().host(), std::nullopt}, *session, c, facts);
    EXPECT_TRUE(facts) << testing::messages(r);
    return facts;
  }
  steps::RemoteprocInputs remoteproc_inputs(const remote::TargetFacts& facts, const image::ImageFacts& image,
                                            const std::string& name) {
    steps::RemoteprocInputs in;
    in.firmware_name = name;
    in.image_kind = image.kind;
    in.reserved_memory = facts.reserved_memory;
    in.firmware_class_path = facts.firmware_class_path;
    in.instances = facts.instances;
    return in;
  }

  testing::TempDir dir;
  std::unique_ptr<CountingSession> session;
  core::CancelToken cancel;
  core::NullProgress progress;
};

TEST_F(BatchedSteps, OfflineM33TakesFourRoundTripsFromProbeToRunning) {
  stop_m33();
  auto image = image::read_image_facts(padded_copy(firmware("m33_ns.elf"), dir.path().string(), "batched_a.elf", 300000), "");
  ASSERT_TRUE(image) << image.error();

  auto facts = target();
  ASSERT_TRUE(facts);
  EXPECT_EQ(session->execs, 1);

  std::optional<remote::UploadOutcome> up;
  auto c2 = control();
  auto u = steps::upload_image({*image, image->upload_path, "", {}, "", true, {}, {}}, *session, c2, up);
  ASSERT_TRUE(up) << testing::messages(u);
  ASSERT_FALSE(up->unchanged);
  EXPECT_EQ(u.observed.get("verified_on_board"), "size and sha256 match");
  EXPECT_EQ(session->execs, 3);  // + the existing copy's checksum, + check-and-rename

  std::optional<remote::LoadOutcome> load;
  auto c3 = control();
  auto r = steps::load_firmware(remoteproc_inputs(*facts, *image, up->name), *session, c3, load);
  ASSERT_TRUE(load) << testing::messages(r);
  EXPECT_EQ(session->execs, 4);  // stop/firmware/start in one command, no listing of its own
  EXPECT_EQ(r.observed.get("instances_listed_by"), "target step");
  EXPECT_EQ(r.observed.get("start_ms_measured"), "on the board, around the start write");
  EXPECT_EQ(load->state_after, "running");

  auto c4 = control();
  auto v = steps::verify_running({*load, up->name, image->has_resource_table}, *session, c4);
  EXPECT_FALSE(v.failed()) << testing::messages(v);
  EXPECT_EQ(v.observed.get("state"), "running");
  EXPECT_NE(v.observed.get("evidence").value_or("").find("remote processor m33 is now up"), std::string::npos);
  EXPECT_EQ(session->execs, 4);  // the start reply already showed running and the up line
  EXPECT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/state"), "running\n");
}

TEST_F(BatchedSteps, StartedBetweenTargetAndRemoteprocIsStoppedByTheLoadCommand) {
  stop_m33();
  auto image = image::read_image_facts(padded_copy(firmware("m33_ns.elf"), dir.path().string(), "batched_b.elf", 310000), "");
  ASSERT_TRUE(image) << image.error();
  auto facts = target();
  ASSERT_TRUE(facts);
  ASSERT_NE(facts->find("m33"), nullptr);
  ASSERT_EQ(facts->find("m33")->state, "offline");

  std::optional<remote::UploadOutcome> up;
  auto c2 = control();
  auto u = steps::upload_image({*image, image->upload_path, "", {}, "", true, {}, {}}, *session, c2, up);
  ASSERT_TRUE(up) << testing::messages(u);

  // Meanwhile someone starts the M33 (the boot service, another user): the target listing is stale.
  board_shell(board(), std::string("printf %s batched_b.elf > ") + kM33 + "/firmware; echo start > " + kM33 + "/state");
  ASSERT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/state"), "running\n");

  const int before = session->execs;
  std::optional<remote::LoadOutcome> load;
  auto c3 = control();
  auto r = steps::load_firmware(remoteproc_inputs(*facts, *image, up->name), *session, c3, load);
  ASSERT_TRUE(load) << testing::messages(r);
  EXPECT_FALSE(r.has(Code::RprocBusy));
  EXPECT_EQ(r.observed.get("state_before"), "offline");  // as the target step saw it
  EXPECT_EQ(r.observed.get("stop_requests"), "1");       // the load command saw it running
  EXPECT_EQ(session->execs - before, 1);                 // stop, firmware and start in one command
  EXPECT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/state"), "running\n");
}

}  // namespace
// As the pipeline runs them: the probe reads the board's copy (the image's name on its stdin), the upload's
// check-and-rename command goes on to the planned load, the remoteproc step reads that reply. Two round trips from
// the probe to a running core, plus the transfer.
TEST_F(BatchedSteps, ANewImageIsRunningTwoRoundTripsAfterTheProbe) {
  stop_m33();
  auto image = image::read_image_facts(padded_copy(firmware("m33_ns.elf"), dir.path().string(), "batched_c.elf", 320000), "");
  ASSERT_TRUE(image) << image.error();
  board_shell(board(), "printf old > /lib/firmware/batched_c.elf");

  std::optional<remote::TargetFacts> facts;
  auto c1 = control();
  auto t = steps::check_target({"m33", board().user(), board().host(), *image}, *session, c1, facts);
  ASSERT_TRUE(facts) << testing::messages(t);
  ASSERT_TRUE(facts->image_copy);
  EXPECT_TRUE(facts->image_copy->exists);
  EXPECT_NE(facts->image_copy->sha256, image->upload_sha256);
  EXPECT_EQ(facts->image_copy->sha256.size(), 64u);

  auto rin = remoteproc_inputs(*facts, *image, image->upload_name());
  const auto plan = steps::plan_load(rin);
  ASSERT_TRUE(plan);
  std::optional<remote::UploadOutcome> up;
  auto c2 = control();
  steps::UploadInputs uin{*image, image->upload_path, "", {}, "", true, {}, {}};
  uin.then_script = plan->script;
  uin.probed_copy = facts->image_copy;
  auto u = steps::upload_image(uin, *session, c2, up);
  ASSERT_TRUE(up) << testing::messages(u);
  EXPECT_EQ(u.observed.get("upload"), "replaced");
  EXPECT_EQ(u.observed.get("board_copy"), "read by the target step's probe");
  ASSERT_TRUE(up->load_reply);
  EXPECT_EQ(session->execs, 2);  // the probe, then check + rename + stop + load + start

  rin.planned = steps::PlannedLoad{*plan, *up->load_reply};
  std::optional<remote::LoadOutcome> load;
  auto c3 = control();
  auto r = steps::load_firmware(rin, *session, c3, load);
  ASSERT_TRUE(load) << testing::messages(r);
  EXPECT_EQ(session->execs, 2);
  EXPECT_EQ(load->state_after, "running");
  EXPECT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/state"), "running\n");
  EXPECT_EQ(board_shell(board(), std::string("cat ") + kM33 + "/firmware"), "batched_c.elf\n");
}

}  // namespace stm32mp::e2e
