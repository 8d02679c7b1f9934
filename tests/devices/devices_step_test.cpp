// The devices step against sysfs trees in the kernel's layout (tests/devices/sysfs_fixture.h).
#include <gtest/gtest.h>

#include "adapters/linux/sysfs_device_enumerator.h"
#include "core/progress.h"
#include "devices/sysfs_fixture.h"
#include "steps/devices_step.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

using testing::SysfsFixture;

struct Run {
  core::StepReport report;
  std::optional<devices::Enumeration> found;
};

Run run_devices(const SysfsFixture& fx) {
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
  Run run;
  run.report = check_devices({fx.sysfs_root(), fx.dev_root()}, enumerator, control, run.found);
  return run;
}

TEST(DevicesStep, StlinkV3eWithOneVcpInTheBoardSimLayout) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  fx.add_builtin_uart("ttyS0");
  fx.add_virtual_tty("tty0");
  const auto run = run_devices(fx);
  EXPECT_EQ(run.report.status, core::StepStatus::ok);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->serial.size(), 1u) << "ttyS0 and tty0 are not USB serial devices";
  const auto& d = run.found->serial[0];
  EXPECT_EQ(d.node, "/dev/ttyACM0");
  EXPECT_EQ(d.path, fx.dev_root() + "/ttyACM0");
  EXPECT_EQ(d.driver, "cdc_acm");
  ASSERT_TRUE(d.usb);
  EXPECT_EQ(d.usb->vid, 0x0483);
  EXPECT_EQ(d.usb->pid, 0x374e);
  EXPECT_EQ(d.usb->serial, "004A00233133510D37363734");
  EXPECT_EQ(d.usb->manufacturer, "STMicroelectronics");
  EXPECT_EQ(d.usb->product, "STLINK-V3");
  EXPECT_EQ(d.interface_number, "01");
  EXPECT_EQ(d.interface, "ST-Link VCP Ctrl");
  EXPECT_EQ(d.by_id, "/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01");
  ASSERT_TRUE(d.stlink);
  EXPECT_EQ(d.stlink->name, "STLINK-V3E");
  EXPECT_TRUE(d.exists);
  EXPECT_TRUE(d.accessible);
  ASSERT_EQ(run.found->probes.size(), 1u);
  EXPECT_EQ(run.found->probes[0].vcp_nodes, std::vector<std::string>{"/dev/ttyACM0"});
  EXPECT_NE(run.report.observed.get("/dev/ttyACM0")->find("STLINK-V3 - ST-Link VCP Ctrl, cdc_acm, 0483:374e"),
            std::string::npos);
  EXPECT_EQ(run.report.observed.get("probe 1"),
            "STLINK-V3E 0483:374e serial 004A00233133510D37363734, VCP: /dev/ttyACM0");
}

TEST(DevicesStep, StlinkV3WithTwoVcpsIsOneProbe) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v3 = SysfsFixture::stlink_v3_2vcp();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  fx.add_acm(v3, 3, "ST-Link VCP2 Ctrl", "ttyACM1");
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->probes.size(), 1u);
  EXPECT_EQ(run.found->probes[0].model.name, "STLINK-V3 (2 VCPs)");
  EXPECT_EQ(run.found->probes[0].vcp_nodes, (std::vector<std::string>{"/dev/ttyACM0", "/dev/ttyACM1"}));
  EXPECT_EQ(run.found->serial[1].interface_number, "03");
  EXPECT_EQ(run.report.status, core::StepStatus::ok);
}

TEST(DevicesStep, StlinkV21IsRecognised) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v21 = SysfsFixture::stlink_v21();
  fx.add_usb_device(v21);
  fx.add_acm(v21, 2, "ST-Link VCP", "ttyACM0");
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->probes.size(), 1u);
  EXPECT_EQ(run.found->probes[0].model.name, "ST-LINK/V2-1");
  EXPECT_EQ(run.found->serial[0].description(), "STM32 STLink - ST-Link VCP");
}

TEST(DevicesStep, FtdiAdapterAloneIsNoProbe) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto ftdi = SysfsFixture::ftdi();
  fx.add_usb_device(ftdi);
  fx.add_ftdi(ftdi, "ttyUSB0");
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->serial.size(), 1u);
  const auto& d = run.found->serial[0];
  EXPECT_EQ(d.driver, "ftdi_sio");
  EXPECT_EQ(d.subsystem, "usb-serial");
  EXPECT_EQ(d.usb->vid, 0x0403);
  EXPECT_EQ(d.usb->serial, "A50285BI");
  EXPECT_FALSE(d.is_stlink_vcp());
  EXPECT_TRUE(run.found->probes.empty());
  EXPECT_TRUE(run.report.has(core::Code::NoStlinkProbe));
  EXPECT_EQ(run.report.status, core::StepStatus::warning);
}

TEST(DevicesStep, TwoBoardsAtOnce) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto a = SysfsFixture::stlink_v3e("1-2", "004A00233133510D37363734");
  const auto b = SysfsFixture::stlink_v3e("1-7", "0021003A3133510D37363734");
  fx.add_usb_device(a);
  fx.add_acm(a, 1, "ST-Link VCP Ctrl", "ttyACM0");
  fx.add_usb_device(b);
  fx.add_acm(b, 1, "ST-Link VCP Ctrl", "ttyACM1");
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->probes.size(), 2u);
  EXPECT_TRUE(run.report.has(core::Code::SeveralStlinkProbes));
  for (const auto& p : run.found->probes) {
    ASSERT_EQ(p.vcp_nodes.size(), 1u);
    EXPECT_EQ(p.vcp_nodes[0], p.usb.serial == a.serial ? "/dev/ttyACM0" : "/dev/ttyACM1");
  }
}

TEST(DevicesStep, StlinkV2DongleHasNoVcp) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  fx.add_usb_device(SysfsFixture::stlink_v2());
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  ASSERT_EQ(run.found->probes.size(), 1u);
  EXPECT_TRUE(run.report.has(core::Code::StlinkWithoutVcp));
  EXPECT_EQ(run.report.diagnostics[0].observed.get("probe"),
            "ST-LINK/V2 0483:3748 serial 37FF71064E57343625581443, VCP: none (model has no VCP)");
}

TEST(DevicesStep, MissingNodeIsListedAsMissing) {
  testing::TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0", /*node=*/false);
  const auto run = run_devices(fx);
  ASSERT_TRUE(run.found);
  EXPECT_FALSE(run.found->serial[0].exists);
  EXPECT_NE(run.report.observed.get("/dev/ttyACM0")->find("node missing"), std::string::npos);
}

TEST(DevicesStep, UnreadableSysfsIsAnError) {
  testing::TempDir dir;
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
  std::optional<devices::Enumeration> found;
  const auto r = check_devices({dir.file("nosys"), dir.file("dev")}, enumerator, control, found);
  EXPECT_EQ(r.status, core::StepStatus::error);
  EXPECT_TRUE(r.has(core::Code::SysfsUnreadable));
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace stm32mp::steps
