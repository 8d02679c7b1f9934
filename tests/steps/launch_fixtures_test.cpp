// The config step on look-alikes of real STM32CubeIDE .launch files (tests/config/launch: key sets of ST's public
// STM32CubeMP2 / CubeMP1 projects, written for the tests): COM40 without a board address, an engineering-mode
// (JTAG) file, an MP1 file with a backslash PROGRAM_NAME and production mode off, a Linux host's /dev/ttyACM0.
#include <filesystem>

#include <gtest/gtest.h>

#include "config/launch_file.h"
#include "steps/config_step.h"
#include "support/golden.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

namespace fs = std::filesystem;
using core::Code;
using core::StepStatus;

const std::string kFixtures = PRELAUNCH_LAUNCH_FIXTURES;

// The fixture copied into a project folder, with its PROGRAM_NAME built (an empty file is enough for the config step).
std::string in_project(const testing::TempDir& dir, const std::string& name, const std::string& program) {
  fs::copy_file(kFixtures + "/" + name, dir.file(name));
  if (!program.empty()) testing::write_file(dir.file(program), "elf");
  return dir.file(name);
}

core::StepReport config(const std::string& launch, core::Settings& effective) {
  core::Settings given;
  given.launch_file = launch;
  return check_config(given, effective);
}

TEST(LaunchFixtures, Mp2NonSecureOnCom40WithoutBoardAddress) {
  testing::TempDir dir;
  const auto launch = in_project(dir, "ADC_SingleConversion_TriggerSW_CM33_NonSecure Debug.launch",
                                 "Debug/ADC_SingleConversion_TriggerSW_CM33_NonSecure.elf");
  const auto parsed = config::read_launch_file(launch);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, "com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType");
  EXPECT_EQ(parsed->connection(), "MPU Serial");
  EXPECT_EQ(parsed->attribute("com.st.stm32cube.ide.mcu.debug.launch.access_port_id"), "3");
  EXPECT_EQ(parsed->attribute("org.eclipse.cdt.debug.gdbjtag.core.OPENOCD_OTHER_OPTIONS"), "-bc \"set ddr_conf stpmic2_lpddr4\"");
  EXPECT_FALSE(parsed->board_address());
  core::Settings effective;
  const auto r = config(launch, effective);
  EXPECT_EQ(effective.serial, "COM40");
  EXPECT_EQ(r.observed.get("serial"), "COM40 (launch file)");
  EXPECT_EQ(effective.production_mode, true);
  EXPECT_TRUE(effective.host.empty());
  EXPECT_TRUE(r.has(Code::NoHostGiven)) << "no inetAddrLoader: the remote steps are skipped, and the report says why";
  EXPECT_FALSE(r.has(Code::EngineeringModeLaunch));
  EXPECT_EQ(effective.elf, dir.file("Debug/ADC_SingleConversion_TriggerSW_CM33_NonSecure.elf"));
  EXPECT_TRUE(effective.signed_image.empty()) << "an unsigned ELF in Debug/";
}

TEST(LaunchFixtures, EngineeringModeFileIsNamedAsSuch) {
  testing::TempDir dir;
  const auto launch = in_project(dir, "Nx_Iperf_CM33_NonSecure Debug_DDR.launch", "Debug_DDR/Nx_Iperf_CM33_NonSecure.elf");
  core::Settings effective;
  const auto r = config(launch, effective);
  ASSERT_TRUE(r.has(Code::EngineeringModeLaunch));
  EXPECT_EQ(r.status, StepStatus::warning);
  EXPECT_FALSE(effective.production_mode.has_value());
  EXPECT_TRUE(effective.serial.empty());
  EXPECT_TRUE(effective.host.empty());
  EXPECT_FALSE(r.has(Code::NotProductionMode)) << "production mode is not off, it is absent";
}

TEST(LaunchFixtures, Mp1FileWithBackslashProgramAndProductionModeOff) {
  testing::TempDir dir;
  const auto launch = in_project(dir, "OpenAMP_TTY_echo_CM4 Debug.launch", "Debug/OpenAMP_TTY_echo_CM4.elf");
  core::Settings effective;
  const auto r = config(launch, effective);
  EXPECT_EQ(effective.serial, "COM9");
  EXPECT_EQ(effective.host, "192.168.7.1");
  EXPECT_EQ(effective.production_mode, false);
  EXPECT_TRUE(r.has(Code::NotProductionMode));
  EXPECT_FALSE(r.has(Code::EngineeringModeLaunch));
  EXPECT_EQ(effective.elf, dir.file("Debug/OpenAMP_TTY_echo_CM4.elf")) << "Debug\\…elf resolved with '/'";
}

TEST(LaunchFixtures, LinuxHostsTtyAcm0) {
  testing::TempDir dir;
  const auto launch = in_project(dir, "OpenAMP_TTY_echo_CM4 Debug ttyACM0.launch", "");
  core::Settings effective;
  const auto r = config(launch, effective);
  EXPECT_EQ(effective.serial, "/dev/ttyACM0");
  EXPECT_EQ(effective.host, "192.168.7.1");
  EXPECT_EQ(effective.production_mode, true);
  EXPECT_EQ(r.status, StepStatus::ok) << "the program is not built yet: a fact, not a failure";
  EXPECT_EQ(r.observed.get("program_found").value_or("").substr(0, 2), "no");
}

}  // namespace
}  // namespace stm32mp::steps
