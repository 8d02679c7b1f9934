// The login settings of the user's SSH configuration on the simulated board (issue 11): the board's key
// found in a GlobalKnownHostsFile only, and StrictHostKeyChecking no in the configuration still refusing
// an unknown key and a changed key (both fingerprints shown). Test configuration files under /tmp given
// with --ssh-config; the invoking user's ~/.ssh is never read (HOME is a temporary directory, no agent).
// Knobs named explicitly: mode=ELF order=m0,m33 ssh=openssh sftp=on.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

using testing::read_file;

class SshConfigLoginBoard : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "ssh=openssh", "sftp=on"}); }

  // "Host lab-board" logging in as the board's root with its key; `extra` adds the lines under test.
  std::string write_config(const std::string& extra) {
    const auto& b = board();
    const auto path = dir_.file("ssh_config");
    std::ofstream(path) << "Host lab-board\n  HostName " << b.host() << "\n  User root\n  IdentityFile " << b.identity()
                        << "\n  IdentityAgent none\n" << extra;
    ::chmod(path.c_str(), 0600);
    return path;
  }
  // The board's ed25519 known_hosts line with its key replaced by another one (a re-flashed board).
  std::string changed_known_hosts() {
    const auto key = dir_.file("other_host_key");
    const std::string keygen = "ssh-keygen -q -t ed25519 -N '' -f " + key + " >/dev/null";
    EXPECT_EQ(std::system(keygen.c_str()), 0);
    std::istringstream other(read_file(key + ".pub"));
    std::string type, blob;
    other >> type >> blob;
    std::istringstream lines(read_file(board().known_hosts()));
    std::string line, out;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string name, line_type;
      words >> name >> line_type;
      if (line_type == "ssh-ed25519") out += name + " ssh-ed25519 " + blob + "\n";
    }
    EXPECT_FALSE(out.empty()) << "the board's known_hosts has no ed25519 line";
    const auto path = dir_.file("changed_known_hosts");
    std::ofstream(path) << out;
    return path;
  }
  static CheckRun check(const std::string& config, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--host", "lab-board", "--ssh-config", config};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli_check(args, 120000);
  }
  testing::TempDir dir_;
};

TEST_F(SshConfigLoginBoard, TheBoardsKeyInAGlobalKnownHostsFileOnlyIsKnown) {
  const auto empty_user_file = dir_.file("user_known_hosts");
  std::ofstream(empty_user_file) << "";
  const auto cfg = write_config("  UserKnownHostsFile " + empty_user_file + "\n  GlobalKnownHostsFile " +
                                dir_.file("missing_global") + " " + board().known_hosts() + "\n");
  auto run = check(cfg, {"--only", "network,ssh,target"});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "ssh", "host_key_status"), "known");
  EXPECT_EQ(observed(run, "ssh", "known_hosts"), board().known_hosts()) << "the global file that holds the key";
  EXPECT_EQ(read_file(empty_user_file), "") << "read-only: nothing copied into the user's file";
  EXPECT_NE(observed(run, "network", "from_ssh_config").find("globalknownhostsfile "), std::string::npos);
}

TEST_F(SshConfigLoginBoard, StrictHostKeyCheckingNoStillRefusesAnUnknownKey) {
  const auto empty_user_file = dir_.file("unknown_known_hosts");
  std::ofstream(empty_user_file) << "";
  const auto cfg = write_config("  UserKnownHostsFile " + empty_user_file + "\n  StrictHostKeyChecking no\n");
  auto run = check(cfg, {"--only", "network,ssh"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_FALSE(diagnostic(run, "network", "CFG014").is_null()) << summary(run);
  EXPECT_FALSE(diagnostic(run, "ssh", "SSH001").is_null()) << summary(run);
  EXPECT_EQ(read_file(empty_user_file), "") << "no key stored";
}

TEST_F(SshConfigLoginBoard, StrictHostKeyCheckingNoStillRefusesAChangedKeyWithBothFingerprints) {
  const auto changed = changed_known_hosts();
  const auto cfg = write_config("  UserKnownHostsFile " + changed + "\n  StrictHostKeyChecking no\n");
  auto run = check(cfg, {"--only", "network,ssh"});
  EXPECT_EQ(run.exit_code, 1);
  const auto lax = diagnostic(run, "network", "CFG014");
  ASSERT_FALSE(lax.is_null()) << summary(run);
  EXPECT_NE(lax.value("message", "").find("StrictHostKeyChecking false"), std::string::npos) << lax.dump();
  const auto d = diagnostic(run, "ssh", "SSH002");
  ASSERT_FALSE(d.is_null()) << summary(run);
  const auto stored = d["observed"].value("known_host_fingerprint", "");
  const auto presented = d["observed"].value("host_key_fingerprint", "");
  EXPECT_EQ(stored.rfind("SHA256:", 0), 0u) << d.dump();
  EXPECT_EQ(presented.rfind("SHA256:", 0), 0u) << d.dump();
  EXPECT_NE(stored, presented);
  EXPECT_NE(d.value("message", "").find(stored), std::string::npos);
  EXPECT_NE(d.value("message", "").find(presented), std::string::npos);
}

TEST_F(SshConfigLoginBoard, AcceptNewFromTheConfigurationStoresAnUnknownKey) {
  const auto user_file = dir_.file("accept_known_hosts");
  std::ofstream(user_file) << "";
  const auto cfg = write_config("  UserKnownHostsFile " + user_file + "\n  StrictHostKeyChecking accept-new\n");
  auto run = check(cfg, {"--only", "network,ssh"});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_FALSE(diagnostic(run, "ssh", "SSH003").is_null()) << summary(run);
  EXPECT_NE(read_file(user_file).find("ssh-ed25519 "), std::string::npos);
}

TEST_F(SshConfigLoginBoard, IdentityAgentPathIsTheAgentAskedWithoutSshAuthSock) {
  // An ssh-agent of this test only, at a socket of its own, holding the board's client key; no SSH_AUTH_SOCK
  // (CleanLoginSuite unsets it) and no IdentityFile: only IdentityAgent can lead the login to that key.
  const auto socket = dir_.file("agent.sock");
  // Its output goes to a file: the daemon it leaves behind must not hold our pipes open.
  const auto said = dir_.file("agent.out");
  const auto agent = testing::run_process(
      {"/bin/sh", "-c", "ssh-agent -s -a \"$1\" >\"$2\" 2>&1 </dev/null", "sh", socket, said}, {}, 10000);
  ASSERT_EQ(agent.exit_code, 0) << read_file(said);
  const auto out = read_file(said);
  const auto at = out.find("SSH_AGENT_PID=");
  ASSERT_NE(at, std::string::npos) << out;
  const int pid = std::atoi(out.c_str() + at + 14);
  ASSERT_GT(pid, 1);
  const auto added = testing::run_process({"ssh-add", board().identity()}, {"SSH_AUTH_SOCK=" + socket}, 10000);
  const auto cfg = dir_.file("agent_config");
  std::ofstream(cfg) << "Host lab-board\n  HostName " << board().host() << "\n  User root\n  UserKnownHostsFile "
                     << board().known_hosts() << "\n  IdentityAgent " << socket << "\n";
  ::chmod(cfg.c_str(), 0600);
  auto run = check(cfg, {"--only", "network,ssh"});
  ::kill(pid, SIGTERM);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "ssh", "auth_method"), "publickey (ssh-agent)");
  EXPECT_EQ(observed(run, "ssh", "agent_socket"), socket);
}

}  // namespace
}  // namespace stm32mp::e2e
