#pragma once
// Builds sysfs and /dev trees the way the Linux kernel and udev lay them out, for the device
// enumeration tests (the same shape tests/board-sim writes for the simulated board):
//   sys/class/tty/ttyACM0 -> ../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/tty/ttyACM0
//   sys/devices/…/usb1/1-2/{idVendor,idProduct,serial,manufacturer,product,busnum,devnum}
//   sys/devices/…/1-2/1-2:1.1/{bInterfaceNumber,interface,bInterfaceClass}, driver -> …/bus/usb/drivers/cdc_acm
//   sys/devices/…/1-2:1.1/tty/ttyACM0/{dev,uevent}, device -> ../../../1-2:1.1
//   sys/bus/usb/devices/1-2 -> ../../../devices/…/usb1/1-2
//   dev/ttyACM0 (a file, or a symlink to a pty), dev/serial/by-id/usb-… -> ../../ttyACM0
#include <filesystem>
#include <string>

namespace stm32mp::testing {

struct UsbSpec {
  std::string port;  // "1-2": bus 1, hub port 2
  std::string vid;
  std::string pid;
  std::string serial;
  std::string manufacturer;
  std::string product;
};

class SysfsFixture {
 public:
  explicit SysfsFixture(const std::filesystem::path& root);
  [[nodiscard]] std::string sysfs_root() const { return (root_ / "sys").string(); }
  [[nodiscard]] std::string dev_root() const { return (root_ / "dev").string(); }
  [[nodiscard]] std::filesystem::path node(const std::string& tty) const { return root_ / "dev" / tty; }

  void add_usb_device(const UsbSpec& usb);
  // A cdc_acm tty on interface `intf` of `usb` (added first), with a /dev node and a by-id link.
  void add_acm(const UsbSpec& usb, int intf, const std::string& intf_string, const std::string& tty, bool node = true);
  // An FTDI usb-serial adapter: interface 0, port device ttyUSBn bound to ftdi_sio.
  void add_ftdi(const UsbSpec& usb, const std::string& tty);
  // A built-in UART (platform serial8250) and the virtual tty0, which enumeration leaves out.
  void add_builtin_uart(const std::string& tty);
  void add_virtual_tty(const std::string& tty);
  // Makes dev/<tty> a symlink to `target` (a pty slave) instead of a plain file.
  void link_node(const std::string& tty, const std::filesystem::path& target);

  // Presets (serial numbers as ST-LINKs report them).
  static UsbSpec stlink_v3e(const std::string& port = "1-2", const std::string& serial = "004A00233133510D37363734");
  static UsbSpec stlink_v3_2vcp(const std::string& port = "1-4", const std::string& serial = "002F003D3232511939353236");
  static UsbSpec stlink_v21(const std::string& port = "1-3", const std::string& serial = "066DFF495051717867153623");
  static UsbSpec stlink_v2(const std::string& port = "1-5", const std::string& serial = "37FF71064E57343625581443");
  static UsbSpec ftdi(const std::string& port = "1-6", const std::string& serial = "A50285BI");

 private:
  [[nodiscard]] std::filesystem::path usb_dir(const UsbSpec& usb) const;
  void add_tty(const std::filesystem::path& device_dir, const std::string& tty, const std::string& device_link,
               int minor);
  std::filesystem::path root_;
  int next_minor_ = 0;
};

}  // namespace stm32mp::testing
