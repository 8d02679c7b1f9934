// Issue 15: a signal to the CLI while a board step is under way, on the simulated board. The run ends
// cancelled (exit 4, the step "cancelled" with RUN003, the rest skipped) within seconds, whatever the board is
// still doing, and the report says what the board showed after the cancel. (Cancel during the local steps, the
// console, the connection and the handshake: tests/cli/cancel_cli_test.cpp; during an upload: the SSH e2e tests.)
#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/e2e_support.h"
#include "remote/board_login.h"
#include "support/background_process.h"
#include "support/cancelled_report.h"
#include "support/golden.h"

namespace stm32mp::e2e {
namespace {

using testing::BackgroundProcess;

// The board's run directory (rprocfs.log, sshd.log): beside its kernel log.
std::string run_file(const boardsim::SimulatedBoard& b, const std::string& name) {
  const auto log = b.kernel_log();
  return log.substr(0, log.rfind('/') + 1) + name;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

BackgroundProcess check_in_background(const boardsim::SimulatedBoard& b, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{PRELAUNCH_CLI, "check", "--skip", "devices,serial-port", "--json", "--host", b.host(),
                                "--identity", b.identity(), "--known-hosts", b.known_hosts()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return BackgroundProcess(argv);
}

nlohmann::json step_of(const std::string& out, const std::string& id) {
  const auto report = nlohmann::json::parse(out);  // a local: a range-for over a temporary's member dangles
  for (const auto& s : report["steps"]) {
    if (s["id"] == id) return s;
  }
  return nullptr;
}

// Parameter: the signal, SIGINT (Ctrl-C) or SIGTERM (an IDE or a CI runner stopping the process): the same cancel.
class CancelOnTheBoard : public testing::CleanLoginSuite, public ::testing::WithParamInterface<int> {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33"}); }
};

// The start write blocks in a long load (start_ms): the signal then. The CLI does not wait for the board's load to
// end; the state it read after the cancel is the load's "offline", and the board finishes the start by itself.
// The load runs in the upload's last command (right after the check and rename): the upload step is the one the
// cancel cut, done in the board's words, and it says that its command went on to the load.
TEST_P(CancelOnTheBoard, DuringALongLoad) {
  board().set({"start_ms=4000"});
  const auto rprocfs_log = run_file(board(), "rprocfs.log");
  const auto before = count(testing::read_file(rprocfs_log), "start of remoteproc1 requested");
  auto cli = check_in_background(board(), {"--elf", firmware("m33_ns.elf")});
  const bool loading = testing::wait_until(
      [&] { return count(testing::read_file(rprocfs_log), "start of remoteproc1 requested") > before; }, std::chrono::seconds(30));
  ASSERT_TRUE(loading) << "the remoteproc step never wrote start";
  cli.signal(GetParam());
  const auto ended = cli.finish(std::chrono::seconds(10));
  board().set({"start_ms=0"});
  testing::expect_cancelled_report(ended, "upload", 3000);
  const auto step = step_of(ended.out, "upload");
  ASSERT_FALSE(step.is_null()) << ended.out;
  EXPECT_EQ(step["observed"].value("load", "").rfind("the same command went on to stop, load and start it", 0), 0u)
      << step.dump(2);
  EXPECT_EQ(step["observed"].value("verified_on_board", "").rfind("size and sha256 match", 0), 0u) << step.dump(2);
  const auto after = step["observed"].value("state_after_cancel", "");
  EXPECT_EQ(after.rfind("remoteproc1 (m33): offline, firmware m33_ns.elf", 0), 0u) << step.dump(2);
  // The board's load goes on without us and ends with the core up.
  EXPECT_TRUE(testing::wait_until(
      [&] { return board_shell(board(), "cat /sys/class/remoteproc/remoteproc1/state") == "running\n"; },
      std::chrono::seconds(10)));
  std::printf("[measure] signal %d during a 4 s load: the CLI ended %lld ms after the signal\n", GetParam(), ended.ms);
}

// Every round trip to the board takes 2 x 300 ms (latency): the signal as soon as the target step's first command
// started on the board (the ssh step runs none), while its answer is still on the way.
TEST_P(CancelOnTheBoard, DuringTheTargetStepsCommands) {
  board().set({"latency=300"});
  const auto sshd_log = run_file(board(), "sshd.log");
  const auto before = count(testing::read_file(sshd_log), "Starting session: command");
  auto cli = check_in_background(board(), {"--elf", firmware("m33_ns.elf"), "--timeout-ms", "60000"});
  const bool started = testing::wait_until(
      [&] { return count(testing::read_file(sshd_log), "Starting session: command") > before; }, std::chrono::seconds(30));
  ASSERT_TRUE(started) << "no command reached the board";
  cli.signal(GetParam());
  const auto ended = cli.finish(std::chrono::seconds(10));
  board().set({"latency=off"});
  testing::expect_cancelled_report(ended, "target", 3000);
  std::printf("[measure] signal %d in the target step over a 300 ms link: the CLI ended %lld ms after the signal\n",
              GetParam(), ended.ms);
}

INSTANTIATE_TEST_SUITE_P(Signals, CancelOnTheBoard, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return std::string(info.param == SIGINT ? "Sigint" : "Sigterm"); });

}  // namespace
}  // namespace stm32mp::e2e
