// Unit tests of the upload step with the fake session: atomic temp+verify+rename, unchanged skip,
// each error kind, cancel, verify mismatch, leftovers, and the firmware-name rule.
#include <fstream>

#include <gtest/gtest.h>

#include "remote/fake_board_session.h"
#include "image/inspection.h"
#include "remote/ssh_server.h"
#include "remote/upload_commands.h"
#include "steps/upload_step.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using Kind = ports::RemoteError::Kind;
using testing::checksum_reply;
using testing::commit_mismatch_reply;
using testing::commit_missing_reply;
using testing::commit_mv_failed_reply;
using testing::commit_renamed_reply;
using testing::load_start_reply;

class RecordingProgress final : public core::ProgressSink {
 public:
  std::vector<int> percents;
  void step_started(std::string_view, std::string_view, int, int) override {}
  void step_progress(int p) override { percents.push_back(p); }
  void step_finished(const core::StepReport&) override {}
};

struct Fixture {
  testing::TempDir dir;
  testing::FakeBoardSession session;
  core::CancelToken cancel;
  RecordingProgress progress;
  std::optional<remote::UploadOutcome> out;
  image::ImageFacts image;
  std::string real;
  std::string tmp;

  explicit Fixture(const std::string& name = "Blink_CM33_NonSecure.elf") {
    const auto path = dir.file(name);
    std::ofstream(path, std::ios::binary) << std::string(3000, 'x') << "\x7f" "ELF tail";
    image = image::read_image_facts(path, "").value();
    real = "/lib/firmware/" + name;
    tmp = "/lib/firmware/." + name + ".prelaunch-tmp";
  }
  std::string banner;
  bool exec_upload = true;
  std::optional<remote::LeftCopy> left_copy;
  std::string then_script;
  std::optional<remote::RemoteCopy> probed_copy;
  core::StepReport run(std::vector<std::string> leftovers = {}) {
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    UploadInputs in{image, image.upload_path, "", std::move(leftovers), banner, exec_upload, {}, left_copy, then_script,
                    probed_copy};
    return upload_image(in, session, control, out);
  }
};

TEST(UploadStep, UploadsToATemporaryNameThenVerifiesAndRenamesInOneCommand) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  // SFTP carries the bytes; the check and the rename are one exec, not a session rename.
  EXPECT_EQ(f.session.operations, (std::vector<std::string>{"upload " + f.tmp}));
  EXPECT_EQ(f.session.execs(), 2u);  // existing copy? + check-and-rename: a third round trip fails here
  const auto& commit = f.session.commands[1];
  EXPECT_NE(commit.find("t='" + f.tmp + "'"), std::string::npos) << commit;
  EXPECT_NE(commit.find("f='" + f.real + "'"), std::string::npos) << commit;
  // The expected value is the tool's own: the local SHA-256, quoted; the rename depends on it.
  EXPECT_NE(commit.find("if [ \"$c\" = '" + f.image.upload_sha256 + "' ]; then\necho match=yes"), std::string::npos) << commit;
  EXPECT_EQ(commit.find("then.ran"), std::string::npos) << "no load was handed to the upload";
  EXPECT_EQ(r.observed.get("upload"), "new");
  EXPECT_EQ(r.observed.get("verified_on_board"), "size and sha256 match");
  ASSERT_TRUE(f.out);
  EXPECT_FALSE(f.out->unchanged);
  EXPECT_EQ(f.progress.percents.back(), 100);
}

TEST(UploadStep, IdenticalContentIsNotTransferredAgain) {
  Fixture f;
  f.session.expect("t='" + f.real + "'", checksum_reply(true, f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.observed.get("upload"), "unchanged");
  EXPECT_TRUE(f.session.operations.empty());
  EXPECT_EQ(f.session.execs(), 1u);
  ASSERT_TRUE(f.out);
  EXPECT_TRUE(f.out->unchanged);
}

// The edit-Debug loop: the last check on this session left another image under the same name, so the board's
// copy is not read back (one round trip and its processes fewer): the upload and its check-and-rename follow.
// The load handed to the upload (the relaunch's one command): it goes after the rename in the check-and-rename
// command, and its reply is kept for the remoteproc step; no round trip more than without it.
TEST(UploadStep, TheLoadHandedToItRunsInTheCheckAndRenameCommand) {
  Fixture f;
  f.then_script = "echo LOAD-SCRIPT\n";
  const std::string load = load_start_reply(0, "", {}, testing::StartReply{}, testing::FakeInstance{1, "m33", "running"});
  f.session.expect("sha256sum", checksum_reply(true, 10, std::string(64, '0')));
  f.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(f.image.upload_size, f.image.upload_sha256) + "then.ran=1\n" + load);
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_EQ(f.session.execs(), 2u);
  const auto& commit = f.session.commands[1];
  EXPECT_LT(commit.find("mv -f --"), commit.find("echo then.ran=1\necho LOAD-SCRIPT")) << commit;
  // Offered to the read-back too, for an unchanged copy; the board had another one, so only the commit ran it.
  EXPECT_NE(f.session.commands[0].find("' ]; then\necho then.ran=1\necho LOAD-SCRIPT"), std::string::npos) << f.session.commands[0];
  EXPECT_EQ(r.observed.get("load").value_or("").rfind("the same command went on to stop, load and start it", 0), 0u);
  ASSERT_TRUE(f.out && f.out->load_reply && *f.out->load_reply);
  EXPECT_NE((*f.out->load_reply)->out.find("probe.version=1"), std::string::npos);
}

// The target step's probe read the board's copy in this run: the upload reads nothing back.
TEST(UploadStep, TheCopyTheProbeReadNeedsNoReadBack) {
  Fixture same;
  same.probed_copy = remote::RemoteCopy{true, 0, same.image.upload_sha256};
  auto r = same.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(same.session.execs(), 0u);
  EXPECT_EQ(r.observed.get("upload"), "unchanged");
  EXPECT_EQ(r.observed.get("board_copy"), "read by the target step's probe");
  ASSERT_TRUE(same.out && same.out->unchanged);
  EXPECT_FALSE(same.out->load_reply) << "the remoteproc step loads an unchanged image itself";

  Fixture other;
  other.probed_copy = remote::RemoteCopy{true, 0, std::string(64, 'a')};
  other.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(other.image.upload_size, other.image.upload_sha256));
  auto r2 = other.run();
  EXPECT_EQ(r2.status, core::StepStatus::ok) << (r2.diagnostics.empty() ? "" : r2.diagnostics[0].message);
  EXPECT_EQ(other.session.execs(), 1u) << "the check-and-rename only";
  EXPECT_EQ(r2.observed.get("upload"), "replaced");

  Fixture none;
  none.probed_copy = remote::RemoteCopy{};
  none.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(none.image.upload_size, none.image.upload_sha256));
  auto r3 = none.run();
  EXPECT_EQ(none.session.execs(), 1u);
  EXPECT_EQ(r3.observed.get("upload"), "new");
}

TEST(UploadStep, AnUnchangedCopyIsLoadedByTheSameCommandThatReadItBack) {
  Fixture f;
  f.then_script = "echo LOAD-SCRIPT\n";
  const std::string load = load_start_reply(0, "", {}, testing::StartReply{}, testing::FakeInstance{1, "m33", "running"});
  f.session.expect("LOAD-SCRIPT", checksum_reply(true, f.image.upload_size, f.image.upload_sha256) + "then.ran=1\n" + load);
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(f.session.execs(), 1u) << "one round trip: check the copy, then load it";
  EXPECT_TRUE(f.session.operations.empty());
  EXPECT_EQ(r.observed.get("upload"), "unchanged");
  ASSERT_TRUE(f.out && f.out->unchanged && f.out->load_reply);
}

// The reply of the one command is lost after the board said it renamed and began the load (a board gone with the
// start, F20): the upload is done in the board's words; what the loss means is the remoteproc step's to say.
TEST(UploadStep, AReplyLostAfterTheLoadBeganLeavesTheLossToTheRemoteprocStep) {
  Fixture f;
  f.then_script = "echo LOAD-SCRIPT\n";
  f.session.expect("sha256sum", checksum_reply(false));
  ports::RemoteError lost{ports::RemoteError::Kind::disconnected, "the connection dropped"};
  lost.partial_out = "exists=yes\nsha=" + f.image.upload_sha256 + "\nmatch=yes\nmv.rc=0\nthen.ran=1\nprobe.version=1\n";
  f.session.script.push_back({"LOAD-SCRIPT", core::unexpected{lost}});
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_EQ(r.observed.get("upload"), "new");
  ASSERT_TRUE(f.out && f.out->load_reply);
  ASSERT_FALSE(*f.out->load_reply);
  EXPECT_EQ(f.out->load_reply->error().kind, ports::RemoteError::Kind::disconnected);
  // Lost before then.ran: the upload's own recovery decides, as without a load.
  Fixture g;
  g.then_script = "echo LOAD-SCRIPT\n";
  g.session.expect("sha256sum", checksum_reply(false));
  ports::RemoteError early{ports::RemoteError::Kind::disconnected, "the connection dropped"};
  early.partial_out = "exists=yes\n";
  g.session.script.push_back({"LOAD-SCRIPT", core::unexpected{early}});
  g.session.expect("sha256sum", checksum_reply(false));  // read again: the real name does not hold it
  auto r2 = g.run();
  EXPECT_TRUE(r2.has(core::Code::UploadInterrupted)) << r2.observed.get("board_rechecked").value_or("");
  EXPECT_FALSE(g.out);
}

TEST(UploadStep, AnotherImageLeftByTheLastCheckIsReplacedWithoutReadingItBack) {
  Fixture f;
  f.left_copy = remote::LeftCopy{f.real, std::string(64, 'a')};
  f.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_EQ(f.session.execs(), 1u) << "the check-and-rename only";
  EXPECT_EQ(f.session.operations, (std::vector<std::string>{"upload " + f.tmp}));
  EXPECT_EQ(r.observed.get("board_copy").value_or("").rfind("not read: the last check on this session left another image", 0),
            0U);
  EXPECT_EQ(r.observed.get("upload"), "replaced the image the last check left (not read back)");
  ASSERT_TRUE(f.out);
  EXPECT_FALSE(f.out->unchanged);
}

// The same image as the last check left (or another path): the board's copy is read, someone may have changed it.
TEST(UploadStep, TheSameImageOrAnotherPathLeftByTheLastCheckIsReadBack) {
  for (const bool same_image : {true, false}) {
    Fixture f;
    f.left_copy = same_image ? remote::LeftCopy{f.real, f.image.upload_sha256}
                             : remote::LeftCopy{"/lib/firmware/other.elf", std::string(64, 'a')};
    f.session.expect("t='" + f.real + "'", checksum_reply(true, f.image.upload_size, f.image.upload_sha256));
    auto r = f.run();
    EXPECT_EQ(r.observed.get("upload"), "unchanged") << same_image;
    EXPECT_EQ(f.session.execs(), 1u) << same_image;
    EXPECT_FALSE(r.observed.get("board_copy")) << same_image;
  }
}

struct ErrorCase {
  const char* name;  // the test's name: stable across runs (gtest would print the struct's bytes)
  Kind kind;
  Code code;
};

// ctest names a parameterized test by its printed value: the name, not the struct's bytes.
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class UploadErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(UploadErrors, EachKindHasItsCodeAndTheTemporaryFileIsRemoved) {
  Fixture f;
  f.session.files[f.real] = "old image";
  f.session.expect("sha256sum", checksum_reply(true, 9, "0123"));
  f.session.upload_error = ports::RemoteError{GetParam().kind, "server said no"};
  f.session.upload_error_after = 1000;
  auto r = f.run();
  EXPECT_TRUE(r.has(GetParam().code)) << r.diagnostics[0].message;
  EXPECT_EQ(f.session.files.count(f.tmp), 0u);
  EXPECT_EQ(f.session.files[f.real], "old image");  // never a partial file under the real name
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");
  EXPECT_FALSE(f.out);
}

INSTANTIATE_TEST_SUITE_P(Kinds, UploadErrors,
                         ::testing::Values(ErrorCase{"NoSpace", Kind::no_space, Code::UploadNoSpace},
                                           ErrorCase{"ReadOnly", Kind::read_only, Code::UploadReadOnly},
                                           ErrorCase{"PermissionDenied", Kind::permission_denied,
                                                     Code::UploadPermissionDenied},
                                           ErrorCase{"Disconnected", Kind::disconnected, Code::UploadInterrupted},
                                           ErrorCase{"Timeout", Kind::timeout, Code::UploadInterrupted},
                                           ErrorCase{"Failure", Kind::failure, Code::UploadRemoteFailure}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(UploadStep, LinkCutLeavesTheTemporaryFileReportedNotTheRealName) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.upload_error = ports::RemoteError{Kind::disconnected, "socket closed"};
  f.session.upload_error_after = 100;
  f.session.remove_error = ports::RemoteError{Kind::disconnected, "socket closed"};
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::UploadInterrupted));
  EXPECT_EQ(f.session.files.count(f.real), 0u);
  EXPECT_NE(r.observed.get("temporary_file")->find("the next upload removes it"), std::string::npos);
}

TEST(UploadStep, CancelMidTransferRemovesTheTemporaryFile) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.during_upload = [&] { f.cancel.cancel(); };
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::UploadCancelled));
  EXPECT_TRUE(f.session.files.empty());
}

TEST(UploadStep, ChecksumMismatchOnTheBoardIsRemovedNotRenamed) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f --", commit_mismatch_reply(10, "deadbeef"));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UploadVerifyMismatch));
  EXPECT_EQ(r.diagnostics[0].observed.get("board_sha256"), "deadbeef");
  EXPECT_EQ(r.diagnostics[0].observed.get("board_size"), "10");
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");
  EXPECT_FALSE(r.observed.get("upload"));
  EXPECT_FALSE(f.out);
  // The board's command removed it: no session rename, no extra round trip for the cleanup.
  EXPECT_EQ(f.session.operations, (std::vector<std::string>{"upload " + f.tmp}));
  EXPECT_EQ(f.session.execs(), 2u);
}

TEST(UploadStep, MismatchWhoseTemporaryFileCannotBeRemovedSaysSo) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f --", commit_mismatch_reply(10, "", "rm: cannot remove 'x': Read-only file system"));
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UploadVerifyMismatch));
  EXPECT_EQ(r.diagnostics[0].observed.get("board_sha256"), "(none)");  // no sha256sum on the board
  EXPECT_EQ(r.observed.get("temporary_file"),
            "not removed (rm: cannot remove 'x': Read-only file system); the next upload removes it");
}

TEST(UploadStep, TemporaryFileGoneBeforeTheCheckIsAMismatch) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f --", commit_missing_reply());
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UploadVerifyMismatch));
  EXPECT_EQ(r.diagnostics[0].observed.get("board_size"), "0");
  EXPECT_FALSE(f.out);
}

TEST(UploadStep, CheckAndRenameCutShortIsARemoteFailureAndCleansUp) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f --", "exists=yes\nsize=3\n");  // no end=1: the board's shell died
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UploadRemoteFailure));
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");  // by the session over SFTP
  EXPECT_EQ(f.session.operations.back(), "remove " + f.tmp);
  EXPECT_FALSE(f.out);
}

TEST(UploadStep, LinkLostDuringCheckAndRenameIsInterrupted) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect_error("mv -f --", Kind::disconnected, "socket closed");
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::UploadInterrupted));
  EXPECT_FALSE(f.out);
}

TEST(UploadStep, LeftoversOfEarlierUploadsAreRemoved) {
  Fixture f;
  f.session.files["/lib/firmware/.old.elf.prelaunch-tmp"] = "partial";
  f.session.expect("sha256sum", checksum_reply(true, f.image.upload_size, f.image.upload_sha256));
  auto r = f.run({".old.elf.prelaunch-tmp"});
  EXPECT_TRUE(r.has(Code::UploadLeftoversRemoved));
  EXPECT_EQ(f.session.files.count("/lib/firmware/.old.elf.prelaunch-tmp"), 0u);
}

struct MvCase {
  const char* name;  // the test's name: stable across runs (gtest would print the struct's bytes)
  const char* text;  // mv's stderr under LC_ALL=C
  Code code;
};

void PrintTo(const MvCase& c, std::ostream* os) { *os << c.name; }

class RenameErrors : public ::testing::TestWithParam<MvCase> {};

// mv's errors keep the codes the session's rename gave them (ENOSPC, EROFS, EACCES …).
TEST_P(RenameErrors, MvFailureHasTheRenameCodeAndRemovesTheTemporaryFile) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(true, 3, "aa"));
  f.session.expect("mv -f --", commit_mv_failed_reply(f.image.upload_size, f.image.upload_sha256, GetParam().text));
  auto r = f.run();
  ASSERT_TRUE(r.has(GetParam().code)) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  // The tool's words up to its reason (the reason itself is the code's: UPL003 states a denial once).
  const std::string text = GetParam().text;
  const std::string words = text.substr(0, text.rfind(':'));
  EXPECT_NE(r.diagnostics[0].observed.get("message")->find("renaming " + f.tmp + " to " + f.real + ": " + words),
            std::string::npos) << *r.diagnostics[0].observed.get("message");
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");
  EXPECT_FALSE(f.out);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, RenameErrors,
    ::testing::Values(MvCase{"ReadOnly", "mv: cannot move 'a' to 'b': Read-only file system", Code::UploadReadOnly},
                      MvCase{"NoSpace", "mv: cannot move 'a' to 'b': No space left on device", Code::UploadNoSpace},
                      MvCase{"PermissionDenied", "mv: cannot move 'a' to 'b': Permission denied",
                             Code::UploadPermissionDenied},
                      MvCase{"NotPermitted", "mv: cannot move 'a' to 'b': Operation not permitted",
                             Code::UploadPermissionDenied},
                      MvCase{"NoSuchFile", "mv: cannot stat 'a': No such file or directory", Code::UploadRemoteFailure},
                      MvCase{"Other", "mv: something else", Code::UploadRemoteFailure}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(UploadStep, NamesWithSpacesQuotesAndDollarAreQuoted) {
  Fixture f("my fw '$(id)'.elf");
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("mv -f --", commit_renamed_reply(f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_NE(f.session.commands[0].find("'/lib/firmware/my fw '\\''$(id)'\\''.elf'"), std::string::npos) << f.session.commands[0];
  EXPECT_NE(f.session.commands[1].find("f='/lib/firmware/my fw '\\''$(id)'\\''.elf'"), std::string::npos) << f.session.commands[1];
}

TEST(UploadStep, NewlineInTheNameIsRefused) {
  Fixture f("evil\nname.elf");
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UnsafeFirmwareName));
  EXPECT_NE(r.diagnostics[0].message.find("newline"), std::string::npos);
  EXPECT_TRUE(f.session.commands.empty());
  EXPECT_EQ(firmware_name_problem("a/b.elf").find("'/'"), 12u);
  EXPECT_FALSE(firmware_name_problem("-x.elf").empty());
  EXPECT_TRUE(firmware_name_problem("ok name $(x).elf").empty());
}

TEST(UploadStep, UnreadableImage) {
  testing::FakeBoardSession s;
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  std::optional<remote::UploadOutcome> out;
  auto r = upload_image({std::nullopt, "/nope.elf", "cannot open /nope.elf: No such file or directory", {}, "", true, {}, {}}, s, control, out);
  EXPECT_TRUE(r.has(Code::UploadImageUnreadable));
}

// A board whose SSH server has no SFTP subsystem (Dropbear without /usr/lib/sftp-server).
ports::RemoteError no_sftp_error() {
  return {Kind::no_sftp, "the server accepted the 'sftp' subsystem request but its SFTP program ended at once (exit status 127)"};
}

TEST(UploadStep, WithoutSftpTheImageGoesOverAnExecChannelIntoTheTemporaryFileThenTheSameCheck) {
  Fixture f;
  f.banner = "SSH-2.0-dropbear_2022.83";
  f.session.sftp_error = no_sftp_error();
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("cat > \"$t\"", "");
  f.session.expect("mv -f -- \"$t\" \"$f\"", commit_renamed_reply(f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  // The path reaches the command through stdin; the command text is fixed and names no file.
  ASSERT_EQ(f.session.inputs, (std::vector<std::string>{f.tmp + "\n"}));
  EXPECT_EQ(f.session.commands[1], std::string(remote::exec_upload_command()));
  EXPECT_EQ(f.session.commands[1].find("Blink"), std::string::npos);
  EXPECT_EQ(f.session.files.at(f.tmp).size(), f.image.upload_size);  // the check (scripted) then renames this file
  EXPECT_EQ(r.observed.get("transfer"), "exec channel (the board has no SFTP)");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, Code::UploadOverExec);
  EXPECT_EQ(d.severity, core::Severity::info);
  EXPECT_EQ(d.observed.get("ssh_server"), "Dropbear 2022.83");
  EXPECT_EQ(d.observed.get("sftp_server"), "/usr/lib/sftp-server");  // Dropbear's built-in path
  EXPECT_NE(d.fix.find("linked as /usr/lib/sftp-server"), std::string::npos) << d.fix;
  EXPECT_EQ(r.observed.get("upload"), "new");
  EXPECT_EQ(f.progress.percents.back(), 100);
}

TEST(UploadStep, WithoutSftpAndExecUploadOffItFailsAtOnceNamingTheServersFix) {
  Fixture f;
  f.banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
  f.exec_upload = false;
  f.session.sftp_error = ports::RemoteError{Kind::no_sftp, "the server refused to start its 'sftp' subsystem"};
  f.session.expect("sha256sum", checksum_reply(false));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::error);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, Code::UploadNoSftp);
  EXPECT_NE(d.message.find("OpenSSH 9.2p1"), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("Subsystem sftp internal-sftp"), std::string::npos) << d.fix;
  EXPECT_EQ(d.fix.find("Dropbear"), std::string::npos) << d.fix;
  // Nothing was created, so nothing is said about a temporary file, and no exec carried the image.
  EXPECT_FALSE(r.observed.contains("temporary_file"));
  EXPECT_TRUE(f.session.inputs.empty());
  EXPECT_EQ(f.session.execs(), 1u);
  EXPECT_FALSE(f.out);
}

// UPL011's fix variants (upload.def) are picked by the server and what it said, never written by the step.
TEST(UploadStep, WithoutSftpTheFixIsTheVariantOfTheServerAndWhatItRan) {
  struct Case {
    std::string banner, said, fix_start;
  };
  for (const auto& c : std::vector<Case>{
           {"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "exit status 127: sh: 1: /usr/lib/openssh/sftp-server: not found",
            "sshd's Subsystem line names /usr/lib/openssh/sftp-server, which does not run: install it"},
           {"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "the server refused to start its 'sftp' subsystem",
            "Add 'Subsystem sftp internal-sftp'"},
           {"SSH-2.0-dropbear_2022.83", "exit status 127: sh: 1: /opt/bin/sftp-server: not found",
            "Dropbear has no SFTP server of its own: it runs /opt/bin/sftp-server for the sftp subsystem."},
           {"SSH-2.0-libssh_0.10.4", "exit status 127: sh: 1: /opt/sftp-server: not found",
            "Enable the SFTP subsystem of the board's SSH server (the program it tried to run: /opt/sftp-server)"}}) {
    Fixture f;
    f.banner = c.banner;
    f.exec_upload = false;
    f.session.sftp_error = ports::RemoteError{Kind::no_sftp, c.said};
    f.session.expect("sha256sum", checksum_reply(false));
    auto r = f.run();
    ASSERT_EQ(r.diagnostics.size(), 1u) << c.banner;
    const auto& d = r.diagnostics[0];
    EXPECT_EQ(d.code, Code::UploadNoSftp);
    EXPECT_EQ(d.fix.rfind(c.fix_start, 0), 0U) << d.fix;
    EXPECT_NE(d.fix.find("; or keep the upload over an exec channel (do not pass --no-exec-upload)."), std::string::npos)
        << d.fix;
    EXPECT_EQ(d.fix.find('{'), std::string::npos) << d.fix;
  }
}

TEST(UploadStep, ExecChannelUploadThatCannotCreateTheFileHasTheFileSystemsCode) {
  Fixture f;
  f.session.sftp_error = no_sftp_error();
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.script.push_back({"cat > ", ports::ExecResult{2, "", "sh: 1: cannot create " + f.tmp + ": Read-only file system\n"}});
  f.session.expect("rm -f -- \"$t\"", "");  // cleanup without SFTP: the path on stdin again
  auto r = f.run();
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().code, Code::UploadReadOnly);
  EXPECT_EQ(f.session.inputs, (std::vector<std::string>{f.tmp + "\n", f.tmp + "\n"}));
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");
  EXPECT_FALSE(f.session.files.count(f.real));
}

TEST(UploadStep, CancelDuringAnExecChannelUploadLeavesNothingUnderTheRealName) {
  Fixture f;
  f.session.sftp_error = no_sftp_error();
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect("cat > ", "");
  f.session.expect("rm -f -- ", "");
  f.session.during_upload = [&] { f.cancel.cancel(); };
  auto r = f.run();
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().code, Code::UploadCancelled);
  EXPECT_FALSE(f.session.files.count(f.real));
  EXPECT_FALSE(f.out);
}

TEST(SshServer, BannerGivesTheServerAndItsVersion) {
  EXPECT_EQ(remote::parse_server_banner("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3").label(), "OpenSSH 9.2p1");
  EXPECT_EQ(remote::parse_server_banner("SSH-2.0-dropbear_2022.83").label(), "Dropbear 2022.83");
  EXPECT_EQ(remote::parse_server_banner("SSH-2.0-dropbear").label(), "Dropbear");
  EXPECT_EQ(remote::parse_server_banner("SSH-2.0-libssh_0.10.4").label(), "libssh_0.10.4");
  EXPECT_EQ(remote::parse_server_banner("").label(), "unknown");
  const auto other = remote::parse_server_banner("SSH-2.0-libssh_0.10.4");
  EXPECT_EQ(remote::sftp_server_tried(other, ""), "");
  EXPECT_EQ(remote::sftp_setup(other, "/opt/sftp"), "other server");
  const auto openssh = remote::parse_server_banner("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
  EXPECT_EQ(remote::sftp_setup(openssh, ""), "openssh, no subsystem");
  EXPECT_EQ(remote::sftp_setup(openssh, "/usr/lib/openssh/sftp-server"), "openssh, subsystem program missing");
  // What a shell said when the program is missing names the path; Dropbear's default otherwise.
  const auto dropbear = remote::parse_server_banner("SSH-2.0-dropbear_2022.83");
  EXPECT_EQ(remote::sftp_server_tried(dropbear, "exit status 127: sh: 1: /opt/bin/sftp-server: not found"), "/opt/bin/sftp-server");
  EXPECT_EQ(remote::sftp_server_tried(dropbear, "exit status 127"), "/usr/lib/sftp-server");
}

}  // namespace
}  // namespace stm32mp::steps

namespace stm32mp::steps {
namespace {

// Cancels the run when the transfer reaches 100 %: the cancel then lands on the check-and-rename.
class CancelAtTheEnd final : public core::ProgressSink {
 public:
  explicit CancelAtTheEnd(core::CancelToken& c) : cancel(c) {}
  void step_started(std::string_view, std::string_view, int, int) override {}
  void step_progress(int p) override {
    if (p == 100) cancel.cancel();
  }
  void step_finished(const core::StepReport&) override {}
  core::CancelToken& cancel;
};

std::size_t count_of(std::string text, const std::string& words) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t n = 0;
  for (auto at = text.find(words); at != std::string::npos; at = text.find(words, at + 1)) ++n;
  return n;
}

TEST(UploadStepWording, Upl003StatesTheDenialOnce) {
  // Issue 11: "UPL003 states the denial once". The SFTP adapter reports where; the code says what.
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.upload_error = ports::RemoteError{Kind::permission_denied, "creating " + f.tmp};
  auto r = f.run();
  ASSERT_TRUE(r.has(Code::UploadPermissionDenied));
  EXPECT_EQ(count_of(r.diagnostics[0].message, "permission denied"), 1u) << r.diagnostics[0].message;
  EXPECT_NE(r.diagnostics[0].message.find("(creating " + f.tmp + ")"), std::string::npos) << r.diagnostics[0].message;

  // The exec-channel path quotes the shell; its own ": Permission denied" is not repeated either.
  Fixture g;
  g.session.expect("sha256sum", checksum_reply(false));
  g.session.expect("mv -f --", commit_mv_failed_reply(g.image.upload_size, g.image.upload_sha256,
                                                     "mv: cannot move 'a' to 'b': Permission denied"));
  auto m = g.run();
  ASSERT_TRUE(m.has(Code::UploadPermissionDenied));
  EXPECT_EQ(count_of(m.diagnostics[0].message, "permission denied"), 1u) << m.diagnostics[0].message;
  EXPECT_NE(m.diagnostics[0].message.find("mv: cannot move 'a' to 'b'"), std::string::npos) << m.diagnostics[0].message;
}

TEST(UploadStepRecovery, ABrokenSessionGetsTheTemporaryFileRemovedOverANewOne) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.during_upload = [&] { f.cancel.cancel(); };
  // The run's session broke with the cancel (libssh2 stopped mid-packet): every later call fails.
  f.session.remove_error = ports::RemoteError{Kind::disconnected, "the SSH session is no longer usable"};
  auto second = std::make_shared<testing::FakeBoardSession>();
  second->files[f.tmp] = "half an image";
  int reopened = 0;
  core::StepControl control{f.cancel, core::Deadline(core::Millis{5000}), f.progress};
  UploadInputs in{f.image, f.image.upload_path, "", {}, "", true, {}, {}};
  in.reopen = [&](const core::Deadline& d, const core::CancelToken& c) -> std::shared_ptr<ports::BoardSession> {
    ++reopened;
    EXPECT_FALSE(c.cancelled());  // the recovery's own token, not the run's
    EXPECT_LE(d.remaining().count(), 3000);
    return second;
  };
  auto r = upload_image(in, f.session, control, f.out);
  EXPECT_TRUE(r.has(Code::UploadCancelled));
  EXPECT_EQ(reopened, 1);
  EXPECT_EQ(second->files.count(f.tmp), 0u);
  EXPECT_EQ(r.observed.get("temporary_file"), "removed (over a new SSH session: the first one broke with the upload)");

  // Without a way to log in again it says so, and that the next upload removes it.
  Fixture g;
  g.session.expect("sha256sum", checksum_reply(false));
  g.session.during_upload = [&] { g.cancel.cancel(); };
  g.session.remove_error = ports::RemoteError{Kind::disconnected, "the SSH session is no longer usable"};
  auto lone = g.run();
  EXPECT_NE(lone.observed.get("temporary_file")->find("not removed"), std::string::npos);
}

TEST(UploadStepRecovery, ACancelThatCutTheRenamesReplyIsNotAnInterruptedUpload) {
  Fixture f;
  CancelAtTheEnd cancel_at_end(f.cancel);
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect_error("mv -f --", Kind::cancelled, "running the remote command: cancelled");
  f.session.expect("t='" + f.real + "'", checksum_reply(true, f.image.upload_size, f.image.upload_sha256));  // read again
  core::StepControl control{f.cancel, core::Deadline(core::Millis{5000}), cancel_at_end};
  UploadInputs in{f.image, f.image.upload_path, "", {}, "", true, {}, {}};
  auto r = upload_image(in, f.session, control, f.out);
  ASSERT_TRUE(r.has(Code::UploadDoneBeforeCancel)) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_FALSE(r.has(Code::UploadCancelled));
  EXPECT_EQ(r.observed.get("temporary_file"), "none (renamed over the real name by the board)");
  EXPECT_EQ(r.observed.get("verified_on_board"), "size and sha256 match (read again after the reply was lost)");
  EXPECT_TRUE(f.out);
  EXPECT_TRUE(f.cancel.cancelled());  // the runner still ends the run as cancelled
}

TEST(UploadStepRecovery, ALostReplyAfterAVerifiedRenameIsASuccess) {
  Fixture f;
  f.session.expect("sha256sum", checksum_reply(false));
  f.session.expect_error("mv -f --", Kind::timeout, "running the remote command: no answer before the deadline");
  f.session.expect("t='" + f.real + "'", checksum_reply(true, f.image.upload_size, f.image.upload_sha256));
  auto r = f.run();
  EXPECT_EQ(r.status, core::StepStatus::ok) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_TRUE(f.out);
}

TEST(UploadStepRecovery, ALostReplyWithoutTheRenameIsInterruptedAfterTheBoardWasReadAgain) {
  Fixture f;
  f.session.files[f.real] = "old image";
  f.session.expect("sha256sum", checksum_reply(true, 9, "0123"));
  f.session.expect_error("mv -f --", Kind::disconnected, "connection lost");
  f.session.expect("t='" + f.real + "'", checksum_reply(true, 9, "0123"));  // still the old image
  auto r = f.run();
  EXPECT_TRUE(r.has(Code::UploadInterrupted));
  EXPECT_EQ(r.observed.get("board_rechecked"), "the real name does not hold the new image");
  EXPECT_EQ(r.observed.get("temporary_file"), "removed");
  EXPECT_FALSE(f.out);
}

}  // namespace
}  // namespace stm32mp::steps
