// The ssh step's diagnoses with a fake SshConnector (every failure kind → its code, secrets never
// reported). The real connector is exercised against the simulated board in ssh_board_test.cpp.
#include <gtest/gtest.h>

#include "core/progress.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "steps/ssh_step.h"
#include "pipeline/fake_board_session_basic.h"
#include "pipeline/fake_network.h"

namespace stm32mp::testing {
namespace {

using core::Code;
using Kind = ports::SshFailure::Kind;

const char* const kSecret = "pw-Do-Not-Leak-7";

ports::SshFacts some_facts() {
  ports::SshFacts f;
  f.server_banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
  f.host_key_type = "ssh-ed25519";
  f.host_key_fingerprint = "SHA256:NEWnewNEWnew";
  f.known_hosts = "/tmp/kh";
  f.known_hosts_name = "10.0.0.7";
  f.auth_methods_offered = "publickey,password";
  f.handshake_ms = 12;
  return f;
}

class FakeConnector final : public ports::SshConnector {
 public:
  std::optional<ports::SshFailure> failure;
  ports::SshFacts facts = some_facts();
  ports::SshOptions seen;
  bool got_stream = false;
  core::expected<ports::SshConnection, ports::SshFailure> open(std::shared_ptr<ports::TcpStream> stream,
                                                               const ports::SshOptions& options, const core::Deadline&,
                                                               const core::CancelToken&) override {
    got_stream = stream != nullptr;
    seen = options;
    if (failure) return core::unexpected{*failure};
    return ports::SshConnection{std::make_shared<FakeSession>(), facts};
  }
};

core::Settings settings() {
  core::Settings s;
  s.host = "10.0.0.7";
  s.password = kSecret;
  s.identity = "/keys/id_ed25519";
  return s;
}

core::StepReport run(FakeConnector& connector, FakeNetwork& net, const core::Settings& s,
                     std::shared_ptr<ports::TcpStream> tcp, std::shared_ptr<ports::BoardSession>& session) {
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  return steps::check_ssh(s, std::move(tcp), net, connector, control, session);
}

TEST(SshStep, UsesTheNetworkStepsConnectionAndSharesTheSession) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  connector.facts.host_key_status = "known";
  connector.facts.auth_method = "publickey (/keys/id_ed25519)";
  const auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_EQ(net.connects, 0);
  EXPECT_TRUE(connector.got_stream);
  EXPECT_NE(session, nullptr);
  EXPECT_EQ(r.observed.get("server_banner"), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
  EXPECT_EQ(r.observed.get("auth_method"), "publickey (/keys/id_ed25519)");
  EXPECT_EQ(connector.seen.password, kSecret);  // handed to the connector, and nowhere else
  EXPECT_FALSE(connector.seen.accept_new_host_key);
}

TEST(SshStep, ConnectsItselfWhenTheNetworkStepDidNotRun) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  const auto r = run(connector, net, settings(), nullptr, session);
  EXPECT_EQ(net.connects, 1);
  EXPECT_TRUE(connector.got_stream);
  EXPECT_EQ(r.status, core::StepStatus::ok);
}

TEST(SshStep, AcceptNewStoresAndSaysSo) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  connector.facts.host_key_status = "stored";
  auto s = settings();
  s.host_key_policy = "accept-new";
  const auto r = run(connector, net, s, std::make_shared<FakeStream>(), session);
  EXPECT_TRUE(connector.seen.accept_new_host_key);
  ASSERT_TRUE(r.has(Code::HostKeyStored));
  EXPECT_EQ(r.status, core::StepStatus::ok);
  EXPECT_NE(r.diagnostics[0].message.find("SHA256:NEWnewNEWnew"), std::string::npos);
}

TEST(SshStep, EachFailureHasItsOwnCodeAndNoSecretIsReported) {
  const std::pair<Kind, Code> cases[] = {
      {Kind::timeout, Code::SshTimeout},
      {Kind::disconnected, Code::SshDisconnected},
      {Kind::handshake, Code::HandshakeFailed},
      {Kind::known_hosts_unreadable, Code::KnownHostsUnreadable},
      {Kind::host_key_not_stored, Code::KnownHostsUnreadable},
      {Kind::host_key_unknown, Code::HostKeyUnknown},
      {Kind::host_key_changed, Code::HostKeyChanged},
      {Kind::identity_unusable, Code::IdentityUnusable},
      {Kind::rsa_sha1_rejected, Code::RsaKeyRejected},
      {Kind::root_login_refused, Code::RootLoginRefused},
      {Kind::key_rejected, Code::KeyRejected},
      {Kind::password_rejected, Code::PasswordRejected},
      {Kind::no_method, Code::NoAuthMethod},
      {Kind::agent_timeout, Code::AgentNoAnswer},
      {Kind::failure, Code::SshFailed},
  };
  for (const auto& [kind, code] : cases) {
    FakeConnector connector;
    FakeNetwork net;
    std::shared_ptr<ports::BoardSession> session;
    auto facts = some_facts();
    facts.known_host_fingerprint = "SHA256:OLDoldOLDold";
    facts.auth_tried = "password: refused";
    connector.failure = ports::SshFailure{kind, "what libssh2 said", facts};
    const auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, code) << static_cast<int>(kind);
    EXPECT_EQ(r.status, core::StepStatus::error);
    EXPECT_EQ(session, nullptr);
    EXPECT_EQ(r.diagnostics[0].message.find('{'), std::string::npos) << r.diagnostics[0].message;
    EXPECT_EQ(r.diagnostics[0].fix.find('{'), std::string::npos) << r.diagnostics[0].fix;
    core::Report report;
    report.steps.push_back(r);
    const std::string json = core::render::render_json(report);
    EXPECT_EQ(json.find(kSecret), std::string::npos) << json;
    EXPECT_NE(json.find("(given, not shown)"), std::string::npos);
  }
}

TEST(SshStep, ChangedKeyShowsBothFingerprints) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  auto facts = some_facts();
  facts.known_host_fingerprint = "SHA256:OLDoldOLDold";
  facts.host_key_status = "changed";
  connector.failure = ports::SshFailure{Kind::host_key_changed, "differs", facts};
  const auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
  ASSERT_TRUE(r.has(Code::HostKeyChanged));
  const auto& d = r.diagnostics[0];
  EXPECT_NE(d.message.find("SHA256:OLDoldOLDold"), std::string::npos);
  EXPECT_NE(d.message.find("SHA256:NEWnewNEWnew"), std::string::npos);
  EXPECT_NE(d.fix.find("ssh-keygen -f /tmp/kh -R \"10.0.0.7\""), std::string::npos) << d.fix;
}

// Fix texts use the commands of the server the banner names (Dropbear keeps its keys and settings elsewhere).
TEST(SshStep, FixTextsFitTheServerInTheBanner) {
  for (const bool dropbear : {false, true}) {
    FakeConnector connector;
    FakeNetwork net;
    std::shared_ptr<ports::BoardSession> session;
    auto facts = some_facts();
    if (dropbear) facts.server_banner = "SSH-2.0-dropbear_2022.83";
    facts.known_host_fingerprint = "SHA256:OLDoldOLDold";
    connector.failure = ports::SshFailure{Kind::host_key_changed, "differs", facts};
    auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
    ASSERT_TRUE(r.has(Code::HostKeyChanged));
    EXPECT_EQ(r.observed.get("ssh_server"), dropbear ? "Dropbear 2022.83" : "OpenSSH 9.2p1");
    const std::string key_fix = r.diagnostics[0].fix;
    EXPECT_NE(key_fix.find(dropbear ? "`dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key`"
                                    : "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`"),
              std::string::npos) << key_fix;

    connector.failure = ports::SshFailure{Kind::password_rejected, "refused", facts};
    r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
    ASSERT_TRUE(r.has(Code::PasswordRejected));
    const std::string pw_fix = r.diagnostics[0].fix;
    EXPECT_EQ(pw_fix.find("sshd_config") == std::string::npos, dropbear) << pw_fix;
    EXPECT_EQ(pw_fix.find("must not carry -s") != std::string::npos, dropbear) << pw_fix;
  }
}

TEST(SshStep, APasswordOnlyRunNamesNoKeyItNeverUsed) {
  // Issue 11: "a password-only run lists an identity it never used". No --identity, no key tried.
  for (const auto kind : {Kind::password_rejected, Kind::no_method, Kind::timeout}) {
    FakeConnector connector;
    FakeNetwork net;
    std::shared_ptr<ports::BoardSession> session;
    auto facts = some_facts();
    facts.auth_tried = "password: refused";
    connector.failure = ports::SshFailure{kind, "refused", facts};
    auto s = settings();
    s.identity.clear();
    const auto r = run(connector, net, s, std::make_shared<FakeStream>(), session);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    const auto& d = r.diagnostics[0];
    EXPECT_FALSE(d.observed.contains("identity")) << *d.observed.get("identity");
    EXPECT_EQ(d.message.find("id_ed25519"), std::string::npos) << d.message;
    EXPECT_EQ(d.fix.find("id_ed25519.pub"), std::string::npos) << d.fix;
    EXPECT_FALSE(r.observed.contains("identity"));
  }
  // A key refusal does name the key its fix installs.
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  connector.failure = ports::SshFailure{Kind::key_rejected, "refused", some_facts()};
  auto s = settings();
  s.identity.clear();
  const auto r = run(connector, net, s, std::make_shared<FakeStream>(), session);
  ASSERT_TRUE(r.has(Code::KeyRejected));
  EXPECT_EQ(r.diagnostics[0].observed.get("identity"), "~/.ssh/id_ed25519");
}

TEST(SshStep, SilentAgentNamesItsSocketAndTheWait) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  auto facts = some_facts();
  facts.agent_socket = "/run/user/1000/agent.sock";
  facts.agent_wait_ms = 14987;
  connector.failure = ports::SshFailure{Kind::agent_timeout, "no answer", facts};
  const auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
  ASSERT_TRUE(r.has(Code::AgentNoAnswer));
  const auto& d = r.diagnostics[0];
  EXPECT_NE(d.message.find("/run/user/1000/agent.sock did not answer within 14987 ms"), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("SSH_AUTH_SOCK=/run/user/1000/agent.sock ssh-add -l"), std::string::npos) << d.fix;
  EXPECT_EQ(r.observed.get("agent_socket"), "/run/user/1000/agent.sock");
}

TEST(SshStep, CancelIsNotAFailure) {
  FakeConnector connector;
  FakeNetwork net;
  std::shared_ptr<ports::BoardSession> session;
  connector.failure = ports::SshFailure{Kind::cancelled, "cancelled", {}};
  const auto r = run(connector, net, settings(), std::make_shared<FakeStream>(), session);
  EXPECT_EQ(r.status, core::StepStatus::skipped);
}

}  // namespace
}  // namespace stm32mp::testing
