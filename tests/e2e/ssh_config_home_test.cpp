// --ssh-config default (issue 11) without ever reading the invoking user's ~/.ssh. OpenSSH reads
// ~/.ssh/config from the passwd entry's home directory, not from $HOME (`HOME=/tmp/x ssh -G alias` ignores
// /tmp/x/.ssh/config), so the CLI runs in a private mount namespace in which a temporary directory is
// bound over that home directory and an empty file over /etc/ssh/ssh_config: what `ssh -G` reads there is
// the test's and nothing of the host's. Needs root (CAP_SYS_ADMIN for the mounts), as the board does.
// Knobs named explicitly: mode=ELF order=m0,m33 ssh=openssh sftp=on.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

class SshConfigDefaultBoard : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "ssh=openssh", "sftp=on"}); }

  // The CLI with --ssh-config default, HOME and the passwd home both being `home` inside its mount namespace.
  CheckRun check_with_home(const std::string& home, const std::vector<std::string>& args) {
    const passwd* pw = ::getpwuid(::getuid());
    EXPECT_NE(pw, nullptr);
    const std::string pw_home = pw != nullptr ? pw->pw_dir : "/nonexistent";
    const auto empty = dir_.file("empty_ssh_config");
    std::ofstream(empty) << "";
    // Fixed script; every path is a positional parameter, never part of the script text.
    std::vector<std::string> argv{"unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                  "mount --bind \"$1\" \"$2\" && mount --bind \"$3\" /etc/ssh/ssh_config && HOME=\"$1\" && "
                                  "export HOME && shift 3 && exec \"$@\"",
                                  "sh", home, pw_home, empty, PRELAUNCH_CLI, "check", "--skip", "devices,serial-port",
                                  "--json", "--ssh-config", "default"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = testing::run_process(argv, {}, 120000);
    CheckRun run;
    run.exit_code = r.exit_code;
    run.raw = r.out + r.err;
    // A report that is not JSON leaves `report` empty: every lookup then fails with `raw` in the message.
    run.report = nlohmann::json::parse(r.out, nullptr, false);
    if (run.report.is_discarded()) run.report = nlohmann::json::object();
    return run;
  }
  testing::TempDir dir_;
};

TEST_F(SshConfigDefaultBoard, AHostAliasInTheHomeDirectorysSshConfigReachesTheBoard) {
  if (::geteuid() != 0) GTEST_SKIP() << "binding over the home directory needs root";
  std::filesystem::create_directories(dir_.file("home/.ssh"));
  const auto& b = board();
  const auto config = dir_.file("home/.ssh/config");
  std::ofstream(config) << "Host lab-board\n  HostName " << b.host() << "\n  User root\n  IdentityFile " << b.identity()
                        << "\n  UserKnownHostsFile " << b.known_hosts() << "\n  IdentityAgent none\n";
  ::chmod(config.c_str(), 0600);
  auto run = check_with_home(dir_.file("home"), {"--host", "lab-board", "--only", "network,ssh,target"});
  ASSERT_EQ(run.exit_code, 0) << run.raw;
  EXPECT_EQ(observed(run, "network", "ssh_config"), "OpenSSH's own files (~/.ssh/config)");
  EXPECT_NE(observed(run, "network", "from_ssh_config").find("hostname " + b.host()), std::string::npos)
      << observed(run, "network", "from_ssh_config");
  EXPECT_EQ(observed(run, "ssh", "identity"), b.identity());
  EXPECT_EQ(observed(run, "ssh", "known_hosts"), b.known_hosts());
}

TEST_F(SshConfigDefaultBoard, AHomeWithoutSshConfigResolvesNothingAndSaysSo) {
  if (::geteuid() != 0) GTEST_SKIP() << "binding over the home directory needs root";
  std::filesystem::create_directories(dir_.file("bare_home"));
  // The alias means nothing without the file: OpenSSH resolves it to itself, which is no address.
  auto run = check_with_home(dir_.file("bare_home"), {"--host", "lab-board", "--only", "network", "--timeout-ms", "5000"});
  EXPECT_EQ(observed(run, "network", "from_ssh_config"), "nothing for this host") << run.raw;
  EXPECT_EQ(run.exit_code, 1) << run.raw;
}

}  // namespace
}  // namespace stm32mp::e2e
