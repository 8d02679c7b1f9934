// Board facts kept with the pooled session (pipeline/kept_facts.h), whole runs with fake ports: the second check
// on a kept session reads the fingerprint instead of probing, a changed boot id makes it probe in full, and a
// check on another session never sees them. What is kept at the end of a run: the run's own load applied.
#include <gtest/gtest.h>

#include <fstream>

#include "core/progress.h"
#include "core/render/json_renderer.h"
#include "pipeline/fake_pipeline_ports.h"
#include "pipeline/kept_facts.h"
#include "pipeline/pipeline.h"
#include "pipeline/session_pool.h"
#include "remote/fake_target_board.h"
#include "remote/target_probe.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

class KeptFactsTest : public ::testing::Test {
 protected:
  TempDir dir;
  FakeNetwork net;
  FakeConnector ssh;
  core::Settings settings;
  Board board;

  void SetUp() override {
    std::ofstream(dir.file("id_ed25519")) << "key one";
    std::ofstream(dir.file("known_hosts")) << "10.0.0.7 ssh-ed25519 AAAAboard\n";
    settings.host = "10.0.0.7";
    settings.identity = dir.file("id_ed25519");
    settings.known_hosts = dir.file("known_hosts");
    settings.only = {"network", "ssh", "target"};
    // The fake session prints this for every command: the full probe's reply carries every key the
    // fingerprint command prints, so it answers both.
    ssh.reply = board.reply();
  }
  core::Report check(pipeline::SessionPool& pool) { return check_with_fakes(settings, net, ssh, pool); }
  static std::string facts_of(const core::Report& r) {
    return r.find("target")->observed.get("facts").value_or("(none)");
  }
};

TEST_F(KeptFactsTest, TheSecondCheckOnTheKeptSessionUsesTheFactsAfterOneShortRead) {
  pipeline::SessionPool pool;
  const auto first = check(pool);
  ASSERT_TRUE(first.find("target")->status == core::StepStatus::ok) << core::render::render_json(first);
  EXPECT_EQ(facts_of(first), "(none)") << "a new session has no kept facts";
  ASSERT_EQ(ssh.opened.size(), 1U);
  EXPECT_EQ(ssh.opened[0]->execs, 1);

  const auto second = check(pool);
  ASSERT_EQ(ssh.opened.size(), 1U);
  EXPECT_EQ(ssh.opened[0]->execs, 2) << "the fingerprint read only";
  EXPECT_EQ(facts_of(second).rfind("kept from the check ", 0), 0U) << facts_of(second);
  EXPECT_NE(facts_of(second).find("boot id and fingerprint unchanged"), std::string::npos);
  EXPECT_EQ(first.find("target")->diagnostics.size(), second.find("target")->diagnostics.size());
  EXPECT_EQ(first.find("target")->observed.get("instance"), second.find("target")->observed.get("instance"));
}

TEST_F(KeptFactsTest, AfterARebootTheCheckProbesInFull) {
  pipeline::SessionPool pool;
  check(pool);
  board.boot_id = "00000000-1111-4222-8333-444444444444";
  ssh.opened[0]->reply = board.reply();
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened[0]->execs, 3) << "fingerprint, then the full probe";
  EXPECT_NE(facts_of(second).find("probed in full: the boot id changed"), std::string::npos) << facts_of(second);
  // The new boot's facts are kept in turn.
  check(pool);
  EXPECT_EQ(ssh.opened[0]->execs, 4);
}

TEST_F(KeptFactsTest, ACheckOnAnotherSessionNeverSeesThem) {
  pipeline::SessionPool pool;
  check(pool);
  settings.user = "other";  // another session (another slot of the pool)
  const auto second = check(pool);
  ASSERT_EQ(ssh.opened.size(), 2U);
  EXPECT_EQ(facts_of(second), "(none)");
  EXPECT_EQ(ssh.opened[1]->execs, 1) << "the full probe on the new session";

  settings.user = "root";
  std::ofstream(dir.file("id_ed25519")) << "key two";  // same slot, other credentials: the kept one is dropped
  const auto third = check(pool);
  ASSERT_EQ(ssh.opened.size(), 3U);
  EXPECT_EQ(facts_of(third), "(none)");
  EXPECT_EQ(ssh.opened[2]->execs, 1);
}

pipeline::RunState state_after_probe(const Board& board) {
  pipeline::RunState state;
  auto out = remote::ProbeOutput::parse(board.reply());
  state.target = *remote::parse_target_facts(*out);
  state.fingerprint = *remote::parse_fingerprint(*out);
  return state;
}

TEST(FactsAfterRun, TheRunsOwnStartIsAppliedToFactsAndFingerprint) {
  Board board;
  board.ta_start_log = "remoteproc remoteproc1: TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0006\n";
  auto state = state_after_probe(board);
  ASSERT_FALSE(state.target->ta_failed_start.empty());
  state.upload_tried = true;
  state.upload = remote::UploadOutcome{};
  state.load_tried = "Blink_CM33_NonSecure.elf";
  state.load = remote::LoadOutcome{1, "m33", 100, {}, 30, "running", 1};
  const auto kept = pipeline::facts_after_run(state);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->facts.instances[1].state, "running");
  EXPECT_EQ(kept->fingerprint.instances[1].state, "running");
  EXPECT_EQ(kept->fingerprint.instances[1].firmware, "Blink_CM33_NonSecure.elf");
  EXPECT_EQ(kept->facts.instances[0].state, "offline") << "the other core untouched";
  EXPECT_TRUE(kept->facts.ta_failed_start.empty()) << "a start succeeded since";

  // The board as the next check reads it matches.
  board.instances[1].state = "running";
  board.instances[1].firmware = "Blink_CM33_NonSecure.elf";
  auto now = remote::parse_fingerprint(*remote::ProbeOutput::parse(board.fingerprint_reply()));
  ASSERT_TRUE(now);
  EXPECT_EQ(remote::fingerprint_change(kept->fingerprint, *now), "");
}

// The verified upload is kept as the file this check left, with the SHA-256 checked on the board; a run that
// uploaded nothing leaves none.
TEST(FactsAfterRun, TheUploadedFileIsKeptWithItsSha256) {
  Board board;
  auto state = state_after_probe(board);
  state.image = image::ImageFacts{};
  state.image->upload_sha256 = std::string(64, 'b');
  state.upload_tried = true;
  state.upload = remote::UploadOutcome{"fw.elf", "/lib/firmware/fw.elf", false};
  const auto kept = pipeline::facts_after_run(state);
  ASSERT_TRUE(kept);
  ASSERT_TRUE(kept->left_copy);
  EXPECT_EQ(kept->left_copy->path, "/lib/firmware/fw.elf");
  EXPECT_EQ(kept->left_copy->sha256, std::string(64, 'b'));

  const auto nothing = pipeline::facts_after_run(state_after_probe(board));
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(nothing->left_copy);
}

TEST(FactsAfterRun, NothingIsKeptWhenTheRunLeftTheBoardInAStateItDoesNotKnow) {
  Board board;
  auto cut = state_after_probe(board);
  cut.upload_tried = true;  // and no outcome: a cut upload may leave a leftover
  EXPECT_FALSE(pipeline::facts_after_run(cut));

  auto failed = state_after_probe(board);
  failed.load_tried = "x.elf";  // and no outcome: the start failed or was cut
  EXPECT_FALSE(pipeline::facts_after_run(failed));

  board.leftovers = {".x.elf.prelaunch-tmp"};
  auto cleaned = state_after_probe(board);
  cleaned.upload_tried = true;
  cleaned.upload = remote::UploadOutcome{};
  EXPECT_FALSE(pipeline::facts_after_run(cleaned)) << "the upload removed leftovers the fingerprint listed";

  pipeline::RunState skipped;  // --skip target
  EXPECT_FALSE(pipeline::facts_after_run(skipped));

  auto read_only = state_after_probe(Board{});
  EXPECT_TRUE(pipeline::facts_after_run(read_only)) << "a run that changed nothing keeps them as read";
}

}  // namespace
}  // namespace stm32mp::testing
