// ssh-agent logins against the simulated board's real OpenSSH server: the real OpenSSH ssh-agent
// (RSA keys still end in the SHA-1 diagnosis), and an agent socket that accepts but never answers,
// which must end in SSH015 within the step's deadline, or within half a second of a cancel.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string_view>
#include <thread>

#include "board_fixture.h"
#include "remote/board_login.h"
#include "remote/fake_ssh_agent.h"
#include "remote/real_ssh_agent.h"
#include "remote/ssh_test_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

extern char** environ;

namespace stm32mp::testing {
namespace {

using core::Code;

// The key blob of an OpenSSH public key line ("ssh-ed25519 AAAA… comment").
Bytes blob_of_public_key_line(const std::string& line) {
  std::istringstream in(line);
  std::string type;
  std::string b64;
  in >> type >> b64;
  Bytes out;
  unsigned int acc = 0;
  int bits = 0;
  for (const char ch : b64) {
    const auto pos = std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").find(ch);
    if (pos == std::string_view::npos) break;  // '=' padding ends it
    acc = (acc << 6) | static_cast<unsigned int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

class SshAgentBoardTest : public CleanLoginSuite {
 protected:
  // Each test points SSH_AUTH_SOCK at its own agent.
  void TearDown() override { unsetenv("SSH_AUTH_SOCK"); }
  static core::Settings settings() {
    auto s = login_settings(board());
    s.identity.clear();  // no key file: the agent is asked
    return s;
  }
  TempDir dir_;
};

TEST_F(SshAgentBoardTest, RealAgentEd25519KeyLogsInThroughTheBoundedClient) {
  const std::string sock = dir_.file("agent.sock");
  RealAgent agent(sock);
  ASSERT_TRUE(agent.running());
  const auto added = agent.add(board().identity());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  const auto r = run_steps(settings());
  ASSERT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  EXPECT_EQ(r.ssh.observed.get("auth_method"), "publickey (ssh-agent)");
  EXPECT_EQ(r.ssh.observed.get("identity_type"), "ssh-ed25519");
  EXPECT_EQ(r.ssh.observed.get("agent_socket"), sock);
  EXPECT_NE(r.ssh.observed.get("auth_tried").value_or("").find("(ssh-ed25519): accepted"), std::string::npos);
  ASSERT_NE(r.session, nullptr);
  const core::CancelToken never;
  auto ran = r.session->exec("echo agent-ok", core::Deadline(core::Millis{5000}), never);
  ASSERT_TRUE(ran.has_value());
  EXPECT_EQ(ran.value().exit_status, 0);
}

TEST_F(SshAgentBoardTest, RealAgentRsaKeyStillGetsTheSha1Diagnosis) {
  const std::string sock = dir_.file("agent.sock");
  RealAgent agent(sock);
  ASSERT_TRUE(agent.running());
  const auto added = agent.add(board().info().at("identity_rsa").get<std::string>());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  const auto r = run_steps(settings());
  ASSERT_TRUE(r.ssh.has(Code::RsaKeyRejected)) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  EXPECT_NE(r.ssh.observed.get("auth_tried").value_or("").find("ssh-agent key"), std::string::npos);
  // The agent signs with SHA-1 (flags 0), matching the "ssh-rsa" libssh2 1.10 announces: with ssh-rsa
  // allowed on the board the same agent key logs in.
  board().set({"rsa_sha1=on"});
  const auto allowed = run_steps(settings());
  board().set({"rsa_sha1=off"});
  // Logged in, with the warning that the login rests on SHA-1 (SSH016).
  EXPECT_EQ(allowed.ssh.status, core::StepStatus::warning) << messages(allowed.ssh);
  EXPECT_TRUE(allowed.ssh.has(Code::RsaSha1Login)) << messages(allowed.ssh);
  EXPECT_EQ(allowed.ssh.observed.get("auth_method"), "publickey (ssh-agent)");
}

TEST_F(SshAgentBoardTest, SilentAgentEndsTheStepWithSsh015AtTheDeadline) {
  const std::string sock = dir_.file("stuck.sock");
  FakeSshAgent stuck(sock, [](const Bytes&) -> std::optional<Bytes> { return std::nullopt; });
  ASSERT_TRUE(stuck.ok());
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  const auto r = run_steps(settings(), 2000);
  ASSERT_TRUE(r.ssh.has(Code::AgentNoAnswer)) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  EXPECT_EQ(r.ssh.status, core::StepStatus::error);
  const auto& d = r.ssh.diagnostics[0];
  EXPECT_NE(d.message.find(sock), std::string::npos) << d.message;
  EXPECT_EQ(d.message.find('{'), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("SSH_AUTH_SOCK=" + sock + " ssh-add -l"), std::string::npos) << d.fix;
  const long long waited = std::stoll(r.ssh.observed.get("agent_wait_ms").value_or("0"));
  RecordProperty("agent_wait_ms", static_cast<int>(waited));
  RecordProperty("run_ms", static_cast<int>(r.ms));
  EXPECT_GE(waited, 1000);  // most of the step's 2 s went to the agent (the handshake took the rest)
  EXPECT_LE(waited, 2000 + 150);
  // network step + ssh step, each with a 2 s deadline: the agent never makes the run overshoot.
  EXPECT_LT(r.ms, 2000 + 2000 + 300);
  EXPECT_EQ(stuck.requests().size(), 1u);  // the key listing
}

TEST_F(SshAgentBoardTest, AgentThatListsAKeyButNeverSignsEndsWithSsh015) {
  const auto pub = run_process({"/usr/bin/ssh-keygen", "-y", "-f", board().identity()});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  const Bytes blob = blob_of_public_key_line(pub.out);
  ASSERT_GT(blob.size(), 40u);
  const std::string sock = dir_.file("confirm.sock");
  // Like an agent holding an `ssh-add -c` key whose confirmation dialog nobody answers.
  FakeSshAgent confirm(sock, [&](const Bytes& request) -> std::optional<Bytes> {
    if (request.empty() || request[0] != 11) return std::nullopt;
    Bytes body{12};
    append_u32(body, 1);
    append_string(body, blob);
    append_string(body, bytes_of("board key (confirm)"));
    return frame(body);
  });
  ASSERT_TRUE(confirm.ok());
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  const auto started = Clock::now();
  const auto r = run_steps(settings(), 3000);
  ASSERT_TRUE(r.ssh.has(Code::AgentNoAnswer)) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  const auto took = ms_since(started);
  RecordProperty("run_ms", static_cast<int>(took));
  EXPECT_LT(took, 3000 + 3000 + 300);
  const auto requests = confirm.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1][0], 13);  // the board answered PK_OK, so a signature was asked for
}

TEST_F(SshAgentBoardTest, CancelWhileTheAgentIsSilentReturnsWithinHalfASecond) {
  const std::string sock = dir_.file("stuck.sock");
  FakeSshAgent stuck(sock, [](const Bytes&) -> std::optional<Bytes> { return std::nullopt; });
  ASSERT_TRUE(stuck.ok());
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  core::CancelToken cancel;
  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    // Long enough for the handshake to finish and the agent wait to begin.
    for (int i = 0; i < 200 && stuck.requests().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancelled_at = Clock::now();
    cancel.cancel();
  });
  const auto r = run_steps(settings(), 30000, &cancel);
  const auto done = Clock::now();
  canceller.join();
  EXPECT_EQ(stuck.requests().size(), 1u);
  EXPECT_EQ(r.ssh.status, core::StepStatus::skipped) << messages(r.ssh);
  EXPECT_FALSE(r.ssh.has(Code::AgentNoAnswer));
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(done - cancelled_at).count();
  RecordProperty("cancel_to_return_ms", static_cast<int>(latency));
  EXPECT_LT(latency, 500);
}

TEST_F(SshAgentBoardTest, ExplicitIdentityThatWorksNeverAsksTheAgent) {
  const std::string sock = dir_.file("stuck.sock");
  FakeSshAgent stuck(sock, [](const Bytes&) -> std::optional<Bytes> { return std::nullopt; });
  ASSERT_TRUE(stuck.ok());
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  auto s = settings();
  s.identity = board().identity();
  const auto r = run_steps(s, 5000);
  ASSERT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh);
  EXPECT_EQ(stuck.requests().size(), 0u);
  EXPECT_LT(r.ms, 3000);
}

}  // namespace
}  // namespace stm32mp::testing
