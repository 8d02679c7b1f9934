// Windows enumeration from recorded device trees (SetupAPI/CfgMgr32 answers as JSON): wine has no
// device manager, so the mapping to ST-LINK probes and VCPs is tested from the records.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "adapters/windows/device_tree.h"
#include "adapters/windows/windows_device_enumerator.h"
#include "windows_test_paths.h"

namespace stm32mp::adapters::windows {
namespace {

devices::Enumeration enumerate_fixture(const std::string& name) {
  WindowsDeviceEnumerator enumerator;
  auto e = enumerator.enumerate(testing::windows_fixture(name), "");
  EXPECT_TRUE(e.has_value()) << (e ? "" : e.error());
  return e ? *e : devices::Enumeration{};
}

TEST(WindowsInstanceId, InterfaceIdsGiveVidPidAndInterfaceButNoSerial) {
  const auto ids = parse_instance_id(R"(USB\VID_0483&PID_374E&MI_02\6&2B7A8F0&0&0002)");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->vid, 0x0483);
  EXPECT_EQ(ids->pid, 0x374E);
  EXPECT_EQ(ids->interface_number, "02");
  EXPECT_EQ(ids->serial, "");
}

TEST(WindowsInstanceId, DeviceIdsCarryTheReportedSerialButNotAMadeUpOne) {
  EXPECT_EQ(parse_instance_id(R"(USB\VID_0483&PID_374E\004A00323234510A33353533)")->serial, "004A00323234510A33353533");
  EXPECT_EQ(parse_instance_id(R"(USB\VID_046D&PID_C52B\5&1F0D6AB&0&3)")->serial, "");
  EXPECT_FALSE(parse_instance_id(R"(ACPI\PNP0501\0)"));
}

TEST(WindowsInstanceId, FtdiBusIdsUsePlusSigns) {
  const auto ids = parse_instance_id(R"(FTDIBUS\VID_0403+PID_6001+A50285BIA\0000)");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->vid, 0x0403);
  EXPECT_EQ(ids->pid, 0x6001);
}

TEST(WindowsDeviceTree, StlinkV3eVcpMapsToItsProbe) {
  const auto e = enumerate_fixture("stlink_v3e_dk.json");
  EXPECT_TRUE(e.com_names);
  ASSERT_EQ(e.serial.size(), 1u);
  const auto& d = e.serial[0];
  EXPECT_EQ(d.node, "COM40");
  ASSERT_TRUE(d.stlink);
  EXPECT_EQ(d.stlink->name, "STLINK-V3E");
  ASSERT_TRUE(d.usb);
  EXPECT_EQ(d.usb->serial, "004A00323234510A33353533");
  EXPECT_EQ(d.interface_number, "02");
  EXPECT_EQ(d.interface, "ST-Link VCP Ctrl");
  ASSERT_EQ(e.probes.size(), 1u);
  EXPECT_EQ(e.probes[0].vcp_nodes, std::vector<std::string>{"COM40"});
  EXPECT_EQ(devices::list_vcps(e), d.summary());
  EXPECT_NE(d.summary().find("COM40"), std::string::npos);
  EXPECT_NE(d.summary().find("serial 004A00323234510A33353533"), std::string::npos);
}

TEST(WindowsDeviceTree, TwoBoardsInboxDriverAndTwoVcpsGroupByParentDevice) {
  const auto e = enumerate_fixture("two_boards.json");
  ASSERT_EQ(e.serial.size(), 4u);
  EXPECT_EQ(e.serial[0].node, "COM1");  // natural order: COM1, COM7, COM12, COM13
  EXPECT_EQ(e.serial[1].node, "COM7");
  EXPECT_EQ(e.serial[2].node, "COM12");
  EXPECT_EQ(e.serial[3].node, "COM13");
  EXPECT_FALSE(e.serial[0].usb);  // the motherboard UART
  EXPECT_FALSE(e.serial[0].is_stlink_vcp());
  // "USB Serial Device (COM7)" from Windows' inbox driver is still the STLINK-V3SET's VCP.
  ASSERT_TRUE(e.serial[1].stlink);
  EXPECT_EQ(e.serial[1].stlink->name, "STLINK-V3S/V3SET");
  EXPECT_EQ(e.serial[1].usb->serial, "002F003C3137510D33333639");
  ASSERT_EQ(e.probes.size(), 2u);
  const auto two = std::find_if(e.probes.begin(), e.probes.end(), [](const auto& p) { return p.usb.pid == 0x3753; });
  ASSERT_NE(two, e.probes.end());
  EXPECT_EQ(two->vcp_nodes, (std::vector<std::string>{"COM12", "COM13"}));
}

TEST(WindowsDeviceTree, FtdiIsNotAnStlinkAndAProbeWithoutVcpIsListed) {
  const auto e = enumerate_fixture("v21_and_ftdi.json");
  ASSERT_EQ(e.serial.size(), 2u);
  EXPECT_EQ(e.serial[0].node, "COM3");
  ASSERT_TRUE(e.serial[0].stlink);
  EXPECT_EQ(e.serial[0].stlink->name, "ST-LINK/V2-1");
  EXPECT_EQ(e.serial[1].node, "COM5");
  ASSERT_TRUE(e.serial[1].usb);
  EXPECT_EQ(e.serial[1].usb->vid, 0x0403);
  EXPECT_EQ(e.serial[1].usb->serial, "A50285BI");
  EXPECT_FALSE(e.serial[1].is_stlink_vcp());
  ASSERT_EQ(e.probes.size(), 2u);
  const auto v3 = std::find_if(e.probes.begin(), e.probes.end(), [](const auto& p) { return p.usb.pid == 0x374E; });
  ASSERT_NE(v3, e.probes.end());
  EXPECT_TRUE(v3->vcp_nodes.empty());
  EXPECT_EQ(v3->usb.serial, "0039003F3233510C37353335");
}

TEST(WindowsDeviceTree, InspectKnowsOnlyPortsInTheTree) {
  WindowsDeviceEnumerator enumerator;
  const auto fixture = testing::windows_fixture("stlink_v3e_dk.json");
  EXPECT_TRUE(enumerator.inspect("COM40", fixture).exists);
  EXPECT_TRUE(enumerator.inspect(R"(\\.\com40)", fixture).exists);
  EXPECT_FALSE(enumerator.inspect("COM41", fixture).exists);
  EXPECT_FALSE(enumerator.inspect("/dev/ttyACM0", fixture).exists);
}

TEST(WindowsDeviceTree, UnreadableOrBrokenRecordingIsAnError) {
  WindowsDeviceEnumerator enumerator;
  EXPECT_FALSE(enumerator.enumerate(testing::windows_fixture("missing.json"), ""));
  EXPECT_FALSE(parse_recorded_tree("[1,2"));
}

}  // namespace
}  // namespace stm32mp::adapters::windows
