#include "steps/config_step.h"

#include <gtest/gtest.h>

#include "support/golden.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::StepStatus;

// The seed case's launch file as STM32CubeIDE writes it (attributes trimmed to the relevant ones).
std::string seed_launch(const std::string& serial, const std::string& program = "CA35TDCID_m33_ns_sign/Blink_CM33_NonSecure_sign.bin") {
  return R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<launchConfiguration type="com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType">
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.connectionSelected" value="MPU Serial"/>
    <booleanAttribute key="org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice" value="true"/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader" value=")" + serial + R"("/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader" value="192.168.7.1"/>
    <stringAttribute key="org.eclipse.cdt.launch.PROGRAM_NAME" value=")" + program + R"("/>
    <stringAttribute key="org.eclipse.cdt.launch.PROJECT_ATTR" value="Blink_CM33_NonSecure"/>
</launchConfiguration>
)";
}

TEST(ConfigStep, TakesSettingsFromTheLaunchFileAndSaysWhere) {
  testing::TempDir dir;
  const auto launch = dir.file("Blink_CM33_NonSecure Debug.launch");
  testing::write_file(launch, seed_launch("/dev/ttyACM1"));
  testing::write_file(dir.file("CA35TDCID_m33_ns_sign/Blink_CM33_NonSecure_sign.bin"), "signed");
  core::Settings given;
  given.launch_file = launch;
  core::Settings effective;
  const auto r = check_config(given, effective);
  EXPECT_EQ(r.status, StepStatus::ok);
  EXPECT_EQ(effective.serial, "/dev/ttyACM1");
  EXPECT_EQ(effective.host, "192.168.7.1");
  EXPECT_EQ(effective.production_mode, true);
  EXPECT_EQ(effective.signed_image, dir.file("CA35TDCID_m33_ns_sign/Blink_CM33_NonSecure_sign.bin"));
  EXPECT_EQ(r.observed.get("serial"), "/dev/ttyACM1 (launch file)");
}

TEST(ConfigStep, OptionsWinOverTheLaunchFile) {
  testing::TempDir dir;
  const auto launch = dir.file("x.launch");
  testing::write_file(launch, seed_launch("COM4", "Debug\\Blink.elf"));
  testing::write_file(dir.file("Debug/Blink.elf"), "elf");
  core::Settings given;
  given.launch_file = launch;
  given.serial = "/dev/ttyACM0";
  core::Settings effective;
  const auto r = check_config(given, effective);
  EXPECT_EQ(effective.serial, "/dev/ttyACM0");
  EXPECT_EQ(r.observed.get("serial"), "/dev/ttyACM0 (option)");
  EXPECT_EQ(effective.elf, dir.file("Debug/Blink.elf")) << "Windows separators in PROGRAM_NAME are converted";
}

TEST(ConfigStep, MissingLaunchFileIsADiagnosticNotACrash) {
  core::Settings given;
  given.launch_file = "/nonexistent/x.launch";
  given.host = "10.0.0.2";
  core::Settings effective;
  const auto r = check_config(given, effective);
  EXPECT_EQ(r.status, StepStatus::error);
  ASSERT_TRUE(r.has(Code::LaunchFileMissing));
  EXPECT_EQ(r.diagnostics[0].observed.get("reason"), "No such file or directory");
}

TEST(ConfigStep, MalformedLaunchFileNamesThePosition) {
  testing::TempDir dir;
  const auto launch = dir.file("bad.launch");
  testing::write_file(launch, "<launchConfiguration><stringAttribute key=\"a\" value=\"b\">");
  core::Settings given;
  given.launch_file = launch;
  core::Settings effective;
  const auto r = check_config(given, effective);
  ASSERT_TRUE(r.has(Code::LaunchFileMalformed));
  EXPECT_NE(r.diagnostics[0].message.find("at byte"), std::string::npos) << r.diagnostics[0].message;

  testing::write_file(launch, "<other/>");
  const auto r2 = check_config(given, effective);
  ASSERT_TRUE(r2.has(Code::LaunchFileMalformed));
}

TEST(ConfigStep, WarnsWhenTheConfigurationIsNotProductionMode) {
  testing::TempDir dir;
  const auto launch = dir.file("eng.launch");
  testing::write_file(launch, R"(<launchConfiguration type="t">
  <booleanAttribute key="org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice" value="false"/>
</launchConfiguration>)");
  core::Settings given;
  given.launch_file = launch;
  given.host = "10.0.0.2";
  core::Settings effective;
  const auto r = check_config(given, effective);
  EXPECT_EQ(r.status, StepStatus::warning);
  EXPECT_TRUE(r.has(Code::NotProductionMode));
}

TEST(ConfigStep, SaysWhenNoHostIsGivenAndRefusesBadValues) {
  core::Settings given;
  given.port = 0;
  given.host_key_policy = "trust-me";
  core::Settings effective;
  const auto r = check_config(given, effective);
  EXPECT_TRUE(r.has(Code::NoHostGiven));
  EXPECT_TRUE(r.has(Code::BadOptionValue));
  EXPECT_EQ(r.status, StepStatus::error);
}

TEST(ConfigStep, NeverShowsThePassword) {
  core::Settings given;
  given.host = "10.0.0.2";
  given.password = "hunter2";
  core::Settings effective;
  const auto r = check_config(given, effective);
  for (const auto& [k, v] : r.observed) EXPECT_EQ(v.find("hunter2"), std::string::npos) << k;
  EXPECT_EQ(effective.password, "hunter2");
}

}  // namespace
}  // namespace stm32mp::steps
