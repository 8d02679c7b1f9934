// SSH servers other than a full OpenSSH (issue 11): Dropbear (Debian's dropbear-bin) with and without an
// sftp-server, and OpenSSH without its sftp subsystem, each on the simulated board (knobs ssh= and sftp=).
// The real CLI for the full checks; the real adapters and the upload step for cancel and link cut.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "image/inspection.h"
#include "remote/ssh_test_support.h"
#include "steps/upload_step.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

using core::Code;
using RKind = ports::RemoteError::Kind;
using testing::ms_since;

std::string on_board(const boardsim::SimulatedBoard& b, const std::string& name) {
  // Which of the real name and its temporary file exist (fixed names chosen by the tests).
  return board_shell(b, "cd /lib/firmware; for f in '" + name + "' '." + name +
                            ".prelaunch-tmp'; do [ -e \"$f\" ] && echo \"$f\"; done; true");
}

bool real_name_exists(const boardsim::SimulatedBoard& b, const std::string& name) {
  const std::string listing = "\n" + on_board(b, name);
  return listing.find("\n" + name + "\n") != std::string::npos;
}

std::string text(const nlohmann::json& j, const char* key) { return j.is_null() ? "" : j.value(key, ""); }

// Uploads `path` with the real session and the upload step; `during` runs on another thread meanwhile.
struct StepUpload {
  core::StepReport report;
  long long ms = 0;
};
StepUpload upload_with(const boardsim::SimulatedBoard& b, const std::string& path, core::CancelToken& cancel,
                       int timeout_ms, const std::function<void()>& during) {
  auto steps = testing::run_steps(testing::login_settings(b));
  EXPECT_NE(steps.session, nullptr) << testing::messages(steps.ssh);
  StepUpload out;
  if (!steps.session) return out;
  steps::UploadInputs in{image::read_image_facts(path, "").value(), path, "", {},
                         steps.ssh.observed.get("server_banner").value_or(""), true, {}, {}};
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{timeout_ms}), progress};
  std::optional<remote::UploadOutcome> outcome;
  std::thread side(during);
  const auto t0 = testing::Clock::now();
  out.report = steps::upload_image(in, *steps.session, control, outcome);
  out.ms = ms_since(t0);
  side.join();
  return out;
}

// ---- Dropbear without an sftp-server: the exec channel carries the image ----
class DropbearNoSftp : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"ssh=dropbear", "sftp=off", "mode=ELF", "order=m0,m33"}); }
};

TEST_F(DropbearNoSftp, LoadsAFirmwareThatRunsOverTheExecChannel) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_NE(observed(run, "ssh", "server_banner").find("dropbear"), std::string::npos);
  EXPECT_EQ(observed(run, "upload", "transfer"), "exec channel (the board has no SFTP)") << summary(run);
  const auto d = diagnostic(run, "upload", "UPL012");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(text(d, "message").find("Dropbear 20"), std::string::npos) << d.dump();
  EXPECT_NE(text(d, "message").find("127"), std::string::npos) << d.dump();  // the shell found no program
  EXPECT_NE(text(d, "fix").find("/usr/lib/sftp-server"), std::string::npos) << d.dump();
  EXPECT_EQ(text(d, "fix").find("sshd_config"), std::string::npos) << d.dump();
  EXPECT_EQ(observed(run, "upload", "verified_on_board"), "size and sha256 match");
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
  std::printf("[measure] dropbear without sftp-server: full check %lld ms, upload %s MB/s over the exec channel\n",
              run.wall_ms, observed(run, "upload", "throughput_MBps").c_str());
  auto again = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_EQ(observed(again, "upload", "upload"), "unchanged") << summary(again);
  EXPECT_EQ(again.exit_code, 0) << summary(again);
}

TEST_F(DropbearNoSftp, WithoutExecUploadTheMissingSftpIsDiagnosedInSecondsNotAtTheDeadline) {
  testing::TempDir dir;
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "nosftp.elf", 512 * 1024);
  const auto t0 = testing::Clock::now();
  auto run = run_check(board(), {"--elf", elf, "--no-exec-upload", "--timeout-ms", "30000"});
  const auto ms = ms_since(t0);
  EXPECT_EQ(run.exit_code, 1);
  const auto d = diagnostic(run, "upload", "UPL011");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(text(d, "message").find("has no SFTP subsystem"), std::string::npos) << d.dump();
  EXPECT_EQ(d["observed"].value("sftp_server", ""), "/usr/lib/sftp-server") << d.dump();
  EXPECT_NE(text(d, "fix").find("Dropbear"), std::string::npos) << d.dump();
  EXPECT_EQ(observed(run, "upload", "temporary_file"), "");  // none was created: nothing said about one
  const auto step_ms = step(run, "upload").value("duration_ms", 99999);
  EXPECT_LT(step_ms, 3000) << "the upload step waited " << step_ms << " ms";
  std::printf("[measure] no SFTP diagnosed in %d ms (upload step), whole check %lld ms; deadline 30000 ms\n", step_ms, ms);
  EXPECT_EQ(on_board(board(), "nosftp.elf"), "");
}

TEST_F(DropbearNoSftp, CancelDuringAnExecChannelUploadLeavesNoFileUnderTheRealName) {
  testing::TempDir dir;
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "cancelled.elf", 3 << 20);
  board().set({"rate=2mbit"});  // ~13 s for 3 MiB: the cancel lands mid-transfer
  core::CancelToken cancel;
  std::atomic<long long> cancelled_at{0};
  const auto t0 = testing::Clock::now();
  auto up = upload_with(board(), elf, cancel, 30000, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    cancelled_at = ms_since(t0);
    cancel.cancel();
  });
  const auto returned_after_cancel = ms_since(t0) - cancelled_at;  // upload_with also logged in: from the cancel
  board().set({"rate=off"});
  ASSERT_TRUE(up.report.has(Code::UploadCancelled)) << testing::messages(up.report);
  EXPECT_EQ(up.report.observed.get("transfer"), "exec channel (the board has no SFTP)");
  EXPECT_LT(returned_after_cancel, 2000);
  EXPECT_FALSE(real_name_exists(board(), "cancelled.elf")) << on_board(board(), "cancelled.elf");
}

TEST_F(DropbearNoSftp, LinkCutDuringAnExecChannelUploadLeavesNoFileUnderTheRealName) {
  testing::TempDir dir;
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "linkcut.elf", 3 << 20);
  board().set({"rate=2mbit"});  // ~13 s for 3 MiB: the link goes down mid-transfer
  core::CancelToken cancel;
  std::atomic<long long> cut_at{0};
  const auto t0 = testing::Clock::now();
  auto up = upload_with(board(), elf, cancel, 8000, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    board().set({"link=down"});
    cut_at = ms_since(t0);
  });
  const auto returned = ms_since(t0);
  board().set({"link=up", "rate=off"});
  ASSERT_TRUE(up.report.has(Code::UploadInterrupted)) << testing::messages(up.report);
  EXPECT_LT(cut_at.load(), returned) << "the link was cut only after the upload ended";
  EXPECT_LT(up.ms, 11000);
  EXPECT_FALSE(real_name_exists(board(), "linkcut.elf")) << on_board(board(), "linkcut.elf");
}

// Dropbear started with -s (no password knob): a password given is not what is missing.
TEST_F(DropbearNoSftp, PasswordGivenToAServerWithoutPasswordLoginsIsSaidSo) {
  auto s = testing::login_settings(board());
  s.identity.clear();
  s.password = "some-password";
  const auto r = testing::run_steps(s);
  ASSERT_TRUE(r.ssh.has(Code::NoAuthMethod)) << testing::messages(r.ssh);
  const auto& d = r.ssh.diagnostics[0];
  EXPECT_NE(d.message.find("a password was given, but the server does not accept password logins"), std::string::npos)
      << d.message;
  EXPECT_EQ(d.message.find("no password to offer"), std::string::npos) << d.message;
}

// ---- Dropbear with an sftp-server: every login and the SFTP upload ----
constexpr const char* kPassword = "dropbear-pw-11";

class DropbearWithSftp : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"ssh=dropbear", "sftp=on", std::string("password=") + kPassword, "mode=ELF", "order=m0,m33"}); }
};

TEST_F(DropbearWithSftp, Ed25519RsaAndPasswordLogins) {
  auto ed = testing::open_session(testing::login_options(board()));
  ASSERT_TRUE(ed.ssh.has_value()) << ed.ssh.error().message;
  EXPECT_NE(ed.ssh->facts.server_banner.find("dropbear"), std::string::npos);
  EXPECT_EQ(ed.ssh->facts.identity_type, "ssh-ed25519");
  EXPECT_EQ(ed.ssh->facts.host_key_status, "known");

  auto rsa_opts = testing::login_options(board());
  rsa_opts.identity = board().info().at("identity_rsa").get<std::string>();
  auto rsa = testing::open_session(rsa_opts);
  ASSERT_TRUE(rsa.ssh.has_value()) << rsa.ssh.error().message;
  EXPECT_EQ(rsa.ssh->facts.identity_type, "ssh-rsa");
  // The step warns: the login rests on SHA-1 signatures (SSH016), with the ed25519 fix.
  auto rsa_settings = testing::login_settings(board());
  rsa_settings.identity = rsa_opts.identity;
  auto rsa_steps = testing::run_steps(rsa_settings);
  ASSERT_NE(rsa_steps.session, nullptr) << testing::messages(rsa_steps.ssh);
  ASSERT_TRUE(rsa_steps.ssh.has(Code::RsaSha1Login)) << testing::messages(rsa_steps.ssh);
  EXPECT_EQ(rsa_steps.ssh.status, core::StepStatus::warning);
  const auto& w = rsa_steps.ssh.diagnostics[0];
  EXPECT_NE(w.message.find("ssh-rsa (SHA-1)"), std::string::npos) << w.message;
  EXPECT_NE(w.message.find("the board's server (Dropbear 20"), std::string::npos) << w.message;
  EXPECT_NE(w.fix.find("ssh-keygen -t ed25519"), std::string::npos) << w.fix;
  EXPECT_FALSE(testing::run_steps(testing::login_settings(board())).ssh.has(Code::RsaSha1Login));  // ed25519: none

  auto s = testing::login_settings(board());
  s.identity.clear();
  s.password = kPassword;
  auto pw = testing::run_steps(s);
  ASSERT_NE(pw.session, nullptr) << testing::messages(pw.ssh);
  EXPECT_EQ(pw.ssh.observed.get("auth_method"), "password");
}

TEST_F(DropbearWithSftp, UnknownHostKeyIsRefusedUnderStrictChecking) {
  testing::TempDir dir;
  auto s = testing::login_settings(board());
  s.known_hosts = dir.file("known_hosts");
  const auto r = testing::run_steps(s);
  ASSERT_TRUE(r.ssh.has(Code::HostKeyUnknown)) << testing::messages(r.ssh);
  EXPECT_EQ(r.session, nullptr);
}

TEST_F(DropbearWithSftp, FullCheckUploadsOverSftpAndKnowsAnUnchangedImage) {
  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "upload", "transfer"), "sftp");
  EXPECT_TRUE(diagnostic(run, "upload", "UPL012").is_null());
  EXPECT_EQ(observed(run, "verify", "state"), "running");
  auto again = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  EXPECT_EQ(observed(again, "upload", "upload"), "unchanged") << summary(again);
}

// Regression: libssh2 freed the probe's channel before Dropbear had ended it, Dropbear closed the next
// channel at once and libssh2_sftp_init waited for the deadline; one fresh session in three hung.
TEST_F(DropbearWithSftp, EveryFreshSessionStartsSftpAtOnce) {
  testing::TempDir dir;
  const auto file = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "fresh.elf", 16 * 1024);
  const core::CancelToken never;
  for (int i = 0; i < 8; ++i) {
    auto steps = testing::run_steps(testing::login_settings(board()));
    ASSERT_NE(steps.session, nullptr) << testing::messages(steps.ssh);
    const auto t0 = testing::Clock::now();
    const auto err = steps.session->upload(file, "/lib/firmware/.fresh.elf.prelaunch-tmp", {},
                                           core::Deadline(core::Millis{8000}), never);
    EXPECT_FALSE(err) << "session " << i << ": " << err->message;
    EXPECT_LT(ms_since(t0), 5000) << "session " << i;
    if (err) break;
  }
  EXPECT_EQ(on_board(board(), "fresh.elf"), ".fresh.elf.prelaunch-tmp\n");
  (void)board_shell(board(), "rm -f /lib/firmware/.fresh.elf.prelaunch-tmp");
}

// Last in the suite: the board keeps its new key.
TEST_F(DropbearWithSftp, ZChangedHostKeyIsRefused) {
  board().set({"hostkey=2"});
  const auto r = testing::run_steps(testing::login_settings(board()));
  ASSERT_TRUE(r.ssh.has(Code::HostKeyChanged)) << testing::messages(r.ssh);
  EXPECT_EQ(r.session, nullptr);
  EXPECT_NE(r.ssh.diagnostics[0].fix.find("dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key"), std::string::npos)
      << r.ssh.diagnostics[0].fix;
}

// ---- OpenSSH without a Subsystem sftp line ----
class OpenSshNoSftp : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"sftp=off", "mode=ELF", "order=m0,m33"}); }
};

TEST_F(OpenSshNoSftp, RefusedSubsystemIsNoSftpAtOnceAndTheExecChannelLoadsTheFirmware) {
  auto steps = testing::run_steps(testing::login_settings(board()));
  ASSERT_NE(steps.session, nullptr) << testing::messages(steps.ssh);
  testing::TempDir dir;
  const auto file = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "probe.elf", 64 * 1024);
  const core::CancelToken never;
  const auto t0 = testing::Clock::now();
  auto err = steps.session->upload(file, "/lib/firmware/.probe.elf.prelaunch-tmp", {}, core::Deadline(core::Millis{30000}), never);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, RKind::no_sftp) << err->message;
  EXPECT_LT(ms_since(t0), 3000);

  auto run = run_check(board(), {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  const auto d = diagnostic(run, "upload", "UPL012");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(text(d, "message").find("OpenSSH"), std::string::npos) << d.dump();
  EXPECT_NE(text(d, "fix").find("sshd_config"), std::string::npos) << d.dump();
  EXPECT_EQ(observed(run, "verify", "state"), "running");
}

}  // namespace
}  // namespace stm32mp::e2e
