// The batched board commands run by a real /bin/sh on real files (the board-sim's sshd runs the same
// shell): upload's check-and-rename and remoteproc's load-and-start, against a directory standing in
// for /lib/firmware and for /sys/class/remoteproc. The steps' unit tests feed these replies to
// the steps; the end-to-end tests run them on the simulated board.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "remote/probe_output.h"
#include "remote/remote_error_text.h"
#include "remote/rproc_commands.h"
#include "remote/upload_commands.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::remote {
namespace {

namespace fs = std::filesystem;
using Kind = ports::RemoteError::Kind;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const std::string& path, const std::string& content) { std::ofstream(path, std::ios::binary) << content; }

testing::ProcessResult sh(const std::string& command) { return testing::run_process({"/bin/sh", "-c", command}, {}, 20000); }

// SHA-256 of "image bytes\n" (sha256sum of the same file on this machine would be circular).
constexpr const char* kContent = "image bytes\n";
constexpr const char* kSha = "f61008aded15c59370287b10ea738b3aca62734aa44f57efdb0c391a93efd44c";

struct Dir {
  testing::TempDir dir;
  std::string tmp = dir.file(".fw 'x' $(id).elf.prelaunch-tmp");  // quotes and $() reach the shell as text
  std::string real = dir.file("fw 'x' $(id).elf");
};

TEST(CommitUploadCommand, MatchingTemporaryFileReplacesTheRealOne) {
  Dir d;
  const auto sha = sh("printf 'image bytes\\n' | sha256sum | cut -d' ' -f1").out;
  ASSERT_EQ(sha, std::string(kSha) + "\n") << "the constant above is the SHA-256 of the content";
  write(d.tmp, kContent);
  write(d.real, "old image");
  auto ran = sh(commit_upload_command(d.tmp, d.real, 12, kSha));
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  auto c = parse_commit_upload(ran.out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->matched);
  EXPECT_TRUE(c->renamed) << c->mv_error;
  EXPECT_EQ(c->temp.size, 12u);
  EXPECT_EQ(c->temp.sha256, kSha);
  EXPECT_EQ(read(d.real), kContent);
  EXPECT_FALSE(fs::exists(d.tmp));
}

TEST(CommitUploadCommand, WrongChecksumRemovesTheTemporaryFileAndKeepsTheRealOne) {
  Dir d;
  write(d.tmp, "image bytez\n");  // same size, other content
  write(d.real, "old image");
  auto c = parse_commit_upload(sh(commit_upload_command(d.tmp, d.real, 12, kSha)).out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->matched);
  EXPECT_FALSE(c->renamed);
  EXPECT_TRUE(c->temp_removed) << c->rm_error;
  EXPECT_EQ(c->temp.size, 12u);
  EXPECT_NE(c->temp.sha256, kSha);
  EXPECT_EQ(read(d.real), "old image");
  EXPECT_FALSE(fs::exists(d.tmp));
}

TEST(CommitUploadCommand, AMismatchReportsTheSizeTheBoardMeasured) {
  Dir d;
  write(d.tmp, "image bytes, longer\n");  // the SHA-256 decides; only a mismatch measures the size (wc)
  auto c = parse_commit_upload(sh(commit_upload_command(d.tmp, d.real, 12, kSha)).out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->matched);
  EXPECT_EQ(c->temp.size, 20u);
  EXPECT_TRUE(c->temp_removed);
  EXPECT_FALSE(fs::exists(d.real));
  EXPECT_FALSE(fs::exists(d.tmp));
}

TEST(CommitUploadCommand, MissingTemporaryFileIsReportedAsMissing) {
  Dir d;
  auto c = parse_commit_upload(sh(commit_upload_command(d.tmp, d.real, 12, kSha)).out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->temp.exists);
  EXPECT_FALSE(c->matched);
  EXPECT_FALSE(fs::exists(d.real));
}

TEST(CommitUploadCommand, FailedMvIsReportedWithItsTextAndTheTemporaryFileIsRemoved) {
  Dir d;
  write(d.tmp, kContent);
  const std::string nowhere = d.dir.file("no such dir") + "/fw.elf";
  auto c = parse_commit_upload(sh(commit_upload_command(d.tmp, nowhere, 12, kSha)).out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->matched);
  EXPECT_FALSE(c->renamed);
  EXPECT_NE(c->mv_error.find("No such file or directory"), std::string::npos) << c->mv_error;
  EXPECT_EQ(ports::kind_from_shell_error(c->mv_error), Kind::no_such_file);
  EXPECT_TRUE(c->temp_removed);
  EXPECT_FALSE(fs::exists(d.tmp));
}

TEST(CommitUploadCommand, ChecksumCommandReadsSizeAndSha) {
  Dir d;
  write(d.real, kContent);
  const auto out = sh(checksum_command(d.real, 12, kSha)).out;
  auto c = parse_checksum(out);
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->exists);
  EXPECT_EQ(c->size, 12u);
  EXPECT_EQ(c->sha256, kSha);
  EXPECT_FALSE(then_started(out));
  auto none = parse_checksum(sh(checksum_command(d.tmp, 12, kSha)).out);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->exists);
  // Another content: its SHA-256, and no process spent on its size.
  write(d.real, "other\n");
  auto other = parse_checksum(sh(checksum_command(d.real, 12, kSha)).out);
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->exists);
  EXPECT_EQ(other->size, 0u);
  EXPECT_NE(other->sha256, kSha);
}

// The load handed to the upload (`then`) runs in the same shell only once the real name holds the verified image:
// after the rename, or when the copy on the board already is this image; never after a mismatch or a failed mv.
TEST(CommitUploadCommand, TheLoadHandedToTheCommandRunsOnlyOnceTheImageIsInPlace) {
  const std::string then = "echo \"load.saw=$(cat \"$f\" 2>/dev/null || cat \"$t\")\"\n";
  {
    Dir d;
    write(d.tmp, kContent);
    const auto out = sh(commit_upload_command(d.tmp, d.real, 12, kSha, then)).out;
    auto c = parse_commit_upload(out);
    ASSERT_TRUE(c) << c.error();
    EXPECT_TRUE(c->renamed);
    EXPECT_TRUE(then_started(out));
    EXPECT_NE(out.find("load.saw=image bytes\n"), std::string::npos) << "the load ran after the rename: " << out;
  }
  {
    Dir d;
    write(d.tmp, "image bytez\n");
    const auto out = sh(commit_upload_command(d.tmp, d.real, 12, kSha, then)).out;
    auto c = parse_commit_upload(out);
    ASSERT_TRUE(c) << c.error();
    EXPECT_FALSE(c->matched);
    EXPECT_FALSE(then_started(out));
    EXPECT_EQ(out.find("load.saw"), std::string::npos) << out;
  }
  {
    Dir d;
    write(d.tmp, kContent);
    const auto out = sh(commit_upload_command(d.tmp, d.dir.file("no such dir") + "/fw.elf", 12, kSha, then)).out;
    auto c = parse_commit_upload(out);
    ASSERT_TRUE(c) << c.error();
    EXPECT_FALSE(c->renamed);
    EXPECT_FALSE(then_started(out));
    EXPECT_EQ(out.find("load.saw"), std::string::npos) << out;
  }
  {
    Dir d;  // the checksum of an unchanged copy goes on to the load; of another content, not
    write(d.real, kContent);
    const std::string t_then = "echo load.saw=unchanged\n";
    const auto out = sh(checksum_command(d.real, 12, kSha, t_then)).out;
    auto c = parse_checksum(out);
    ASSERT_TRUE(c) << c.error();
    EXPECT_TRUE(then_started(out));
    EXPECT_NE(out.find("load.saw=unchanged"), std::string::npos) << out;
    write(d.real, "other\n");
    const auto other = sh(checksum_command(d.real, 12, kSha, t_then)).out;
    EXPECT_EQ(other.find("load.saw"), std::string::npos) << other;
    EXPECT_FALSE(then_started(other));
  }
}

// What a lost reply had printed decides: only a whole then.ran=1 line says the load began.
TEST(CommitUploadCommand, APartialReplyTellsWhetherTheLoadBegan) {
  EXPECT_TRUE(then_started("exists=yes\nmatch=yes\nmv.rc=0\nthen.ran=1\nprobe.version=1\n"));
  EXPECT_TRUE(then_started("then.ran=1\n"));
  EXPECT_FALSE(then_started("exists=yes\nmatch=yes\nmv.rc=0\nthen.ran=1"));  // cut within the line
  EXPECT_FALSE(then_started("exists=yes\nmatch=no\n"));
  EXPECT_FALSE(then_started(""));
}

TEST(ShellErrorKind, SameMappingAsTheSessionRename) {
  EXPECT_EQ(ports::kind_from_shell_error("mv: cannot move 'a' to 'b': Read-only file system"), Kind::read_only);
  EXPECT_EQ(ports::kind_from_shell_error("mv: cannot move 'a' to 'b': No space left on device"), Kind::no_space);
  EXPECT_EQ(ports::kind_from_shell_error("mv: cannot move 'a' to 'b': Permission denied"), Kind::permission_denied);
  EXPECT_EQ(ports::kind_from_shell_error("mv: cannot move 'a' to 'b': Operation not permitted"), Kind::permission_denied);
  EXPECT_EQ(ports::kind_from_shell_error("mv: cannot stat 'a': No such file or directory"), Kind::no_such_file);
  EXPECT_EQ(ports::kind_from_shell_error("mv: 'a' and 'b' are the same file"), Kind::failure);
}

// A directory standing in for /sys/class/remoteproc with one instance remoteproc1 named m33.
struct FakeSysfs {
  testing::TempDir dir;
  std::string inst = dir.file("remoteproc1");
  FakeSysfs() {
    fs::create_directories(inst);
    write(inst + "/name", "m33\n");
    write(inst + "/state", "offline\n");
    write(inst + "/firmware", "rproc-m33-fw\n");
    write(inst + "/recovery", "enabled\n");
  }
  // `before` runs first in the same shell (a stand-in for dmesg, say).
  core::expected<LoadStartOutcome, std::string> run(const std::string& name, const std::string& firmware, int max_stops = 8,
                                                    const std::string& shell = "/bin/sh", const std::string& before = "") {
    auto ran = testing::run_process(
        {shell, "-c", before + load_and_start_command(1, name, firmware, max_stops, dir.path().string())}, {}, 20000);
    auto parsed = ProbeOutput::parse(ran.out);
    if (!parsed) return core::unexpected{parsed.error() + " in: " + ran.out + ran.err};
    return parse_load_start_outcome(*parsed, 1);
  }
};

TEST(LoadAndStartCommand, AcceptedFirmwareIsFollowedByStartAndBothAreReported) {
  FakeSysfs s;
  auto o = s.run("m33", "a'$(id)'.elf");
  ASSERT_TRUE(o) << o.error();
  EXPECT_FALSE(o->firmware.skipped);
  EXPECT_EQ(o->stops, 0);  // offline: nothing to stop
  EXPECT_EQ(o->firmware.rc, 0);
  EXPECT_EQ(read(s.inst + "/firmware"), "a'$(id)'.elf");  // byte for byte, no newline, not executed
  ASSERT_TRUE(o->start);
  EXPECT_EQ(o->start->rc, 0);
  EXPECT_EQ(read(s.inst + "/state"), "start");
  ASSERT_TRUE(o->firmware.after);
  EXPECT_EQ(o->firmware.after->name, "m33");
  ASSERT_TRUE(o->rpmsg_ttys);
  // GNU date has %N: the start write is timed on the board.
  ASSERT_TRUE(o->start_board_ms);
  EXPECT_GE(*o->start_board_ms, 0);
  EXPECT_LT(*o->start_board_ms, 20000);
}

TEST(LoadAndStartCommand, ARunningInstanceIsStoppedFirst) {
  FakeSysfs s;
  write(s.inst + "/state", "running\n");  // a plain file reads "stop" after the stop write: one stop
  auto o = s.run("m33", "fw.elf");
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->stops, 1);
  EXPECT_FALSE(o->stop_ineffective);
  EXPECT_EQ(o->firmware.rc, 0);
  ASSERT_TRUE(o->start);
  EXPECT_EQ(read(s.inst + "/state"), "start");
}

TEST(LoadAndStartCommand, StillRunningAfterTheStopsWritesNothing) {
  FakeSysfs s;
  write(s.inst + "/state", "running\n");
  auto o = s.run("m33", "fw.elf", 0);  // no stop left in the bound
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->stop_ineffective);
  EXPECT_EQ(o->stops, 0);
  EXPECT_FALSE(o->start);
  ASSERT_TRUE(o->firmware.after);
  EXPECT_EQ(o->firmware.after->state, "running");
  EXPECT_EQ(read(s.inst + "/firmware"), "rproc-m33-fw\n");
  EXPECT_EQ(read(s.inst + "/state"), "running\n");
}

TEST(LoadAndStartCommand, RefusedFirmwareWriteNeverWritesStart) {
  FakeSysfs s;
  fs::remove(s.inst + "/firmware");
  fs::create_directory(s.inst + "/firmware");  // the write fails: "Is a directory"
  auto o = s.run("m33", "fw.elf");
  ASSERT_TRUE(o) << o.error();
  EXPECT_NE(o->firmware.rc, 0);
  EXPECT_EQ(o->firmware.errno_name, "EISDIR") << o->firmware.error_text;
  EXPECT_FALSE(o->start);
  EXPECT_FALSE(o->rpmsg_ttys);
  EXPECT_EQ(read(s.inst + "/state"), "offline\n");  // start never written
}

TEST(LoadAndStartCommand, RefusedStartIsReportedWithItsOwnError) {
  FakeSysfs s;
  fs::remove(s.inst + "/state");
  fs::create_directory(s.inst + "/state");
  auto o = s.run("m33", "fw.elf");
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->firmware.rc, 0);
  ASSERT_TRUE(o->start);
  EXPECT_NE(o->start->rc, 0);
  EXPECT_EQ(o->start->errno_name, "EISDIR") << o->start->error_text;
  EXPECT_FALSE(o->rpmsg_ttys);  // counted only after an accepted start
}

TEST(LoadAndStartCommand, AnIndexThatNamesAnotherProcessorIsNotWritten) {
  FakeSysfs s;
  write(s.inst + "/name", "m0\n");
  auto o = s.run("m33", "fw.elf");
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->firmware.skipped);
  EXPECT_FALSE(o->start);
  ASSERT_TRUE(o->firmware.after);
  EXPECT_EQ(o->firmware.after->name, "m0");
  EXPECT_EQ(read(s.inst + "/firmware"), "rproc-m33-fw\n");
  EXPECT_EQ(read(s.inst + "/state"), "offline\n");
}

// The kernel log is counted once before the first write and read once after the last (two dmesg for the whole
// command): the lines since then come with the refused write or with the start, byte for byte (an '=' and a
// terminal control in the line), in dash (Debian's /bin/sh) and in bash (the board's login shell), whose
// $EPOCHREALTIME times the start without a process.
TEST(LoadAndStartCommand, TheKernelLinesSinceTheFirstWriteComeWithTheOutcomeInEveryShell) {
  const std::string line = "[    9.500000] remoteproc remoteproc1: a=b \x1b[2J after";
  for (const std::string shell : {"/bin/sh", "/bin/bash"}) {
    for (const bool refused : {false, true}) {
      FakeSysfs s;
      write(s.inst + "/state", "running\n");
      if (refused) {
        fs::remove(s.inst + "/firmware");
        fs::create_directory(s.inst + "/firmware");
      }
      const std::string log = s.dir.file("kmsg");
      write(log, "[    1.000000] one\n[    2.000000] two\n");
      // Each dmesg prints the log, then the kernel "prints" one more line: the first call is the count before. A
      // program in PATH (the commands run it with `exec`, which a shell function would not stand in for).
      const std::string bin = s.dir.file("bin");
      fs::create_directory(bin);
      write(bin + "/dmesg", "#!/bin/sh\ncat '" + log + "'; printf '%s\\n' '" + line + "' >> '" + log + "'\n");
      fs::permissions(bin + "/dmesg", fs::perms::owner_all);
      auto o = s.run("m33", "fw.elf", 8, shell, "PATH='" + bin + "':$PATH\n");
      ASSERT_TRUE(o) << shell << ": " << o.error();
      EXPECT_EQ(o->stops, 1) << shell;
      EXPECT_EQ(o->firmware.log_position, 2u) << shell;
      if (refused) {
        EXPECT_EQ(o->firmware.errno_name, "EISDIR") << shell << ": " << o->firmware.error_text;
        EXPECT_EQ(o->firmware.log, std::vector<std::string>{line}) << shell;
        EXPECT_FALSE(o->start) << shell;
      } else {
        ASSERT_TRUE(o->start) << shell;
        EXPECT_EQ(o->start->rc, 0) << shell << ": " << o->start->error_text;
        EXPECT_EQ(o->start->error_text, "") << shell;
        EXPECT_EQ(o->start->log_position, 2u) << shell;
        EXPECT_EQ(o->start->log, std::vector<std::string>{line}) << shell;
        EXPECT_TRUE(o->start_board_ms) << shell;
      }
    }
  }
}

// The relaunch's one command: check and rename the new image, then stop, load and start, in dash and in bash. One
// reply carries both outcomes, each read by its own parser; the core ends running the new name.
TEST(CommitUploadCommand, CheckRenameStopLoadAndStartAreOneCommandInEveryShell) {
  for (const std::string shell : {"/bin/sh", "/bin/bash"}) {
    FakeSysfs s;
    write(s.inst + "/state", "running\n");
    Dir d;
    write(d.tmp, kContent);
    const std::string name = fs::path(d.real).filename().string();
    const auto then = load_and_start_body(1, "m33", name, 8, s.dir.path().string());
    auto ran = testing::run_process({shell, "-c", commit_upload_command(d.tmp, d.real, 12, kSha, then)}, {}, 20000);
    auto c = parse_commit_upload(ran.out);
    ASSERT_TRUE(c) << shell << ": " << c.error();
    EXPECT_TRUE(c->renamed) << shell;
    EXPECT_TRUE(then_started(ran.out)) << shell;
    auto parsed = ProbeOutput::parse(ran.out);
    ASSERT_TRUE(parsed) << parsed.error();
    auto o = parse_load_start_outcome(*parsed, 1);
    ASSERT_TRUE(o) << shell << ": " << o.error() << "\n" << ran.out << ran.err;
    EXPECT_EQ(o->stops, 1) << shell;
    EXPECT_EQ(o->firmware.rc, 0) << shell << ": " << o->firmware.error_text;
    ASSERT_TRUE(o->start) << shell;
    EXPECT_EQ(o->start->rc, 0) << shell << ": " << o->start->error_text;
    EXPECT_EQ(read(s.inst + "/firmware"), name) << shell;
    EXPECT_EQ(read(s.inst + "/state"), "start") << shell;
    EXPECT_EQ(read(d.real), kContent) << shell;
  }
}

}  // namespace
}  // namespace stm32mp::remote
