// The `devices` listing: the renderer against hand-built enumerations (golden files), and the CLI
// against a sysfs tree in the kernel's layout.
#include <gtest/gtest.h>

#include "devices/devices_table.h"
#include "devices/stlink_models.h"
#include "devices/sysfs_fixture.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::devices {
namespace {

UsbIdentity usb(std::uint16_t vid, std::uint16_t pid, std::string serial, std::string product, std::string dir) {
  UsbIdentity u;
  u.vid = vid;
  u.pid = pid;
  u.serial = std::move(serial);
  u.manufacturer = "STMicroelectronics";
  u.product = std::move(product);
  u.sysfs_path = std::move(dir);
  return u;
}

SerialDevice tty(std::string name, std::optional<UsbIdentity> id, std::string interface) {
  SerialDevice d;
  d.name = name;
  d.node = "/dev/" + name;
  d.usb = std::move(id);
  d.interface = std::move(interface);
  d.driver = "cdc_acm";
  d.exists = true;
  d.accessible = true;
  if (d.usb) d.stlink = find_stlink(d.usb->vid, d.usb->pid);
  return d;
}

TEST(DevicesTable, VcpsAdaptersAndProbesWithoutATty) {
  Enumeration e;
  e.sysfs_root = "/sys";
  e.dev_root = "/dev";
  auto vcp = tty("ttyACM0", usb(0x0483, 0x374e, "004A00233133510D37363734", "STLINK-V3", "/sys/devices/usb1/1-2"),
                 "ST-Link VCP Ctrl");
  vcp.by_id = "/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01";
  auto ftdi = tty("ttyUSB0", usb(0x0403, 0x6001, "A50285BI", "FT232R USB UART", "/sys/devices/usb1/1-6"), "");
  ftdi.driver = "ftdi_sio";
  ftdi.accessible = false;
  ftdi.reason = "permission denied (group dialout; you are not in it)";
  auto gone = tty("ttyACM3", usb(0x0483, 0x3753, "002F003D3232511939353236", "STLINK-V3", "/sys/devices/usb1/1-4"),
                  "ST-Link VCP Data");
  gone.exists = false;
  e.serial = {vcp, ftdi, gone};
  e.build_probes({usb(0x0483, 0x3748, "37FF71064E57343625581443", "STM32 STLink", "/sys/devices/usb1/1-5")});
  testing::expect_golden("devices_table.txt", render_devices_table(e));
}

TEST(DevicesTable, NothingConnected) {
  Enumeration e;
  e.sysfs_root = "/sys";
  e.dev_root = "/dev";
  testing::expect_golden("devices_table_empty.txt", render_devices_table(e));
}

TEST(DevicesCli, PrintsTheTableAndNoLaunchVerdict) {
  stm32mp::testing::TempDir dir;
  stm32mp::testing::SysfsFixture fx(dir.path());
  const auto v3 = stm32mp::testing::SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  const auto r = stm32mp::testing::run_process(
      {PRELAUNCH_CLI, "devices", "--sysfs-root", fx.sysfs_root(), "--dev-root", fx.dev_root(), "--no-color"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("/dev/ttyACM0 *"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("STLINK-V3 - ST-Link VCP Ctrl"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0483:374e"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("by-id: /dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("STLINK-V3E 0483:374e serial 004A00233133510D37363734, VCP: /dev/ttyACM0"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Ready to debug"), std::string::npos) << "a listing does not judge a launch:\n" << r.out;
  EXPECT_EQ(r.out.find("CFG004"), std::string::npos) << "no board address is needed to list devices:\n" << r.out;
}

TEST(DevicesCli, NoProbeShowsTheDevicesStepWarning) {
  stm32mp::testing::TempDir dir;
  stm32mp::testing::SysfsFixture fx(dir.path());
  const auto r = stm32mp::testing::run_process(
      {PRELAUNCH_CLI, "devices", "--sysfs-root", fx.sysfs_root(), "--dev-root", fx.dev_root(), "--no-color"});
  EXPECT_EQ(r.exit_code, 0) << "a warning is not an error: " << r.out << r.err;
  EXPECT_NE(r.out.find("Serial devices (sysfs " + fx.sysfs_root()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("! devices      Serial devices and ST-LINK probes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning[DEV001]"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace stm32mp::devices
