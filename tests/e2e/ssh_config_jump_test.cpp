// ProxyJump through a second OpenSSH server in its own network namespace (issue 11): board-sim's jump=on
// starts the jump host (bsimj-N, reached from the host at 10.78.N.2) with its own link into the board's
// namespace. With link=down the host has no way to the board but through the jump host, so a full check
// that passes went through it; the board's sshd log names the jump host's address for the connection.
// Test configuration files under /tmp given with --ssh-config; the invoking user's ~/.ssh is never read.
// Knobs named explicitly: mode=ELF order=m0,m33 ssh=openssh sftp=on jump=on, link=down during the run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "support/golden.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

using testing::read_file;

class SshConfigJumpBoard : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "ssh=openssh", "sftp=on", "jump=on"}); }
  void TearDown() override {
    board().set({"link=up"});
    testing::CleanLoginSuite::TearDown();
  }
  // Both hosts log in as root with the board's client key (the jump host authorizes it too).
  std::string write_config() {
    const auto& b = board();
    const std::string common = "  User root\n  IdentityFile " + b.identity() + "\n  IdentityAgent none\n"
                               "  StrictHostKeyChecking yes\n";
    const auto path = dir_.file("ssh_config");
    std::ofstream(path) << "Host lab-gw\n  HostName " << b.info().at("jump_host").get<std::string>() << "\n"
                        << common << "  UserKnownHostsFile " << b.info().at("jump_known_hosts").get<std::string>()
                        << "\nHost lab-board\n  HostName " << b.host() << "\n" << common << "  UserKnownHostsFile "
                        << b.known_hosts() << "\n  ProxyJump lab-gw\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(SshConfigJumpBoard, AFullCheckGoesThroughTheJumpHostWhenTheHostCannotReachTheBoard) {
  const auto cfg = write_config();
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir_.path().string(), "through_gw.elf", 256 * 1024);
  board().set({"link=down"});
  // The host's own way to the board is gone: a direct check fails at the network step.
  auto direct = run_cli_check({"--host", board().host(), "--only", "network", "--timeout-ms", "5000"}, 30000);
  EXPECT_EQ(direct.exit_code, 1) << summary(direct);

  const auto board_log = board().dir() + "/run/sshd.log";
  const std::string from_jump = "Connection from 10.79.";
  const auto before = read_file(board_log);
  auto run = run_cli_check({"--host", "lab-board", "--ssh-config", cfg, "--elf", elf}, 120000);
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "network", "proxy"), "ProxyJump lab-gw");
  EXPECT_EQ(observed(run, "network", "connection"), "through the proxy");
  EXPECT_EQ(observed(run, "upload", "verified_on_board").rfind("size and sha256 match", 0), 0u) << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
  const auto after = read_file(board_log);
  ASSERT_GT(after.size(), before.size());
  EXPECT_NE(after.substr(before.size()).find(from_jump), std::string::npos)
      << "the board saw the connection come from the jump host: " << after.substr(before.size());
  EXPECT_NE(read_file(board().dir() + "/run/jump_sshd.log").find("Accepted publickey for root"), std::string::npos);
  std::printf("[measure] ProxyJump through a second sshd in its own namespace: full check %lld ms, proxy %s ms\n",
              run.wall_ms, observed(run, "network", "proxy_ms").c_str());
}

}  // namespace
}  // namespace stm32mp::e2e
