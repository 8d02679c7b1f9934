#pragma once
// What device enumeration learns about serial devices and ST-LINK probes. Plain data: filled by a
// ports::DeviceEnumerator adapter, read by the devices and serial-port steps and the JSON API.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/stlink_models.h"

namespace stm32mp::devices {

struct UsbIdentity {
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::string serial;
  std::string manufacturer;
  std::string product;
  std::string busnum;
  std::string devnum;
  // Canonical sysfs directory of the USB device: the structural key that ties a VCP to its probe
  // (two interfaces of one composite device), never a string match on serial numbers.
  std::string sysfs_path;
};

struct SerialDevice {
  std::string name;    // kernel name: ttyACM0
  std::string node;    // as the user and the IDE name it: /dev/ttyACM0
  std::string path;    // where it is looked up: <dev-root>/ttyACM0
  std::string by_id;   // /dev/serial/by-id/… when a udev link points at it
  std::string real_path;  // `path` with symlinks resolved (empty when the node is missing)
  std::string driver;  // cdc_acm, ftdi_sio, …
  std::string subsystem;  // usb, usb-serial, platform, …
  std::optional<UsbIdentity> usb;
  std::string interface_number;  // bInterfaceNumber of the USB interface the tty belongs to
  std::string interface;         // its interface string ("ST-Link VCP Ctrl")
  std::optional<StlinkModel> stlink;  // the ST-LINK this tty is a VCP of
  bool exists = false;      // the node is present under the dev root
  bool accessible = false;  // the current user may open it read/write
  std::string reason;       // why not accessible
  std::string group;        // the node's group (dialout on Debian/Ubuntu, uucp on Arch)

  [[nodiscard]] bool is_stlink_vcp() const { return stlink.has_value(); }
  // Human description in pyserial's style: "<product> - <interface>", or the product, or the name.
  [[nodiscard]] std::string description() const;
  // "/dev/ttyACM0 (STLINK-V3E, serial 004A…)": how fixes name a VCP.
  [[nodiscard]] std::string summary() const;
};

struct Probe {
  UsbIdentity usb;
  StlinkModel model;
  std::vector<std::string> vcp_nodes;  // logical node names of its VCP ttys
  [[nodiscard]] std::string summary() const;
};

struct Enumeration {
  std::string sysfs_root;
  std::string dev_root;
  std::vector<SerialDevice> serial;
  std::vector<Probe> probes;
  // Serial devices are COM ports here (Windows): "COM4" is a name to use, not a Linux misconfiguration.
  bool com_names = false;

  [[nodiscard]] std::vector<const SerialDevice*> vcps() const;
  // Groups the ST-LINK VCP ttys into probes (same USB device dir) and adds probes without a tty.
  void build_probes(const std::vector<UsbIdentity>& usb_devices_without_tty = {});
};

// "/dev/ttyACM0 (STLINK-V3E, serial …), /dev/ttyACM2 (…)" or "none".
[[nodiscard]] std::string list_vcps(const Enumeration& e);
[[nodiscard]] std::string hex4(std::uint16_t v);

}  // namespace stm32mp::devices
