#include "devices/sysfs_fixture.h"

#include "support/golden.h"

namespace stm32mp::testing {
namespace {

namespace fs = std::filesystem;
const char* kPci = "devices/pci0000:00/0000:00:14.0";

void attr(const fs::path& p, const std::string& value) { write_file(p.string(), value + "\n"); }

// Relative path from `from_dir` to `to` (both inside the fixture), as the kernel's sysfs links are.
void rel_link(const fs::path& to, const fs::path& link) {
  fs::create_directories(link.parent_path());
  fs::create_symlink(fs::relative(to, link.parent_path()), link);
}

}  // namespace

SysfsFixture::SysfsFixture(const fs::path& root) : root_(root) {
  fs::create_directories(root_ / "sys" / "class" / "tty");
  fs::create_directories(root_ / "sys" / "bus" / "usb" / "devices");
  fs::create_directories(root_ / "sys" / "bus" / "usb" / "drivers" / "cdc_acm");
  fs::create_directories(root_ / "sys" / "bus" / "usb" / "drivers" / "ftdi_sio");
  fs::create_directories(root_ / "sys" / "bus" / "usb-serial" / "drivers" / "ftdi_sio");
  fs::create_directories(root_ / "dev" / "serial" / "by-id");
}

fs::path SysfsFixture::usb_dir(const UsbSpec& usb) const {
  const auto bus = usb.port.substr(0, usb.port.find('-'));
  return root_ / "sys" / kPci / ("usb" + bus) / usb.port;
}

void SysfsFixture::add_usb_device(const UsbSpec& usb) {
  const auto dir = usb_dir(usb);
  fs::create_directories(dir);
  attr(dir / "idVendor", usb.vid);
  attr(dir / "idProduct", usb.pid);
  if (!usb.serial.empty()) attr(dir / "serial", usb.serial);
  attr(dir / "manufacturer", usb.manufacturer);
  attr(dir / "product", usb.product);
  attr(dir / "busnum", usb.port.substr(0, usb.port.find('-')));
  attr(dir / "devnum", std::to_string(5 + next_minor_));
  rel_link(dir, root_ / "sys" / "bus" / "usb" / "devices" / usb.port);
}

void SysfsFixture::add_tty(const fs::path& device_dir, const std::string& tty, const std::string& device_link,
                           int minor) {
  const auto dir = device_dir / "tty" / tty;
  fs::create_directories(dir);
  attr(dir / "dev", "166:" + std::to_string(minor));
  write_file((dir / "uevent").string(), "MAJOR=166\nMINOR=" + std::to_string(minor) + "\nDEVNAME=" + tty + "\n");
  fs::create_symlink(device_link, dir / "device");
  rel_link(dir, root_ / "sys" / "class" / "tty" / tty);
}

void SysfsFixture::add_acm(const UsbSpec& usb, int intf, const std::string& intf_string, const std::string& tty,
                           bool node) {
  const auto name = usb.port + ":1." + std::to_string(intf);
  const auto dir = usb_dir(usb) / name;
  fs::create_directories(dir);
  char num[4];
  std::snprintf(num, sizeof num, "%02d", intf);
  attr(dir / "bInterfaceNumber", num);
  attr(dir / "interface", intf_string);
  attr(dir / "bInterfaceClass", "02");
  rel_link(root_ / "sys" / "bus" / "usb" / "drivers" / "cdc_acm", dir / "driver");
  add_tty(dir, tty, "../../../" + name, next_minor_++);
  if (!node) return;
  write_file(this->node(tty).string(), "");
  const auto by_id = "usb-" + usb.manufacturer + "_" + usb.product + "_" + usb.serial + "-if" + num;
  std::string clean;
  for (char c : by_id) clean += (c == ' ' ? '_' : c);
  fs::create_symlink("../../" + tty, root_ / "dev" / "serial" / "by-id" / clean);
}

void SysfsFixture::add_ftdi(const UsbSpec& usb, const std::string& tty) {
  const auto intf = usb_dir(usb) / (usb.port + ":1.0");
  fs::create_directories(intf);
  attr(intf / "bInterfaceNumber", "00");
  attr(intf / "interface", usb.product);
  rel_link(root_ / "sys" / "bus" / "usb" / "drivers" / "ftdi_sio", intf / "driver");
  const auto port = intf / tty;
  fs::create_directories(port);
  rel_link(root_ / "sys" / "bus" / "usb-serial" / "drivers" / "ftdi_sio", port / "driver");
  rel_link(root_ / "sys" / "bus" / "usb-serial", port / "subsystem");
  add_tty(port, tty, "../../../" + tty, next_minor_++);
  write_file(node(tty).string(), "");
}

void SysfsFixture::add_builtin_uart(const std::string& tty) {
  const auto dev = root_ / "sys" / "devices" / "platform" / "serial8250";
  fs::create_directories(dev);
  add_tty(dev, tty, "../../../serial8250", 64);
  write_file(node(tty).string(), "");
}

void SysfsFixture::add_virtual_tty(const std::string& tty) {
  const auto dir = root_ / "sys" / "devices" / "virtual" / "tty" / tty;
  fs::create_directories(dir);
  attr(dir / "dev", "4:0");
  rel_link(dir, root_ / "sys" / "class" / "tty" / tty);
}

void SysfsFixture::link_node(const std::string& tty, const fs::path& target) {
  fs::remove(node(tty));
  fs::create_symlink(target, node(tty));
}

UsbSpec SysfsFixture::stlink_v3e(const std::string& port, const std::string& serial) {
  return {port, "0483", "374e", serial, "STMicroelectronics", "STLINK-V3"};
}
UsbSpec SysfsFixture::stlink_v3_2vcp(const std::string& port, const std::string& serial) {
  return {port, "0483", "3753", serial, "STMicroelectronics", "STLINK-V3"};
}
UsbSpec SysfsFixture::stlink_v21(const std::string& port, const std::string& serial) {
  return {port, "0483", "374b", serial, "STMicroelectronics", "STM32 STLink"};
}
UsbSpec SysfsFixture::stlink_v2(const std::string& port, const std::string& serial) {
  return {port, "0483", "3748", serial, "STMicroelectronics", "STM32 STLink"};
}
UsbSpec SysfsFixture::ftdi(const std::string& port, const std::string& serial) {
  return {port, "0403", "6001", serial, "FTDI", "FT232R USB UART"};
}

}  // namespace stm32mp::testing
