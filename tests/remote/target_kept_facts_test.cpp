// The target step with facts an earlier check on the same session kept (remote/board_fingerprint.h): one short
// read of the fingerprint instead of the probe when nothing changed, and the same diagnostics a full probe gives;
// the full probe, with the reason, after a reboot or a change of an instance. The pipeline's side (what is kept
// at the end of a run, never with another session): tests/pipeline/kept_facts_test.cpp; on the simulated
// board: tests/e2e/kept_facts_board_test.cpp.
#include <gtest/gtest.h>

#include "remote/board_fingerprint.h"
#include "remote/fake_target_board.h"
#include "remote/probe_output.h"
#include "remote/target_probe.h"
#include "steps/target_step.h"
#include "support/run_process.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using testing::Board;
using testing::FakeBoardSession;

// What a full probe of `b` gives: its facts and fingerprint, kept as the pipeline would keep them.
KeptTarget kept_from(const Board& b) {
  auto out = remote::ProbeOutput::parse(b.reply());
  EXPECT_TRUE(out);
  auto facts = remote::parse_target_facts(*out);
  auto fp = remote::parse_fingerprint(*out);
  EXPECT_TRUE(facts && fp);
  return KeptTarget{*facts, *fp, "4.2 s"};
}

struct Checked {
  core::StepReport report;
  std::optional<remote::TargetFacts> facts;
  std::optional<remote::BoardFingerprint> fingerprint;
};

Checked check(FakeBoardSession& session, const KeptTarget* kept) {
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
  Checked c;
  c.report = check_target({"m33", "root", "10.77.1.2", testing::elf_image()}, session, control, c.facts, c.fingerprint,
                          kept);
  return c;
}

std::vector<Code> codes(const core::StepReport& r) {
  std::vector<Code> v;
  for (const auto& d : r.diagnostics) v.push_back(d.code);
  return v;
}

TEST(TargetKeptFacts, UnchangedFingerprintUsesTheKeptFactsInOneShortReadWithTheSameDiagnostics) {
  Board board;
  board.instances[1].state = "running";  // left so by the previous check's start
  board.demo = true;
  const auto kept = kept_from(board);
  board.avail_kb = 8;  // free space is read again, not compared: now too little for the image

  FakeBoardSession full;
  full.expect("kernel.release", board.reply());
  const auto probed = check(full, nullptr);

  FakeBoardSession session;
  session.expect("fp.boot_id", board.fingerprint_reply());
  const auto c = check(session, &kept);
  ASSERT_EQ(session.execs(), 1U);
  EXPECT_EQ(session.commands[0], remote::fingerprint_command());
  EXPECT_EQ(session.commands[0].find("kernel.release"), std::string::npos) << "not the full probe";
  EXPECT_EQ(c.report.observed.get("facts"), "kept from the check 4.2 s ago, boot id and fingerprint unchanged");
  EXPECT_EQ(codes(c.report), codes(probed.report));
  EXPECT_TRUE(c.report.has(Code::InstanceWillBeStopped));
  EXPECT_TRUE(c.report.has(Code::DemoServiceEnabled));
  EXPECT_TRUE(c.report.has(Code::FirmwareDirFull)) << "judged with the free space read just now";
  ASSERT_TRUE(c.facts);
  EXPECT_EQ(c.facts->fw_free_bytes, 8U * 1024U);
  EXPECT_EQ(c.facts->reserved_memory.size(), kept.facts.reserved_memory.size());
  ASSERT_TRUE(c.fingerprint);
  EXPECT_EQ(c.fingerprint->boot_id, board.boot_id);
}

TEST(TargetKeptFacts, ANewBootIdMeansTheFullProbeWithTheReason) {
  Board board;
  const auto kept = kept_from(board);
  board.boot_id = "9d8e7f60-0000-4000-8000-0123456789ab";
  board.tee_boot_log = "stm32-rproc m33: tee_client_open_session failed, err: ffff0008\n";  // read only at boot
  board.instances = {{0, "m0"}};

  FakeBoardSession session;
  session.expect("fp.boot_id", board.fingerprint_reply());
  session.expect("kernel.release", board.reply());
  const auto c = check(session, &kept);
  ASSERT_EQ(session.execs(), 2U);
  EXPECT_EQ(session.commands[1], remote::target_probe_script());
  EXPECT_EQ(c.report.observed.get("facts"),
            "probed in full: the boot id changed (the board rebooted) since the check 4.2 s ago");
  EXPECT_TRUE(c.report.has(Code::TeeRprocProbeFailed)) << "the new boot's facts, not the kept ones";
  ASSERT_TRUE(c.fingerprint);
  EXPECT_EQ(c.fingerprint->boot_id, board.boot_id);
}

TEST(TargetKeptFacts, AnInstanceStartedOrStoppedBySomeoneElseMeansTheFullProbe) {
  Board board;
  board.instances[1].state = "running";
  const auto kept = kept_from(board);
  board.instances[1].state = "offline";  // someone stopped it
  board.ta_start_log = "remoteproc remoteproc1: stopped remote processor m33\n";

  FakeBoardSession session;
  session.expect("fp.boot_id", board.fingerprint_reply());
  session.expect("kernel.release", board.reply());
  const auto c = check(session, &kept);
  ASSERT_EQ(session.execs(), 2U);
  EXPECT_EQ(c.report.observed.get("facts"),
            "probed in full: remoteproc1 (m33) state: running -> offline since the check 4.2 s ago");
  EXPECT_FALSE(c.report.has(Code::InstanceWillBeStopped));
  ASSERT_TRUE(c.facts);
  EXPECT_EQ(c.facts->instances[1].state, "offline");
}

TEST(TargetKeptFacts, AnotherFirmwareDirectoryOrAReadOnlyMountMeansTheFullProbe) {
  Board board;
  const auto kept = kept_from(board);
  auto moved = board.fingerprint_reply();
  const auto at = moved.find(testing::kv_hex("fw.class_path", "\n"));
  ASSERT_NE(at, std::string::npos);
  moved.replace(at, testing::kv_hex("fw.class_path", "\n").size(), testing::kv_hex("fw.class_path", "/data/fw\n"));
  FakeBoardSession session;
  session.expect("fp.boot_id", moved);
  session.expect("kernel.release", board.reply());
  EXPECT_EQ(check(session, &kept).report.observed.get("facts"),
            "probed in full: firmware_class path: (unset) -> /data/fw since the check 4.2 s ago");

  board.ro = true;
  FakeBoardSession ro;
  ro.expect("fp.boot_id", board.fingerprint_reply());
  ro.expect("kernel.release", board.reply());
  const auto c = check(ro, &kept);
  EXPECT_EQ(c.report.observed.get("facts"), "probed in full: /lib/firmware writable: yes -> no since the check 4.2 s ago");
  EXPECT_TRUE(c.report.has(Code::FirmwareDirReadOnly));
}

TEST(TargetKeptFacts, AnUnreadableFingerprintMeansTheFullProbe) {
  Board board;
  const auto kept = kept_from(board);
  FakeBoardSession session;
  session.expect("fp.boot_id", "probe.version=1\nfp.boot_id=\nprobe.end=1\n");  // no /proc/sys/kernel/random
  session.expect("kernel.release", board.reply());
  const auto c = check(session, &kept);
  EXPECT_EQ(c.report.observed.get("facts"),
            "probed in full: the fingerprint read failed: the board showed no boot id since the check 4.2 s ago");
  EXPECT_EQ(session.execs(), 2U);
}

TEST(TargetKeptFacts, WithoutKeptFactsItIsTheOneFullProbeAndItsFingerprint) {
  Board board;
  FakeBoardSession session;
  session.expect("kernel.release", board.reply());
  const auto c = check(session, nullptr);
  EXPECT_EQ(session.execs(), 1U);
  EXPECT_FALSE(c.report.observed.get("facts"));
  ASSERT_TRUE(c.fingerprint);
  EXPECT_EQ(c.fingerprint->instances.size(), 2U);
  EXPECT_TRUE(c.fingerprint->fw_access_w);
}

TEST(BoardFingerprint, TheRealCommandRunsOnThisMachineAndReadsTheBootId) {
  auto r = testing::run_process({"/bin/sh", "-c", remote::fingerprint_command()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = remote::ProbeOutput::parse(r.out);
  ASSERT_TRUE(p) << p.error() << "\n" << r.out;
  auto f = remote::parse_fingerprint(*p);
  ASSERT_TRUE(f) << f.error() << "\n" << r.out;
  EXPECT_EQ(f->boot_id.size(), 36U) << f->boot_id;
  EXPECT_TRUE(f->fw_free_bytes || !f->fw_dir) << r.out;
  // The full probe carries the same fingerprint.
  auto full = testing::run_process({"/bin/sh", "-c", remote::target_probe_script()});
  auto q = remote::ProbeOutput::parse(full.out);
  ASSERT_TRUE(q) << q.error();
  auto g = remote::parse_fingerprint(*q);
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(remote::fingerprint_change(*f, *g), "");
}

}  // namespace
}  // namespace stm32mp::steps
