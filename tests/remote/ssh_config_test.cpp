// --ssh-config on loopback (issue 11): the real OpenSSH client resolves hosts from test configuration
// files (always -F: the invoking user's ~/.ssh is never read), the real Boost.Process adapter runs it and
// the proxies, and the network step diagnoses every way the route can fail. A listener on 127.0.0.1
// plays the board's SSH port (it sends a banner); the full route to the simulated board is in
// tests/e2e/ssh_config_test.cpp.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "adapters/posix/boost_child_processes.h"
#include "remote/loopback_listener.h"
#include "remote/ssh_test_support.h"
#include "steps/board_route.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using core::Code;

// Accepts connections on 127.0.0.1 and greets each with an SSH banner.
class BannerServer {
 public:
  BannerServer() {
    fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        static constexpr char kBanner[] = "SSH-2.0-OpenSSH_9.2p1 loopback\r\n";
        (void)::send(c, kBanner, sizeof kBanner - 1, MSG_NOSIGNAL);
        ++accepted_;
        clients_.push_back(c);
      }
      for (const int c : clients_) ::close(c);
    });
  }
  ~BannerServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  BannerServer(const BannerServer&) = delete;
  BannerServer& operator=(const BannerServer&) = delete;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

struct Route {
  core::StepReport report;
  core::Settings effective;
  std::shared_ptr<ports::TcpStream> connection;
  std::optional<steps::BoardRoute> route;
  long long ms = 0;
};

class SshConfig : public ::testing::Test {
 protected:
  // A configuration file as OpenSSH wants it (owned by us, mode 0600).
  std::string config(const std::string& text) {
    const auto path = dir_.file("ssh_config");
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path;
  }
  Route reach(core::Settings s, int timeout_ms = 5000, core::CancelToken* token = nullptr,
              ports::ChildProcesses* processes = nullptr) {
    core::CancelToken own;
    core::CancelToken& cancel = token != nullptr ? *token : own;
    adapters::posix::PosixNetwork net;
    core::NullProgress progress;
    core::StepControl control{cancel, core::Deadline(core::Millis{timeout_ms}), progress};
    Route out;
    const auto t0 = Clock::now();
    out.report = steps::check_network_with_config(s, net, processes != nullptr ? processes : &children_, {}, control,
                                                  out.connection, out.route);
    out.ms = ms_since(t0);
    out.effective = s;
    return out;
  }
  static core::Settings with(const std::string& host, const std::string& cfg) {
    core::Settings s;
    s.host = host;
    s.ssh_config = cfg;
    return s;
  }
  static std::string fact(const core::StepReport& r, const char* key) { return r.observed.get(key).value_or(""); }
  static std::string first_message(const core::StepReport& r) {
    return r.diagnostics.empty() ? "(no diagnostic)" : r.diagnostics[0].message;
  }
  TempDir dir_;
  adapters::posix::BoostChildProcesses children_;
  BannerServer server_;
};

TEST_F(SshConfig, AHostAliasGivesHostNamePortUserAndKey) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  Port " + std::to_string(server_.port()) +
                          "\n  User dev\n  IdentityFile " + dir_.file("id_lab") + "\n  UserKnownHostsFile " +
                          dir_.file("kh") + "\n");
  const auto r = reach(with("lab-board", cfg));
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << first_message(r.report);
  ASSERT_NE(r.connection, nullptr);
  EXPECT_EQ(r.effective.host, "127.0.0.1");
  EXPECT_EQ(r.effective.port, server_.port());
  EXPECT_EQ(r.effective.user, "dev");
  EXPECT_EQ(r.effective.identity, dir_.file("id_lab"));
  EXPECT_EQ(r.effective.known_hosts, dir_.file("kh"));
  EXPECT_EQ(fact(r.report, "host_alias"), "lab-board");
  EXPECT_EQ(fact(r.report, "ssh_config"), cfg);
  EXPECT_NE(fact(r.report, "from_ssh_config").find("hostname 127.0.0.1; port " + std::to_string(server_.port()) + "; user dev"),
            std::string::npos) << fact(r.report, "from_ssh_config");
  EXPECT_EQ(fact(r.report, "address"), "127.0.0.1");
  // The connection is the fake server's: its banner comes through it.
  char buf[64] = {};
  ASSERT_TRUE(r.connection->wait(true, false, core::Millis{2000}));
  const auto n = ::recv(static_cast<int>(r.connection->native_handle()), buf, sizeof buf - 1, 0);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0u).rfind("SSH-2.0-", 0), 0u);
  std::printf("[measure] ssh -G twice + connect: %lld ms\n", r.ms);
}

TEST_F(SshConfig, OptionsGivenExplicitlyWinOverTheConfiguration) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  Port 1\n  User dev\n  IdentityFile /nonexistent/key\n");
  auto s = with("lab-board", cfg);
  s.port = server_.port();
  s.port_given = true;
  s.user = "root";
  s.user_given = true;  // even equal to our default: given is given
  s.identity = dir_.file("mine");
  const auto r = reach(s);
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << first_message(r.report);
  EXPECT_EQ(r.effective.port, server_.port());
  EXPECT_EQ(r.effective.user, "root");
  EXPECT_EQ(r.effective.identity, dir_.file("mine"));
  const auto kept = fact(r.report, "options_over_ssh_config");
  EXPECT_NE(kept.find("port " + std::to_string(server_.port()) + " (the configuration says 1)"), std::string::npos) << kept;
  EXPECT_NE(kept.find("user root (the configuration says dev)"), std::string::npos) << kept;
}

TEST_F(SshConfig, AMissingOrBrokenFileIsCfg009WithOpenSshsOwnWords) {
  const auto missing = reach(with("lab-board", dir_.file("no_such_config")));
  ASSERT_TRUE(missing.report.has(Code::SshConfigFailed)) << first_message(missing.report);
  EXPECT_NE(missing.report.diagnostics[0].message.find("No such file or directory"), std::string::npos)
      << missing.report.diagnostics[0].message;
  EXPECT_EQ(missing.connection, nullptr);
  EXPECT_EQ(server_.accepted(), 0);

  const auto bad = reach(with("lab-board", config("Host lab-board\n  HostNmae 127.0.0.1\n")));
  ASSERT_TRUE(bad.report.has(Code::SshConfigFailed)) << first_message(bad.report);
  EXPECT_NE(bad.report.diagnostics[0].message.find("Bad configuration option: hostnmae"), std::string::npos)
      << bad.report.diagnostics[0].message;
  EXPECT_NE(bad.report.diagnostics[0].fix.find("ssh -G -F " + dir_.file("ssh_config") + " lab-board"), std::string::npos)
      << bad.report.diagnostics[0].fix;
}

TEST_F(SshConfig, AnSshGThatHangsIsKilledAtTheDeadline) {
  // A Match exec runs while ssh -G resolves: here one that never ends.
  const auto cfg = config("Match exec \"sleep 30\"\n  Port 2\n");
  const auto r = reach(with("lab-board", cfg), 1000);
  ASSERT_TRUE(r.report.has(Code::SshConfigFailed)) << first_message(r.report);
  EXPECT_NE(r.report.diagnostics[0].message.find("did not finish before the deadline"), std::string::npos);
  EXPECT_LT(r.ms, 1000 + 400);
}

class NoSshClient final : public ports::ChildProcesses {
 public:
  core::expected<ports::ProcessResult, ports::ProcessError> run(const std::vector<std::string>& argv, std::size_t,
                                                                const core::Deadline&, const core::CancelToken&) override {
    return core::unexpected{ports::ProcessError{ports::ProcessError::Kind::not_found, argv[0] + " is not installed (not found in PATH)"}};
  }
  core::expected<std::shared_ptr<ports::ProxyStream>, ports::ProcessError> start_proxy(const std::vector<std::string>&) override {
    return core::unexpected{ports::ProcessError{ports::ProcessError::Kind::not_found, "not installed"}};
  }
};

TEST_F(SshConfig, WithoutAnSshClientItSaysSoAndGoesOnWithTheGivenSettings) {
  NoSshClient none;
  auto s = with("127.0.0.1", config("Host *\n  Port 1\n"));
  s.port = server_.port();
  const auto r = reach(s, 5000, nullptr, &none);
  ASSERT_TRUE(r.report.has(Code::SshConfigNoClient)) << first_message(r.report);
  EXPECT_EQ(r.report.status, core::StepStatus::warning);
  EXPECT_NE(r.report.diagnostics[0].message.find("ssh is not installed"), std::string::npos);
  ASSERT_NE(r.connection, nullptr);  // went on with --host/--port as given
  EXPECT_EQ(r.effective.port, server_.port());
}

TEST_F(SshConfig, AProxyCommandCarriesTheConnection) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  Port " + std::to_string(server_.port()) +
                          "\n  ProxyCommand socat - TCP:%h:%p\n");
  const auto r = reach(with("lab-board", cfg));
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << first_message(r.report);
  ASSERT_NE(r.connection, nullptr);
  EXPECT_EQ(fact(r.report, "connection"), "through the proxy");
  EXPECT_EQ(fact(r.report, "proxy"), "ProxyCommand socat - TCP:%h:%p");
  char buf[64] = {};
  ASSERT_TRUE(r.connection->wait(true, false, core::Millis{2000}));
  const auto n = ::recv(static_cast<int>(r.connection->native_handle()), buf, sizeof buf - 1, 0);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0u).rfind("SSH-2.0-", 0), 0u);
  EXPECT_EQ(server_.accepted(), 1);
}

TEST_F(SshConfig, AProxyThatExitsIsNet008WithItsStatusAndWords) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  ProxyCommand sh -c 'echo gw: no route to %h >&2; exit 3'\n");
  const auto r = reach(with("lab-board", cfg), 10000);
  ASSERT_TRUE(r.report.has(Code::ProxyExited)) << first_message(r.report);
  const auto& d = r.report.diagnostics[0];
  EXPECT_EQ(d.observed.get("exit_status"), "3");
  EXPECT_NE(d.message.find("gw: no route to 127.0.0.1"), std::string::npos) << d.message;
  EXPECT_LT(r.ms, 3000);
  EXPECT_EQ(r.connection, nullptr);
}

TEST_F(SshConfig, AProxyJumpToAJumpHostThatRefusesIsNet008) {
  int closed_port = 0;
  {
    BannerServer gone;  // its port is closed again when it ends
    closed_port = gone.port();
  }
  const auto cfg = config("Host gw\n  HostName 127.0.0.1\n  Port " + std::to_string(closed_port) +
                          "\n  IdentityAgent none\nHost lab-board\n  HostName 10.9.9.9\n  ProxyJump gw\n");
  const auto r = reach(with("lab-board", cfg), 10000);
  ASSERT_TRUE(r.report.has(Code::ProxyExited)) << first_message(r.report);
  const auto& d = r.report.diagnostics[0];
  EXPECT_EQ(d.observed.get("exit_status"), "255");
  EXPECT_NE(d.message.find("Connection refused"), std::string::npos) << d.message;
  EXPECT_EQ(fact(r.report, "proxy"), "ProxyJump gw");
}

TEST_F(SshConfig, AProxyThatHangsEndsAtTheDeadlineAndACancelWithinHalfASecond) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  ProxyCommand sleep 30\n");
  const auto r = reach(with("lab-board", cfg), 1200);
  ASSERT_TRUE(r.report.has(Code::ProxyNoAnswer)) << first_message(r.report);
  EXPECT_GE(r.ms, 1150);
  EXPECT_LT(r.ms, 1200 + 600);  // + the proxy's end: its input closes, then it is killed after 200 ms

  core::CancelToken cancel;
  std::atomic<long long> cancelled_at{0};
  const auto t0 = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    cancelled_at = ms_since(t0);
    cancel.cancel();
  });
  const auto c = reach(with("lab-board", cfg), 30000, &cancel);
  const auto took = ms_since(t0);
  canceller.join();
  EXPECT_EQ(c.report.status, core::StepStatus::skipped);
  EXPECT_LT(took - cancelled_at, 500 + 300) << "the sleeping proxy is killed after its 200 ms grace";
}

// ssh -G works, but the proxy's program is missing (a ProxyCommand naming an uninstalled tool).
class ProxyProgramMissing final : public ports::ChildProcesses {
 public:
  core::expected<ports::ProcessResult, ports::ProcessError> run(const std::vector<std::string>& argv, std::size_t cap,
                                                                const core::Deadline& d, const core::CancelToken& c) override {
    return real.run(argv, cap, d, c);
  }
  core::expected<std::shared_ptr<ports::ProxyStream>, ports::ProcessError> start_proxy(const std::vector<std::string>&) override {
    return core::unexpected{ports::ProcessError{ports::ProcessError::Kind::not_found, "ssh is not installed (not found in PATH)"}};
  }
  adapters::posix::BoostChildProcesses real;
};

TEST_F(SshConfig, AProxyProgramThatCannotStartIsNet010) {
  ProxyProgramMissing processes;
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1\n  ProxyJump gw\n");
  const auto r = reach(with("lab-board", cfg), 5000, nullptr, &processes);
  ASSERT_TRUE(r.report.has(Code::ProxyNotStarted)) << first_message(r.report);
  EXPECT_NE(r.report.diagnostics[0].message.find("ssh is not installed"), std::string::npos);
  EXPECT_EQ(r.connection, nullptr);
}

TEST_F(SshConfig, AHostNameAProxyCommandWouldRunIsRefused) {
  const auto cfg = config("Host lab-board\n  HostName 127.0.0.1;touch${IFS}" + dir_.file("pwned") +
                          "\n  ProxyCommand nc %h %p\n");
  const auto r = reach(with("lab-board", cfg));
  ASSERT_TRUE(r.report.has(Code::ProxyRefused)) << first_message(r.report);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("pwned")));
}

}  // namespace
}  // namespace stm32mp::testing
