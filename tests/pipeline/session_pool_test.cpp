// Sessions kept across checks (issue 12) with fake ports: the second check of a process takes the first one's
// session, says so with its age, and never does when a credential, the known_hosts file or a setting changed,
// when the session failed, does not answer or sat idle too long. The real session on the simulated board:
// tests/e2e/session_reuse_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "core/progress.h"
#include "core/render/json_renderer.h"
#include "pipeline/pipeline.h"
#include "pipeline/session_pool.h"
#include "pipeline/state_after_cancel.h"
#include "support/temp_dir.h"
#include "pipeline/fake_pipeline_ports.h"

namespace stm32mp::testing {
namespace {

using core::Code;
using Kind = ports::RemoteError::Kind;

const char* const kSecret = "pw-Never-In-A-Report-9";

class SessionPoolTest : public ::testing::Test {
 protected:
  TempDir dir;
  FakeNetwork net;
  FakeConnector ssh;
  core::Settings settings;

  void SetUp() override {
    write("id_ed25519", "key one");
    write("known_hosts", "10.0.0.7 ssh-ed25519 AAAAboard\n");
    settings.host = "10.0.0.7";
    settings.identity = dir.file("id_ed25519");
    settings.known_hosts = dir.file("known_hosts");
    settings.password = kSecret;
    settings.only = {"network", "ssh"};
  }
  void write(const std::string& name, const std::string& content) { std::ofstream(dir.file(name)) << content; }

  core::Report check(pipeline::SessionPool& pool) { return check_with_fakes(settings, net, ssh, pool); }
  static const core::StepReport& ssh_step(const core::Report& r) { return *r.find("ssh"); }
  static std::string reason_not_reused(const core::Report& r) {
    for (const auto& d : ssh_step(r).diagnostics) {
      if (d.code == Code::SessionNotReused) return d.observed.get("reason").value_or("");
    }
    return "(no SSH031)";
  }
};

TEST_F(SessionPoolTest, TheSecondCheckReusesTheSessionAndSaysHowOldItIs) {
  pipeline::SessionPool pool;
  const auto first = check(pool);
  ASSERT_TRUE(first.ok()) << core::render::render_json(first);
  EXPECT_EQ(ssh_step(first).observed.get("session"), "new, kept for the next check");
  EXPECT_FALSE(ssh_step(first).has(Code::SessionReused));
  EXPECT_EQ(pool.size(), 1U);

  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  const auto second = check(pool);
  ASSERT_TRUE(second.ok()) << core::render::render_json(second);
  EXPECT_EQ(ssh.opened.size(), 1U) << "no second login";
  EXPECT_EQ(net.connects, 1) << "no second connection";
  EXPECT_EQ(ssh.opened[0]->stats, 1) << "checked alive once before use";
  const auto& s = ssh_step(second);
  ASSERT_TRUE(s.has(Code::SessionReused));
  EXPECT_EQ(s.observed.get("session").value_or("").rfind("reused (opened ", 0), 0U) << *s.observed.get("session");
  EXPECT_GE(std::stoll(s.observed.get("session_age_ms").value_or("0")), 120);
  EXPECT_EQ(s.observed.get("host_key_fingerprint"), "SHA256:board") << "the login's facts are repeated";
  EXPECT_EQ(s.diagnostics[0].observed.get("session_checks"), "2");
  EXPECT_NE(second.find("network")->observed.get("connection").value_or("").find("no new connection"),
            std::string::npos);
  EXPECT_EQ(core::render::render_json(second).find(kSecret), std::string::npos);
}

TEST_F(SessionPoolTest, AChangedPasswordIsNeverServedByTheKeptSession) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  settings.password = "another-password";
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened.size(), 2U);
  EXPECT_FALSE(ssh_step(second).has(Code::SessionReused));
  EXPECT_NE(reason_not_reused(second).find("password"), std::string::npos) << reason_not_reused(second);
  const auto json = core::render::render_json(second);
  EXPECT_EQ(json.find("another-password"), std::string::npos);
  EXPECT_EQ(json.find(kSecret), std::string::npos);
}

TEST_F(SessionPoolTest, AKeyFileWithOtherBytesIsAnotherCredential) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  write("id_ed25519", "key two");  // same path, another key
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened.size(), 2U);
  EXPECT_NE(reason_not_reused(second).find("identity"), std::string::npos) << reason_not_reused(second);
}

TEST_F(SessionPoolTest, AChangedKnownHostsEntryIsNeverServedByTheKeptSession) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  write("known_hosts", "10.0.0.7 ssh-ed25519 AAAAanotherkey\n");
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened.size(), 2U) << "the new login verifies the host key against the file as it is now";
  EXPECT_NE(reason_not_reused(second).find("known_hosts"), std::string::npos) << reason_not_reused(second);
}

TEST_F(SessionPoolTest, AnotherUserOrPortGetsItsOwnSession) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  settings.user = "debug";
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened.size(), 2U);
  EXPECT_FALSE(ssh_step(second).has(Code::SessionReused));
  EXPECT_EQ(pool.size(), 2U) << "one per user@host:port";
}

TEST_F(SessionPoolTest, ASessionThatDoesNotAnswerIsDroppedAndTheCheckLogsInAgain) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  ssh.opened[0]->stat_error = ports::RemoteError{Kind::disconnected, "connection lost: board rebooted"};
  const auto second = check(pool);
  ASSERT_TRUE(second.ok()) << core::render::render_json(second);
  EXPECT_EQ(ssh.opened.size(), 2U);
  EXPECT_NE(reason_not_reused(second).find("did not answer"), std::string::npos) << reason_not_reused(second);
}

TEST_F(SessionPoolTest, WithoutSftpTheLivenessCheckIsAnEmptyCommand) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  ssh.opened[0]->stat_error = ports::RemoteError{Kind::no_sftp, "no sftp"};
  const auto second = check(pool);
  EXPECT_TRUE(ssh_step(second).has(Code::SessionReused));
  EXPECT_EQ(ssh.opened[0]->execs, 1);
}

TEST_F(SessionPoolTest, ASessionIdleLongerThanTheLimitIsNotUsed) {
  pipeline::SessionPool pool(std::chrono::milliseconds(50));
  ASSERT_TRUE(check(pool).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  const auto second = check(pool);
  EXPECT_EQ(ssh.opened.size(), 2U);
  EXPECT_NE(reason_not_reused(second).find("idle"), std::string::npos) << reason_not_reused(second);
}

TEST_F(SessionPoolTest, ATransportErrorDuringARunDropsTheSession) {
  pipeline::SessionPool pool;
  core::CancelToken cancel;
  auto inner = std::make_shared<FakeSession>();
  inner->exec_error = ports::RemoteError{Kind::timeout, "no reply"};
  auto lease = pipeline::SessionPool::lease_new(pipeline::session_key(settings), inner, {});
  EXPECT_FALSE(lease.session->exec("true", core::Deadline(core::Millis{100}), cancel));
  EXPECT_TRUE(lease.session->broken());
  pool.give_back(std::move(lease));
  EXPECT_EQ(pool.size(), 0U);
}

TEST_F(SessionPoolTest, AnAnswerOfTheServerDoesNotDropIt) {
  pipeline::SessionPool pool;
  auto inner = std::make_shared<FakeSession>();
  inner->stat_error = ports::RemoteError{Kind::no_such_file, "no such file"};
  auto lease = pipeline::SessionPool::lease_new(pipeline::session_key(settings), inner, {});
  core::CancelToken cancel;
  EXPECT_FALSE(lease.session->stat("/lib/firmware/x", core::Deadline(core::Millis{100}), cancel));
  EXPECT_FALSE(lease.session->broken());
  pool.give_back(std::move(lease));
  EXPECT_EQ(pool.size(), 1U);
}

// What the SSH configuration resolved is part of the key: the route (proxy, HostKeyAlias), the agent it allows,
// and the bytes of its GlobalKnownHostsFile; each change is named, never its value.
TEST_F(SessionPoolTest, TheRouteTheAgentAndTheGlobalKnownHostsAreInTheKey) {
  const auto base = pipeline::session_key(settings, "proxy:ssh\0-W\0\nalias:");
  EXPECT_EQ(pipeline::changed_setting(base, pipeline::session_key(settings, "proxy:ssh\0-W\0\nalias:")), "");
  EXPECT_EQ(pipeline::changed_setting(base, pipeline::session_key(settings, "")),
            "the route the SSH configuration gives (ProxyJump, ProxyCommand, HostKeyAlias)");
  auto no_agent = settings;
  no_agent.use_agent = false;
  EXPECT_EQ(pipeline::changed_setting(pipeline::session_key(settings), pipeline::session_key(no_agent)),
            "ssh-agent (SSH_AUTH_SOCK, IdentityAgent)");
  const auto global = dir.file("ssh_known_hosts");
  std::ofstream(global) << "board ssh-ed25519 AAAA1\n";
  auto with_global = settings;
  with_global.global_known_hosts = {global};
  const auto before = pipeline::session_key(with_global);
  std::ofstream(global) << "board ssh-ed25519 AAAA2\n";
  EXPECT_EQ(pipeline::changed_setting(before, pipeline::session_key(with_global)), "GlobalKnownHostsFile");
}

TEST_F(SessionPoolTest, TwoRunsNeverHoldTheSameSession) {
  pipeline::SessionPool pool;
  ASSERT_TRUE(check(pool).ok());
  core::CancelToken cancel;
  const auto key = pipeline::session_key(settings);
  auto first = pool.take(key, core::Deadline(core::Millis{500}), cancel);
  ASSERT_TRUE(first);
  auto second = pool.take(key, core::Deadline(core::Millis{500}), cancel);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), "none kept");
}

// After a cancel during the load (issue 15): the core's state is read again and reported.
constexpr const char* kListing =
    "probe.version=1\nrproc.1=present\nrproc.1.name=m33\nrproc.1.state=offline\nrproc.1.firmware=new.elf\n"
    "kmsg.lines=3\nprobe.end=1\n";

TEST_F(SessionPoolTest, AfterACancelTheStateIsReadOverTheRunsSessionWhenItStillWorks) {
  pipeline::RunState state;
  state.settings = settings;
  auto session = std::make_shared<FakeSession>();
  session->reply = kListing;
  state.session = session;
  pipeline::Ports ports;
  EXPECT_EQ(pipeline::state_after_cancel(state, ports, "m33"), "remoteproc1 (m33): offline, firmware new.elf");
  EXPECT_EQ(session->execs, 1);
}

TEST_F(SessionPoolTest, AfterACancelThatCutTheSessionTheStateIsReadOverANewOne) {
  pipeline::RunState state;
  state.settings = settings;
  auto cut = std::make_shared<FakeSession>();
  cut->exec_error = ports::RemoteError{Kind::disconnected, "the SSH session is no longer usable"};
  state.session = cut;
  ssh.reply = kListing;
  pipeline::Ports ports;
  ports.network = std::shared_ptr<ports::Network>(&net, [](auto*) {});
  ports.ssh = std::shared_ptr<ports::SshConnector>(&ssh, [](auto*) {});
  const auto said = pipeline::state_after_cancel(state, ports, "m33");
  EXPECT_EQ(said.rfind("remoteproc1 (m33): offline, firmware new.elf", 0), 0U) << said;
  EXPECT_NE(said.find("new session"), std::string::npos) << said;
  EXPECT_EQ(ssh.opened.size(), 1U);
}

TEST_F(SessionPoolTest, AfterACancelWithNoWayToTheBoardTheStateIsUnknownWithTheReason) {
  pipeline::RunState state;
  state.settings = settings;
  auto cut = std::make_shared<FakeSession>();
  cut->exec_error = ports::RemoteError{Kind::disconnected, "connection lost"};
  state.session = cut;
  pipeline::Ports ports;  // no network: nothing else to try
  EXPECT_EQ(pipeline::state_after_cancel(state, ports, "m33"), "unknown: connection lost");
}

}  // namespace
}  // namespace stm32mp::testing
