// The devices and serial-port steps, through the CLI, against the simulated STM32MP257F-DK
// (tests/board-sim): its host sysfs tree, its socat console pty and the console modes it switches
// between (a real bash in the board's namespaces, getty login, U-Boot, silence, log noise).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "board_fixture.h"
#include "support/golden.h"
#include "support/run_process.h"

namespace stm32mp::testing {
namespace {

class SerialPortOnBoardSim : public boardsim::BoardSuite {
 protected:
  static nlohmann::json check(const std::string& serial, int expected_exit) {
    auto& b = board();
    const auto r = run_process({PRELAUNCH_CLI, "check", "--serial", serial, "--sysfs-root", b.sysfs_root(), "--dev-root",
                                b.dev_root(), "--only", "devices,serial-port", "--json"},
                               {}, 30000);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["steps"][1]["id"], "devices");
    EXPECT_EQ(j["steps"][2]["id"], "serial-port");
    return j["steps"][2];
  }
  // board-sim returns once the console shows the new mode.
  static void console(const std::string& mode) { board().set({"console=" + mode}); }
  static std::string first_code(const nlohmann::json& step) {
    return step["diagnostics"].empty() ? std::string("none") : step["diagnostics"][0]["code"].get<std::string>();
  }
};

TEST_F(SerialPortOnBoardSim, ShellConsoleIsReady) {
  console("shell");
  const auto step = check(board().serial(), 0);
  EXPECT_EQ(step["status"], "ok") << step.dump(2);
  EXPECT_EQ(step["observed"]["console"], "shell prompt");
  // The board's bash may have printed a prompt before ours (no newline after it): same line.
  EXPECT_TRUE(step["observed"]["last_line"].get<std::string>().ends_with("root@stm32mp2-e3-c7-3f:~# ")) << step.dump(2);
}

TEST_F(SerialPortOnBoardSim, SeedCaseOnTheSimulatedBoard) {
  console("shell");
  const auto step = check("/dev/ttyACM1", 1);
  EXPECT_EQ(first_code(step), "SER002");
  EXPECT_EQ(step["diagnostics"][0]["observed"]["suggested_port"], "/dev/ttyACM0");
  EXPECT_NE(step["diagnostics"][0]["fix"].get<std::string>().find(
                "/dev/ttyACM0 (STLINK-V3, serial 004A00233133510D37363734)"),
            std::string::npos);
}

TEST_F(SerialPortOnBoardSim, LoginUBootAndSilentConsoles) {
  console("login");
  EXPECT_EQ(first_code(check(board().serial(), 1)), "SER010");
  console("uboot");
  EXPECT_EQ(first_code(check(board().serial(), 1)), "SER011");
  console("silent");
  EXPECT_EQ(first_code(check(board().serial(), 1)), "SER009");
  console("shell");
}

}  // namespace
}  // namespace stm32mp::testing

namespace stm32mp::testing {
namespace {

// F17 with the console's help: the launch configuration names an address where no board answers; the
// serial-port step read the board's real address from its shell, and the network step offers it.
TEST_F(SerialPortOnBoardSim, WrongAddressIsAnsweredWithTheAddressTheConsoleReports) {
  console("shell");
  auto& b = board();
  const std::string board_ip = b.host();
  const std::string wrong = board_ip.substr(0, board_ip.rfind('.')) + ".99";  // same subnet, nobody there
  const auto r = run_process({PRELAUNCH_CLI, "check", "--serial", b.serial(), "--sysfs-root", b.sysfs_root(),
                              "--dev-root", b.dev_root(), "--host", wrong, "--timeout-ms", "2000", "--only",
                              "devices,serial-port,network", "--json"},
                             {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["steps"][2]["observed"]["board_addresses"], "end0 " + board_ip) << j["steps"][2].dump(2);
  const auto& network = j["steps"][3];
  ASSERT_EQ(network["id"], "network");
  EXPECT_EQ(network["status"], "error");
  bool offered = false;
  for (const auto& d : network["diagnostics"]) {
    if (d["code"] == "NET007") {
      offered = true;
      EXPECT_EQ(d["observed"]["suggested_host"], board_ip);
      EXPECT_NE(d["fix"].get<std::string>().find("--host " + board_ip), std::string::npos);
    }
  }
  EXPECT_TRUE(offered) << network.dump(2);
}

}  // namespace
}  // namespace stm32mp::testing
