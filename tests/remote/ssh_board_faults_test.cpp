// Login and transfer failures against the simulated board, each with its knob: password login, root
// login refused, host key rotated (F17), sshd stopped, link down and silent packet loss (F18), full and
// read-only /lib/firmware. Every test checks the diagnosis AND that it came within the deadline.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "board_fixture.h"
#include "core/progress.h"
#include "core/render/json_renderer.h"
#include "remote/board_login.h"
#include "remote/ssh_test_support.h"
#include "steps/network_step.h"
#include "steps/ssh_step.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using core::Code;
using RKind = ports::RemoteError::Kind;

constexpr const char* kPassword = "Board-Pw-4f1c9!";

class BoardFaults : public CleanLoginSuite {
 protected:
  static core::Settings settings() { return login_settings(board()); }
};

// ---- password login (board knob password=…) ----
class PasswordBoard : public BoardFaults {
 protected:
  static void SetUpTestSuite() { StartBoard({std::string("password=") + kPassword}); }
};

TEST_F(PasswordBoard, PasswordLogsInAndIsNeverReported) {
  auto s = settings();
  s.identity.clear();
  s.password = kPassword;
  const auto r = run_steps(s);
  ASSERT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh);
  EXPECT_EQ(r.ssh.observed.get("auth_method"), "password");
  core::Report report;
  report.steps = {r.network, r.ssh};
  EXPECT_EQ(core::render::render_json(report).find(kPassword), std::string::npos);
}

TEST_F(PasswordBoard, WrongPasswordIsRefused) {
  auto s = settings();
  s.identity.clear();
  s.password = "not-the-password";
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(Code::PasswordRejected)) << messages(r.ssh);
  core::Report report;
  report.steps = {r.network, r.ssh};
  EXPECT_EQ(core::render::render_json(report).find("not-the-password"), std::string::npos);
}

TEST_F(PasswordBoard, CliTakesThePasswordFromTheEnvironmentAndNeverPrintsIt) {
  for (const bool json : {true, false}) {
    std::vector<std::string> argv{PRELAUNCH_CLI, "check", "--host", board().host(), "--known-hosts",
                                  board().known_hosts(), "--password-env", "BOARD_PW", "--only", "network,ssh"};
    if (json) argv.push_back("--json");
    const auto r = run_process(argv, {std::string("BOARD_PW=") + kPassword, "HOME=" + home_.path().string(), "SSH_AUTH_SOCK="});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("password"), std::string::npos) << r.out;  // the method used is shown, not the secret
  }
}

// ---- root login refused (PermitRootLogin no) ----
class RootRefusedBoard : public BoardFaults {
 protected:
  static void SetUpTestSuite() { StartBoard({"root_login=no"}); }
};

TEST_F(RootRefusedBoard, AcceptedKeyButRootRefused) {
  const auto r = run_steps(settings());
  ASSERT_TRUE(r.ssh.has(Code::RootLoginRefused)) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  EXPECT_NE(r.ssh.diagnostics[0].fix.find("PermitRootLogin"), std::string::npos);
}

// ---- network and server faults on one board ----
class FaultyBoard : public BoardFaults {};

TEST_F(FaultyBoard, RotatedHostKeyShowsBothFingerprintsAndStops) {
  const std::string old_fp = board().info().at("host_key_fingerprint").get<std::string>();
  board().set({"hostkey=1"});
  const std::string new_fp = board().info().at("host_key_fingerprint").get<std::string>();
  ASSERT_NE(old_fp, new_fp);
  const auto r = run_steps(settings());
  ASSERT_TRUE(r.ssh.has(Code::HostKeyChanged)) << messages(r.ssh);
  EXPECT_EQ(r.session, nullptr);
  const auto& d = r.ssh.diagnostics[0];
  EXPECT_NE(d.message.find(old_fp), std::string::npos) << d.message;
  EXPECT_NE(d.message.find(new_fp), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("ssh-keygen -f " + board().known_hosts() + " -R \"" + board().host() + "\""), std::string::npos)
      << d.fix;
  // accept-new never accepts a changed key.
  auto s = settings();
  s.host_key_policy = "accept-new";
  const auto again = run_steps(s);
  EXPECT_TRUE(again.ssh.has(Code::HostKeyChanged)) << messages(again.ssh);
}

TEST_F(FaultyBoard, StoppedSshdIsConnectionRefused) {
  board().set({"sshd=off"});
  const auto r = run_steps(settings());
  board().set({"sshd=on"});
  EXPECT_TRUE(r.network.has(Code::ConnectionRefused)) << messages(r.network);
  EXPECT_LT(r.ms, 2000);
}

TEST_F(FaultyBoard, LinkDownIsDiagnosedWithinTheDeadline) {
  board().set({"link=down"});
  const auto r = run_steps(settings(), 3000);
  board().set({"link=up"});
  EXPECT_TRUE(r.network.has(Code::NoRouteToBoard) || r.network.has(Code::ConnectTimeout)) << messages(r.network);
  EXPECT_LT(r.ms, 3000 + 300);
}

TEST_F(FaultyBoard, DroppedPacketsTimeOutAtTheDeadline) {
  board().set({"drop=on"});
  const auto r = run_steps(settings(), 1500);
  board().set({"drop=off"});
  EXPECT_TRUE(r.network.has(Code::ConnectTimeout)) << messages(r.network);
  EXPECT_GE(r.ms, 1400);
  EXPECT_LT(r.ms, 1500 + 300);
}

TEST_F(FaultyBoard, CancelDuringAHangingConnectWithinHalfASecond) {
  board().set({"drop=on"});
  core::CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.cancel();
  });
  const auto r = run_steps(settings(), 20000, &cancel);
  canceller.join();
  board().set({"drop=off"});
  EXPECT_EQ(r.network.status, core::StepStatus::skipped);
  EXPECT_LT(r.ms, 300 + 500);
}

// ---- the firmware file system (tmpfs) full or read-only ----
class FirmwareFsBoard : public BoardFaults {
 protected:
  static void SetUpTestSuite() { StartBoard({"fw_size=1M"}); }
};

void write_file(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  const std::string block(65536, '\x5a');
  for (std::size_t done = 0; done < size; done += block.size()) {
    out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), size - done)));
  }
}

TEST_F(FirmwareFsBoard, FullFileSystemIsNoSpace) {
  TempDir dir;
  write_file(dir.file("big.elf"), 3u << 20);
  auto r = open_session({board().host(), board().port(), board().user(), board().identity(), "", board().known_hosts()});
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& s = *r.ssh.value().session;
  const core::CancelToken never;
  const core::Deadline d(core::Millis{20000});
  auto up = s.upload(dir.file("big.elf"), "/lib/firmware/.big.elf.tmp", {}, d, never);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->kind, RKind::no_space) << up->message;
  // The session stays usable: the partial temporary file can be removed.
  EXPECT_FALSE(s.remove("/lib/firmware/.big.elf.tmp", d, never).has_value());
}

TEST_F(FirmwareFsBoard, ReadOnlyFileSystemIsReadOnly) {
  TempDir dir;
  write_file(dir.file("small.elf"), 100000);
  board().set({"fw_ro=on"});
  auto r = open_session({board().host(), board().port(), board().user(), board().identity(), "", board().known_hosts()});
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& s = *r.ssh.value().session;
  const core::CancelToken never;
  const core::Deadline d(core::Millis{20000});
  auto up = s.upload(dir.file("small.elf"), "/lib/firmware/.small.elf.tmp", {}, d, never);
  auto mv = s.rename("/lib/firmware/none", "/lib/firmware/x", d, never);
  board().set({"fw_ro=off"});
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->kind, RKind::read_only) << up->message;
  ASSERT_TRUE(mv.has_value());
}

}  // namespace
}  // namespace stm32mp::testing
