// The libssh2 BoardSession and the login against the simulated board's real OpenSSH server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "board_fixture.h"
#include "core/progress.h"
#include "steps/network_step.h"
#include "steps/ssh_step.h"
#include "remote/board_login.h"
#include "remote/real_ssh_agent.h"
#include "remote/ssh_test_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using Kind = ports::SshFailure::Kind;
using RKind = ports::RemoteError::Kind;

class SshBoardTest : public CleanLoginSuite {
 protected:
  static ports::SshOptions options() { return login_options(board()); }
  static core::Settings settings() { return login_settings(board()); }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fingerprint_of(const boardsim::SimulatedBoard& b) { return b.info().at("host_key_fingerprint").get<std::string>(); }

void write_file(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  std::string block(65536, '\0');
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 7 + 3) & 0xff);
  for (std::size_t done = 0; done < size; done += block.size()) out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), size - done)));
}

TEST_F(SshBoardTest, LogsInWithEd25519AndReportsWhatItSaw) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  const auto& f = r.ssh.value().facts;
  EXPECT_NE(f.server_banner.find("OpenSSH_"), std::string::npos) << f.server_banner;
  EXPECT_EQ(f.host_key_type, "ssh-ed25519");
  EXPECT_EQ(f.host_key_fingerprint, board().info().at("host_key_fingerprint").get<std::string>());
  EXPECT_EQ(f.host_key_status, "known");
  EXPECT_EQ(f.auth_method, "publickey (" + board().identity() + ")");
  EXPECT_EQ(f.identity_type, "ssh-ed25519");
  EXPECT_FALSE(f.kex.empty());
  std::printf("[measure] connect %lld ms, handshake %lld ms, auth %lld ms, total %lld ms (kex %s, cipher %s)\n",
              r.connect_ms, static_cast<long long>(f.handshake_ms), static_cast<long long>(f.auth_ms), r.total_ms,
              f.kex.c_str(), f.cipher.c_str());
}

TEST_F(SshBoardTest, ExecReturnsExitStatusStdoutAndStderr) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& session = *r.ssh.value().session;
  const core::CancelToken never;
  auto ran = session.exec("echo out; echo err >&2; exit 3", core::Deadline(core::Millis{10000}), never);
  ASSERT_TRUE(ran.has_value()) << ran.error().message;
  EXPECT_EQ(ran.value().exit_status, 3);
  EXPECT_EQ(ran.value().out, "out\n");
  EXPECT_EQ(ran.value().err, "err\n");
  // The same session serves many commands.
  for (int i = 0; i < 3; ++i) {
    auto ok = session.exec("uname -n", core::Deadline(core::Millis{10000}), never);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ(ok.value().exit_status, 0);
    EXPECT_FALSE(ok.value().out.empty());
  }
}

TEST_F(SshBoardTest, UploadStatRenameOverwriteAndRemove) {
  TempDir dir;
  const std::string local = dir.file("fw.elf");
  write_file(local, 3 * 1024 * 1024 + 12345);
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& s = *r.ssh.value().session;
  const core::CancelToken never;
  const core::Deadline d(core::Millis{30000});
  std::uint64_t last_sent = 0, calls = 0;
  const auto started = Clock::now();
  auto up = s.upload(local, "/lib/firmware/.fw.elf.tmp", [&](std::uint64_t sent, std::uint64_t total) {
    EXPECT_LE(sent, total);
    EXPECT_GE(sent, last_sent);
    last_sent = sent;
    ++calls;
  }, d, never);
  const auto upload_ms = ms_since(started);
  ASSERT_FALSE(up.has_value()) << up->message;
  EXPECT_EQ(last_sent, 3u * 1024 * 1024 + 12345);
  EXPECT_GT(calls, 2u);
  std::printf("[measure] upload 3 MiB to the board-sim: %lld ms\n", upload_ms);
  auto st = s.stat("/lib/firmware/.fw.elf.tmp", d, never);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st.value().size, 3u * 1024 * 1024 + 12345);
  EXPECT_EQ(st.value().permissions & 0777, 0644u);
  // The content arrived intact.
  auto sum = s.exec("sha256sum /lib/firmware/.fw.elf.tmp | cut -d' ' -f1", d, never);
  ASSERT_TRUE(sum.has_value());
  const auto local_sum = run_process({"/usr/bin/sha256sum", local});
  EXPECT_EQ(sum.value().out.substr(0, 64), local_sum.out.substr(0, 64));

  // rename replaces an existing file (SSH_FXP_RENAME would refuse).
  auto old = s.exec("echo old > '/lib/firmware/it'\\''s fw.elf'", d, never);
  ASSERT_TRUE(old.has_value());
  ASSERT_EQ(old.value().exit_status, 0) << old.value().err;
  auto mv = s.rename("/lib/firmware/.fw.elf.tmp", "/lib/firmware/it's fw.elf", d, never);
  ASSERT_FALSE(mv.has_value()) << mv->message;
  auto moved = s.stat("/lib/firmware/it's fw.elf", d, never);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved.value().size, 3u * 1024 * 1024 + 12345);
  auto gone = s.stat("/lib/firmware/.fw.elf.tmp", d, never);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().kind, RKind::no_such_file);

  auto rm = s.remove("/lib/firmware/it's fw.elf", d, never);
  EXPECT_FALSE(rm.has_value()) << rm->message;
  auto rm_again = s.remove("/lib/firmware/it's fw.elf", d, never);
  ASSERT_TRUE(rm_again.has_value());
  EXPECT_EQ(rm_again->kind, RKind::no_such_file);
  auto bad_mv = s.rename("/lib/firmware/none", "/lib/firmware/x", d, never);
  ASSERT_TRUE(bad_mv.has_value());
  EXPECT_EQ(bad_mv->kind, RKind::no_such_file) << bad_mv->message;
}

TEST_F(SshBoardTest, StepsReportTheLoginFacts) {
  const auto r = run_steps(settings());
  ASSERT_EQ(r.network.status, core::StepStatus::ok) << messages(r.network);
  ASSERT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh);
  EXPECT_EQ(r.ssh.observed.get("connection"), "opened by the network step");
  EXPECT_EQ(r.ssh.observed.get("host_key_fingerprint"), fingerprint_of(board()));
  EXPECT_TRUE(r.ssh.observed.contains("handshake_ms"));
  EXPECT_TRUE(r.ssh.observed.contains("auth_ms"));
  EXPECT_NE(r.session, nullptr);
}

TEST_F(SshBoardTest, UnknownHostKeyIsRefusedWithItsFingerprint) {
  TempDir dir;
  auto s = settings();
  s.known_hosts = dir.file("known_hosts");  // missing file: nothing known
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(core::Code::HostKeyUnknown)) << messages(r.ssh);
  EXPECT_EQ(r.session, nullptr);
  const auto& d = r.ssh.diagnostics[0];
  EXPECT_NE(d.message.find(fingerprint_of(board())), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("ssh-ed25519"), std::string::npos);
  EXPECT_NE(d.fix.find("--host-key-policy accept-new"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(s.known_hosts));  // strict never writes
}

TEST_F(SshBoardTest, AcceptNewStoresTheKeyOnceAndThenKnowsIt) {
  TempDir dir;
  auto s = settings();
  s.known_hosts = dir.file("sub/known_hosts");
  s.host_key_policy = "accept-new";
  const auto first = run_steps(s);
  ASSERT_EQ(first.ssh.status, core::StepStatus::ok) << messages(first.ssh);
  ASSERT_TRUE(first.ssh.has(core::Code::HostKeyStored));
  const std::string text = read_text(s.known_hosts);
  EXPECT_EQ(text.rfind(board().host() + " ssh-ed25519 AAAA", 0), 0u) << text;
  // What we wrote is what OpenSSH reads: ssh-keygen finds the host in it with the same fingerprint.
  const auto found = run_process({"/usr/bin/ssh-keygen", "-l", "-F", board().host(), "-f", s.known_hosts});
  EXPECT_NE(found.out.find(fingerprint_of(board())), std::string::npos) << found.out << found.err;
  const auto second = run_steps(s);
  ASSERT_EQ(second.ssh.status, core::StepStatus::ok) << messages(second.ssh);
  EXPECT_FALSE(second.ssh.has(core::Code::HostKeyStored));
  EXPECT_EQ(second.ssh.observed.get("host_key_status"), "known");
}

TEST_F(SshBoardTest, HashedKnownHostsEntryMatches) {
  TempDir dir;
  auto s = settings();
  s.known_hosts = dir.file("known_hosts");
  // An unparsable line first: it must not hide the entries after it.
  { std::ofstream(s.known_hosts) << "@cert-authority *.example ssh-ed25519 AAAAnotakey\n" << read_text(board().known_hosts()); }
  const auto hashed = run_process({"/usr/bin/ssh-keygen", "-H", "-f", s.known_hosts});
  ASSERT_EQ(hashed.exit_code, 0) << hashed.err;
  const std::string text = read_text(s.known_hosts);
  ASSERT_NE(text.find("|1|"), std::string::npos) << text;
  ASSERT_EQ(text.find(board().host()), std::string::npos) << text;
  const auto r = run_steps(s);
  EXPECT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh);
  EXPECT_EQ(r.ssh.observed.get("host_key_status"), "known");
}

TEST_F(SshBoardTest, RevokedKeyIsNeverAccepted) {
  TempDir dir;
  auto s = settings();
  s.known_hosts = dir.file("known_hosts");
  const std::string entry = read_text(board().known_hosts());  // "host ssh-ed25519 AAAA…"
  std::ofstream(s.known_hosts) << entry << "@revoked * " << entry.substr(entry.find(' ') + 1);
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(core::Code::HostKeyChanged)) << messages(r.ssh);
  EXPECT_NE(r.ssh.diagnostics[0].message.find("@revoked"), std::string::npos) << r.ssh.diagnostics[0].message;
  EXPECT_EQ(r.session, nullptr);
}

TEST_F(SshBoardTest, OtherKeyTypeForTheHostIsUnknownNotChanged) {
  // known_hosts holds only an ECDSA key for the board: the ed25519 key it presents is unknown (OpenSSH
  // behaves the same); a check without the key type would wrongly call it changed (libssh2 #42).
  TempDir dir;
  auto s = settings();
  s.known_hosts = dir.file("known_hosts");
  const auto made = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", dir.file("other")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ofstream(s.known_hosts) << board().host() << " " << read_text(dir.file("other.pub"));
  const auto r = run_steps(s);
  EXPECT_TRUE(r.ssh.has(core::Code::HostKeyUnknown)) << messages(r.ssh);
}

// A local TCP relay (socat, a real process) puts the board's sshd on 127.0.0.1:<port>, so the known_hosts
// name is "[127.0.0.1]:<port>" as OpenSSH writes it for ports other than 22.
class Relay {
 public:
  explicit Relay(const std::string& target) {
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::close(probe);
    const std::string listen = "TCP-LISTEN:" + std::to_string(port_) + ",bind=127.0.0.1,reuseaddr,fork";
    const std::string to = "TCP:" + target + ":22";
    const std::string exe = "/usr/bin/socat";
    std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>(listen.c_str()),
                            const_cast<char*>(to.c_str()), nullptr};
    if (posix_spawn(&pid_, exe.c_str(), nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 100; ++i) {  // until it listens
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      a.sin_port = htons(static_cast<uint16_t>(port_));
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Relay() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST_F(SshBoardTest, HostPortEntryForAPortOtherThan22) {
  Relay relay(board().host());
  TempDir dir;
  auto s = settings();
  s.host = "127.0.0.1";
  s.port = relay.port();
  s.known_hosts = dir.file("known_hosts");
  const std::string name = "[127.0.0.1]:" + std::to_string(relay.port());
  // accept-new writes the [host]:port form …
  s.host_key_policy = "accept-new";
  const auto first = run_steps(s);
  ASSERT_TRUE(first.ssh.has(core::Code::HostKeyStored)) << messages(first.ssh);
  const std::string text = read_text(s.known_hosts);
  EXPECT_EQ(text.rfind(name + " ssh-ed25519 ", 0), 0u) << text;
  // … OpenSSH finds it under that name …
  const auto found = run_process({"/usr/bin/ssh-keygen", "-F", name, "-f", s.known_hosts});
  EXPECT_EQ(found.exit_code, 0) << found.out;
  // … and the strict check matches it.
  s.host_key_policy = "strict";
  const auto second = run_steps(s);
  EXPECT_EQ(second.ssh.status, core::StepStatus::ok) << messages(second.ssh);
  EXPECT_EQ(second.ssh.observed.get("known_hosts_name"), name);
}

TEST_F(SshBoardTest, RsaKeyIsDiagnosedAsSha1Refusal) {
  auto s = settings();
  s.identity = board().info().at("identity_rsa").get<std::string>();
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(core::Code::RsaKeyRejected)) << messages(r.ssh) << r.ssh.observed.get("auth_tried").value_or("");
  EXPECT_EQ(r.ssh.observed.get("identity_type"), "ssh-rsa");
  EXPECT_NE(r.ssh.diagnostics[0].fix.find("ssh-keygen -t ed25519"), std::string::npos);
  // The cause is the SHA-1 signature, not the key: with ssh-rsa allowed again the same key logs in.
  board().set({"rsa_sha1=on"});
  const auto allowed = run_steps(s);
  board().set({"rsa_sha1=off"});
  // It logs in, with the warning that the login rests on SHA-1 (SSH016).
  EXPECT_EQ(allowed.ssh.status, core::StepStatus::warning) << messages(allowed.ssh);
  EXPECT_NE(allowed.session, nullptr);
  EXPECT_TRUE(allowed.ssh.has(core::Code::RsaSha1Login)) << messages(allowed.ssh);
}

TEST_F(SshBoardTest, WrongKeyIsRefused) {
  TempDir dir;
  const auto made = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.file("stranger")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto s = settings();
  s.identity = dir.file("stranger");
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(core::Code::KeyRejected)) << messages(r.ssh);
  EXPECT_NE(r.ssh.diagnostics[0].message.find(dir.file("stranger")), std::string::npos);
}

TEST_F(SshBoardTest, PassphraseKeyOrMissingKeyIsUnusable) {
  TempDir dir;
  const auto made = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", dir.file("locked")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto s = settings();
  s.identity = dir.file("locked");
  const auto locked = run_steps(s);
  ASSERT_TRUE(locked.ssh.has(core::Code::IdentityUnusable)) << messages(locked.ssh);
  EXPECT_NE(locked.ssh.diagnostics[0].message.find("ssh-add"), std::string::npos);
  s.identity = dir.file("missing");
  const auto missing = run_steps(s);
  EXPECT_TRUE(missing.ssh.has(core::Code::IdentityUnusable)) << messages(missing.ssh);
}

TEST_F(SshBoardTest, NothingToOfferIsNoMethodLeft) {
  auto s = settings();
  s.identity.clear();  // HOME is an empty directory and there is no agent
  const auto r = run_steps(s);
  ASSERT_TRUE(r.ssh.has(core::Code::NoAuthMethod)) << messages(r.ssh);
  EXPECT_NE(r.ssh.diagnostics[0].message.find("publickey"), std::string::npos);
}

TEST_F(SshBoardTest, AgentKeyLogsIn) {
  TempDir dir;
  const std::string sock = dir.file("agent.sock");
  RealAgent agent(sock);
  ASSERT_TRUE(agent.running());
  const auto added = agent.add(board().identity());
  EXPECT_EQ(added.exit_code, 0) << added.err;
  setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  auto s = settings();
  s.identity.clear();
  const auto r = run_steps(s);
  unsetenv("SSH_AUTH_SOCK");
  ASSERT_EQ(r.ssh.status, core::StepStatus::ok) << messages(r.ssh);
  EXPECT_EQ(r.ssh.observed.get("auth_method"), "publickey (ssh-agent)");
}

TEST_F(SshBoardTest, ServerKilledMidExecEndsAsDisconnected) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& session = *r.ssh.value().session;
  const core::CancelToken never;
  const auto started = Clock::now();
  // $PPID of the remote shell is the sshd process serving this connection: a real server death.
  auto ran = session.exec("sleep 0.3; kill -9 $PPID; sleep 20", core::Deadline(core::Millis{10000}), never);
  const auto took = ms_since(started);
  ASSERT_FALSE(ran.has_value()) << "exit " << ran.value().exit_status;
  EXPECT_EQ(ran.error().kind, RKind::disconnected) << ran.error().message;
  EXPECT_LT(took, 5000);
  // Later calls fail fast instead of waiting for a dead server.
  const auto again_started = Clock::now();
  auto again = session.exec("true", core::Deadline(core::Millis{10000}), never);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, RKind::disconnected);
  EXPECT_LT(ms_since(again_started), 100);
}

TEST_F(SshBoardTest, CancelDuringExecReturnsWithinHalfASecond) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  core::CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.cancel();
  });
  const auto started = Clock::now();
  auto ran = r.ssh.value().session->exec("sleep 20", core::Deadline(core::Millis{30000}), cancel);
  const auto took = ms_since(started);
  canceller.join();
  ASSERT_FALSE(ran.has_value());
  EXPECT_EQ(ran.error().kind, RKind::cancelled);
  EXPECT_LT(took, 300 + 500);
}

TEST_F(SshBoardTest, ExecDeadlineIsKept) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  const core::CancelToken never;
  const auto started = Clock::now();
  auto ran = r.ssh.value().session->exec("sleep 20", core::Deadline(core::Millis{700}), never);
  const auto took = ms_since(started);
  ASSERT_FALSE(ran.has_value());
  EXPECT_EQ(ran.error().kind, RKind::timeout);
  EXPECT_GE(took, 650);
  EXPECT_LT(took, 700 + 300);
}

}  // namespace
}  // namespace stm32mp::testing
