// The seed case end to end, as a user runs it: STM32CubeIDE's launch file names /dev/ttyACM1 as the
// preferred serial device while the board's only ST-LINK VCP is /dev/ttyACM0 (with a real shell on
// a pty behind it). The serial-port step must fail, name /dev/ttyACM0, and the CLI must exit 1.
#include <sys/stat.h>

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "devices/pty_console.h"
#include "devices/sysfs_fixture.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

namespace fs = std::filesystem;

std::string seed_launch(const std::string& serial) {
  return R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<launchConfiguration type="com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType">
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.connectionSelected" value="MPU Serial"/>
    <booleanAttribute key="org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice" value="true"/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader" value=")" + serial + R"("/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader" value="192.168.7.1"/>
    <stringAttribute key="org.eclipse.cdt.launch.PROJECT_ATTR" value="Blink_CM33_NonSecure"/>
</launchConfiguration>
)";
}

struct SeedBoard {
  TempDir dir;
  SysfsFixture fx{dir.path()};
  std::unique_ptr<PtyConsole> console;
  std::string launch = dir.file("Blink_CM33_NonSecure Debug.launch");

  explicit SeedBoard(const std::string& configured = "/dev/ttyACM1") {
    const auto v3 = SysfsFixture::stlink_v3e("1-2", "004A00233133510D37363734");
    fx.add_usb_device(v3);
    fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
    console = std::make_unique<PtyConsole>(fx.node("ttyACM0"), PtyConsole::shell());
    write_file(launch, seed_launch(configured));
  }
  std::vector<std::string> check(std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv{PRELAUNCH_CLI, "check", "--launch", launch, "--sysfs-root", fx.sysfs_root(),
                                  "--dev-root", fx.dev_root(), "--only", "devices,serial-port", "--no-color"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  // Report text without what changes from run to run: the temporary directory and durations.
  std::string normalised(std::string text) const {
    const auto root = dir.path().string();
    for (auto at = text.find(root); at != std::string::npos; at = text.find(root)) text.replace(at, root.size(), "<tmp>");
    return std::regex_replace(text, std::regex(R"(\(\d+ ms\))"), "(N ms)");
  }
};

TEST(SeedCase, CheckNamesTtyAcm0AndExitsOne) {
  SeedBoard board;
  const auto r = run_process(board.check(), {"NO_COLOR=1"}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error[SER002]: The preferred serial device /dev/ttyACM1 does not exist"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("set the preferred serial device to /dev/ttyACM0 (STLINK-V3, serial 004A00233133510D37363734)"),
            std::string::npos)
      << r.out;
  expect_golden("seed_case.txt", board.normalised(r.out));
}

TEST(SeedCase, JsonCarriesTheSuggestedPortForTheQuickFix) {
  SeedBoard board;
  const auto r = run_process(board.check({"--json"}), {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  const auto& steps = j["steps"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1]["id"], "devices");
  EXPECT_EQ(steps[1]["status"], "ok");
  EXPECT_EQ(steps[2]["id"], "serial-port");
  EXPECT_EQ(steps[2]["status"], "error");
  const auto& d = steps[2]["diagnostics"][0];
  EXPECT_EQ(d["code"], "SER002");
  EXPECT_EQ(d["observed"]["suggested_port"], "/dev/ttyACM0");
  EXPECT_EQ(d["doc"], "docs/codes/SER002.md");
}

TEST(SeedCase, AfterTheFixTheConsoleAnswersWithTheShell) {
  SeedBoard board("/dev/ttyACM0");
  const auto r = run_process(board.check(), {"NO_COLOR=1"}, 30000);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("last_line: root@stm32mp2-e3-c7-3f:~#"), std::string::npos) << r.out;
}

TEST(SeedCase, BundledDemoScriptShowsTheSeedCase) {
  const auto r = run_process({std::string(PRELAUNCH_SOURCE_DIR) + "/tests/seed/seed-demo.sh", PRELAUNCH_CLI, "--no-color"},
                             {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error[SER002]: The preferred serial device /dev/ttyACM1 does not exist"), std::string::npos);
  EXPECT_NE(r.out.find("set the preferred serial device to /dev/ttyACM0 (STLINK-V3, serial 004A00233133510D37363734)"),
            std::string::npos);
}

}  // namespace
}  // namespace stm32mp::testing
