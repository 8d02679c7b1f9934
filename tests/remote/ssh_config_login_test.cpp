// The login settings the user's SSH configuration may change (issue 11): StrictHostKeyChecking,
// GlobalKnownHostsFile, IdentitiesOnly, IdentityAgent and CertificateFile, each read by the real OpenSSH
// client (`ssh -G -F FILE`: test files under /tmp, never the invoking user's ~/.ssh) through the real
// Boost.Process adapter, then applied under our own policy. The route reaches a loopback listener (the
// kernel accepts from its backlog); the board side of these settings is in tests/e2e/ssh_config_login_test.cpp.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "adapters/posix/boost_child_processes.h"
#include "adapters/posix/posix_network.h"
#include "remote/loopback_listener.h"
#include "steps/board_route.h"
#include "steps/ssh_step.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using core::Code;

struct Resolved {
  core::StepReport report;
  core::Settings effective;
};

class SshConfigLogin : public ::testing::Test {
 protected:
  SshConfigLogin() { fd_ = listen_on_loopback(port_); }
  ~SshConfigLogin() override { ::close(fd_); }
  SshConfigLogin(const SshConfigLogin&) = delete;
  SshConfigLogin& operator=(const SshConfigLogin&) = delete;

  // "Host lab-board" reaching the listener, with `extra` lines; written as OpenSSH wants it (mode 0600).
  std::string config(const std::string& extra) {
    const auto path = dir_.file("ssh_config");
    std::ofstream(path) << "Host lab-board\n  HostName 127.0.0.1\n  Port " << port_ << "\n" << extra;
    ::chmod(path.c_str(), 0600);
    return path;
  }
  Resolved resolve(core::Settings s) {
    adapters::posix::PosixNetwork net;
    core::CancelToken cancel;
    core::NullProgress progress;
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    std::shared_ptr<ports::TcpStream> connection;
    std::optional<steps::BoardRoute> route;
    Resolved out{steps::check_network_with_config(s, net, &children_, {}, control, connection, route), {}};
    out.effective = s;
    return out;
  }
  Resolved resolve(const std::string& extra) {
    core::Settings s;
    s.host = "lab-board";
    s.ssh_config = config(extra);
    return resolve(s);
  }
  static std::string fact(const core::StepReport& r, const char* key) { return r.observed.get(key).value_or(""); }
  static std::string messages(const core::StepReport& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.message + "\n";
    return out.empty() ? "(no diagnostic)" : out;
  }

  TempDir dir_;
  adapters::posix::BoostChildProcesses children_;
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(SshConfigLogin, StrictHostKeyCheckingNoIsReportedAndNotApplied) {
  const auto r = resolve("  StrictHostKeyChecking no\n");
  ASSERT_TRUE(r.report.has(Code::SshConfigLaxHostKey)) << messages(r.report);
  EXPECT_EQ(r.effective.host_key_policy, "strict");
  EXPECT_FALSE(steps::login_options(r.effective).accept_new_host_key);
  EXPECT_EQ(fact(r.report, "strict_host_key_checking"), "the configuration says no; not applied, the host key is checked");
  EXPECT_NE(fact(r.report, "from_ssh_config").find("stricthostkeychecking false"), std::string::npos)
      << fact(r.report, "from_ssh_config");
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << "an info: the run goes on, strictly";
}

TEST_F(SshConfigLogin, AcceptNewFromTheConfigurationIsOursUnlessAPolicyIsGiven) {
  const auto r = resolve("  StrictHostKeyChecking accept-new\n");
  EXPECT_FALSE(r.report.has(Code::SshConfigLaxHostKey)) << messages(r.report);
  EXPECT_EQ(r.effective.host_key_policy, "accept-new");
  EXPECT_TRUE(steps::login_options(r.effective).accept_new_host_key);
  EXPECT_NE(fact(r.report, "from_ssh_config").find("stricthostkeychecking accept-new"), std::string::npos);

  core::Settings given;
  given.host = "lab-board";
  given.ssh_config = config("  StrictHostKeyChecking accept-new\n");
  given.host_key_policy_given = true;  // --host-key-policy strict
  const auto kept = resolve(given);
  EXPECT_EQ(kept.effective.host_key_policy, "strict");
  EXPECT_NE(fact(kept.report, "options_over_ssh_config").find("host_key_policy strict (the configuration says accept-new)"),
            std::string::npos) << fact(kept.report, "options_over_ssh_config");
}

TEST_F(SshConfigLogin, YesAndAskAreOurStrictPolicy) {
  for (const char* value : {"yes", "ask"}) {
    const auto r = resolve(std::string("  StrictHostKeyChecking ") + value + "\n");
    EXPECT_EQ(r.effective.host_key_policy, "strict") << value;
    EXPECT_FALSE(r.report.has(Code::SshConfigLaxHostKey)) << value;
  }
}

TEST_F(SshConfigLogin, GlobalKnownHostsFilesAreHandedToTheLoginInOrder) {
  const auto r = resolve("  GlobalKnownHostsFile " + dir_.file("global1") + " " + dir_.file("global2") + "\n");
  const std::vector<std::string> expected{dir_.file("global1"), dir_.file("global2")};
  EXPECT_EQ(r.effective.global_known_hosts, expected);
  EXPECT_EQ(steps::login_options(r.effective).global_known_hosts, expected);
  EXPECT_NE(fact(r.report, "from_ssh_config").find("globalknownhostsfile " + dir_.file("global1")), std::string::npos);
  // OpenSSH's own defaults (/etc/ssh/ssh_known_hosts) are not "from the configuration".
  EXPECT_TRUE(resolve("").effective.global_known_hosts.empty());
}

TEST_F(SshConfigLogin, IdentitiesOnlyAndIdentityAgentNoneTurnTheAgentOff) {
  const auto only = resolve("  IdentitiesOnly yes\n");
  EXPECT_FALSE(steps::login_options(only.effective).use_agent);
  EXPECT_EQ(fact(only.report, "ssh_agent"), "not used (IdentitiesOnly yes)");
  const auto none = resolve("  IdentityAgent none\n");
  EXPECT_FALSE(steps::login_options(none.effective).use_agent);
  EXPECT_EQ(fact(none.report, "ssh_agent"), "not used (IdentityAgent none)");
  const auto plain = resolve("");
  EXPECT_TRUE(steps::login_options(plain.effective).use_agent);
  EXPECT_EQ(fact(plain.report, "ssh_agent"), "");
}

TEST_F(SshConfigLogin, IdentityAgentPathSelectsTheSocketAndSshAuthSockKeepsTheEnvironments) {
  const auto path = resolve("  IdentityAgent " + dir_.file("agent.sock") + "\n");
  const auto options = steps::login_options(path.effective);
  EXPECT_TRUE(options.use_agent);
  EXPECT_EQ(options.agent_socket, dir_.file("agent.sock"));
  EXPECT_NE(fact(path.report, "from_ssh_config").find("identityagent " + dir_.file("agent.sock")), std::string::npos);
  const auto env = resolve("  IdentityAgent SSH_AUTH_SOCK\n");
  EXPECT_TRUE(steps::login_options(env.effective).use_agent);
  EXPECT_EQ(steps::login_options(env.effective).agent_socket, "");
}

TEST_F(SshConfigLogin, ACertificateFileIsCfg013NotIgnoredSilently) {
  const auto r = resolve("  IdentityFile " + dir_.file("id_lab") + "\n  CertificateFile " + dir_.file("id_lab-cert.pub") + "\n");
  ASSERT_TRUE(r.report.has(Code::SshConfigCertificateUnused)) << messages(r.report);
  EXPECT_EQ(r.report.status, core::StepStatus::warning);
  const auto& d = r.report.diagnostics.front();
  EXPECT_NE(d.message.find(dir_.file("id_lab-cert.pub")), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find(dir_.file("id_lab") + ".pub"), std::string::npos) << d.fix;
}

}  // namespace
}  // namespace stm32mp::testing
