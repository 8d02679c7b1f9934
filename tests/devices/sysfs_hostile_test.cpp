// A hostile --sysfs-root: attributes that are FIFOs or 1 GiB files, links that lead out of the root. The walk
// reads regular attribute files for one page only, never blocks, and lists nothing outside the root.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "adapters/linux/sysfs_device_enumerator.h"
#include "devices/sysfs_fixture.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

namespace fs = std::filesystem;

TEST(SysfsHostile, FifoAndHugeAttributesNeverBlockNorCostMoreThanAPage) {
  TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  const auto usb = fs::path(fx.sysfs_root()) / "devices/pci0000:00/0000:00:14.0/usb1/1-2";
  fs::remove(usb / "serial");
  ASSERT_EQ(mkfifo((usb / "serial").c_str(), 0600), 0);  // would block an open() for ever
  fs::remove(usb / "product");
  std::ofstream(usb / "product") << std::string(8192, 'P');  // two pages, no newline
  fs::resize_file(usb / "manufacturer", 1ULL << 30);          // 1 GiB (sparse)
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  const auto t0 = std::chrono::steady_clock::now();
  const auto e = enumerator.enumerate(fx.sysfs_root(), fx.dev_root());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_TRUE(e.has_value()) << e.error();
  ASSERT_EQ(e->serial.size(), 1u);
  ASSERT_TRUE(e->serial[0].usb.has_value());
  EXPECT_EQ(e->serial[0].usb->serial, "");
  EXPECT_EQ(e->serial[0].usb->product.size(), 4096u);
  EXPECT_LE(e->serial[0].usb->manufacturer.size(), 4096u);
}

TEST(SysfsHostile, ALinkOutOfTheRootIsNotFollowed) {
  TempDir dir;
  SysfsFixture fx(dir.path());
  // A USB device outside the sysfs root, and a tty whose `device` link points at it.
  TempDir outside;
  SysfsFixture elsewhere(outside.path());
  const auto v3 = SysfsFixture::stlink_v3e();
  elsewhere.add_usb_device(v3);
  elsewhere.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  const auto tty = fs::path(fx.sysfs_root()) / "class" / "tty" / "ttyACM9";
  fs::create_directories(tty);
  fs::create_symlink(fs::path(elsewhere.sysfs_root()) / "devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1",
                     tty / "device");
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  const auto e = enumerator.enumerate(fx.sysfs_root(), fx.dev_root());
  ASSERT_TRUE(e.has_value()) << e.error();
  EXPECT_TRUE(e->serial.empty());
}

}  // namespace
}  // namespace stm32mp::testing
