// Fault tests: the link cut and the SSH server killed in the middle of an upload. Each run must end
// inside its deadline with the upload's diagnosis, the board must never hold a partial image under
// the real name, and the next run must remove the temporary file left behind.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "support/background_process.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

constexpr int kStepTimeoutMs = 8000;
const std::string kName = "slow_m33.elf";

class SlowLinkBoard : public boardsim::BoardSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"--rate", "4mbit", "--mode", "ELF", "--order", "m0,m33"}); }

  // Waits until the upload's temporary file exists on the board (the transfer is under way).
  bool wait_for_transfer() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      if (board_shell(board(), "ls -a /lib/firmware").find("." + kName + ".prelaunch-tmp") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void expect_no_partial_image() {
    EXPECT_EQ(board_shell(board(), "ls /lib/firmware | grep -c -x " + kName + " || true"), "0\n");
  }

  // The next run after a cut: a temporary file the cut run could not remove is removed now (UPL009); one
  // the cut run removed itself (over a new session) leaves nothing for the next run to clean.
  void recover_and_expect_leftover_cleanup(const CheckRun& cut_run, const std::string& image) {
    const bool removed_by_cut_run = observed(cut_run, "upload", "temporary_file").rfind("removed", 0) == 0;
    board().set({"link=up", "rate=off"});
    auto again = run_check(board(), {"--elf", image});
    EXPECT_EQ(diagnostic(again, "upload", "UPL009").is_null(), removed_by_cut_run) << summary(again);
    EXPECT_EQ(again.exit_code, 0) << summary(again);
    EXPECT_EQ(board_shell(board(), "ls -a /lib/firmware | grep -c prelaunch-tmp || true"), "0\n");
    board().set({"rate=4mbit"});
    board_shell(board(), "echo stop > /sys/class/remoteproc/remoteproc1/state; rm -f /lib/firmware/" + kName);
  }

  std::vector<pid_t> sshd_children() {
    std::ifstream state(board().dir() + "/run/state.json");
    const auto j = nlohmann::json::parse(state);
    const int sshd = j.value("sshd_pid", 0);
    std::vector<pid_t> children;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
      const auto name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(e.path() / "stat");
      std::string line;
      std::getline(stat, line);
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(line.substr(close + 2));
      std::string st;
      int ppid = 0;
      rest >> st >> ppid;
      if (ppid == sshd) children.push_back(std::stoi(name));
    }
    return children;
  }
};

TEST_F(SlowLinkBoard, LinkCutMidUploadEndsInsideTheDeadline) {
  testing::TempDir dir;
  const auto image = padded_copy(firmware("m33_ns.elf"), dir.path().string(), kName, 3 << 20);
  auto pending = std::async(std::launch::async, [&] {
    return run_check(board(), {"--elf", image, "--timeout-ms", std::to_string(kStepTimeoutMs)});
  });
  ASSERT_TRUE(wait_for_transfer());
  const auto cut = std::chrono::steady_clock::now();
  board().set({"link=down"});
  auto run = pending.get();
  const auto after_cut = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - cut).count();
  auto d = diagnostic(run, "upload", "UPL004");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_LT(after_cut, kStepTimeoutMs + 5000) << "the upload did not end inside its deadline";
  EXPECT_EQ(status(run, "remoteproc"), "skipped");
  expect_no_partial_image();
  recover_and_expect_leftover_cleanup(run, image);
}

TEST_F(SlowLinkBoard, SshServerKilledMidUploadIsDiagnosedAtOnce) {
  testing::TempDir dir;
  const auto image = padded_copy(firmware("m33_ns.elf"), dir.path().string(), kName, 3 << 20);
  auto pending = std::async(std::launch::async, [&] {
    return run_check(board(), {"--elf", image, "--timeout-ms", std::to_string(kStepTimeoutMs)});
  });
  ASSERT_TRUE(wait_for_transfer());
  const auto kill_at = std::chrono::steady_clock::now();
  const auto children = sshd_children();
  ASSERT_FALSE(children.empty());
  for (pid_t pid : children) ::kill(pid, SIGKILL);  // the per-connection sshd processes of this board only
  auto run = pending.get();
  const auto after_kill = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - kill_at).count();
  auto d = diagnostic(run, "upload", "UPL004");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_LT(after_kill, kStepTimeoutMs) << "a dead connection must not wait for the whole deadline";
  expect_no_partial_image();
  // The link still works: the temporary file is removed over a new session, and the report says so.
  const auto temp = observed(run, "upload", "temporary_file");
  EXPECT_EQ(temp.rfind("removed", 0), 0U) << temp;
  EXPECT_EQ(board_shell(board(), "ls -a /lib/firmware | grep -c prelaunch-tmp || true"), "0\n");
  recover_and_expect_leftover_cleanup(run, image);
}

TEST_F(SlowLinkBoard, CtrlCMidUploadCancelsWithinHalfASecondAndCleansUp) {
  testing::TempDir dir;
  const auto image = padded_copy(firmware("m33_ns.elf"), dir.path().string(), kName, 3 << 20);
  testing::BackgroundProcess cli({PRELAUNCH_CLI, "check", "--host", board().host(), "--identity", board().identity(),
                                  "--known-hosts", board().known_hosts(), "--skip", "devices,serial-port", "--json",
                                  "--elf", image, "--timeout-ms", "30000"});
  ASSERT_TRUE(wait_for_transfer());
  cli.signal(SIGINT);  // what Ctrl-C does: the CLI sets the run's cancel token
  const auto ended = cli.finish(std::chrono::seconds(30));
  const auto ms = ended.ms;
  CheckRun run;
  run.report = nlohmann::json::parse(ended.out, nullptr, false);
  ASSERT_FALSE(run.report.is_discarded());
  ASSERT_FALSE(diagnostic(run, "upload", "UPL007").is_null()) << summary(run);
  // The upload stops within the 0.5 s cancel budget; the rest is the cleanup's remove and the report.
  EXPECT_LT(ms, 3000) << "cancel took " << ms << " ms";
  RecordProperty("cancel_to_exit_ms", static_cast<int>(ms));
  std::cout << "Ctrl-C to exit: " << ms << " ms\n";
  EXPECT_EQ(status(run, "remoteproc"), "skipped");
  expect_no_partial_image();
  // A cancel in the middle of an SSH operation leaves that session unusable (libssh2 cannot resume a
  // half-sent packet); the link still works, so the temporary file is removed over a new session.
  const auto temp = observed(run, "upload", "temporary_file");
  EXPECT_EQ(temp.rfind("removed", 0), 0U) << temp;
  EXPECT_EQ(board_shell(board(), "ls -a /lib/firmware | grep -c prelaunch-tmp || true"), "0\n");
  recover_and_expect_leftover_cleanup(run, image);
}

}  // namespace
}  // namespace stm32mp::e2e
