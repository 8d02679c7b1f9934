#pragma once
#include "ports/device_enumerator.h"

namespace stm32mp::adapters::linux_os {

// Walks sysfs the way the kernel lays it out (class/tty/<name> → devices/…/usbN/N-M/N-M:1.x/tty/<name>)
// rather than using libudev: tests and containers point it at a fixture tree with --sysfs-root, and
// libudev always reads the real /sys. Attribute use follows pyserial's list_ports_linux and
// libserialport's linux.c (idVendor, idProduct, serial, manufacturer, product on the USB device;
// bInterfaceNumber and interface on the interface; the driver link's name).
class SysfsDeviceEnumerator final : public ports::DeviceEnumerator {
 public:
  [[nodiscard]] core::expected<devices::Enumeration, std::string> enumerate(const std::string& sysfs_root,
                                                                           const std::string& dev_root) override;
  [[nodiscard]] ports::NodeInfo inspect(const std::string& path, const std::string& sysfs_root) override;
};

}  // namespace stm32mp::adapters::linux_os
