#pragma once
// What Windows' device manager knows about serial ports, as plain records: the seam between the
// SetupAPI/CfgMgr32 reader (setupapi_device_tree.cpp, real Windows only: wine enumerates nothing) and
// the mapping to devices::Enumeration (to_enumeration, tested with recorded trees). A recorded tree is
// JSON of the same fields (tests/windows/fixtures/*.json); `devices --sysfs-root <file>.json` reads one.
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "devices/serial_device.h"

namespace stm32mp::adapters::windows {

struct ComPortRecord {
  std::string port;                   // PortName under the device's registry key: COM40
  std::string instance_id;            // USB\VID_0483&PID_374E&MI_02\6&2B7A8F0&0&0002 (FTDIBUS\… for FTDI)
  std::string parent_instance_id;     // CM_Get_Parent: USB\VID_0483&PID_374E\004A00323234510A33353533
  std::string interface_description;  // DEVPKEY_Device_BusReportedDeviceDesc of the port: the interface string
  std::string device_description;     // the same key of the USB device: its product string (STLINK-V3)
  std::string friendly_name;          // shown by Device Manager; never matched on (depends on the driver)
  std::string manufacturer;           // SPDRP_MFG: the driver package's manufacturer
  std::string service;                // SPDRP_SERVICE: usbser, FTDIBUS, …
};

// A USB device without a COM port (an ST-LINK whose VCP is off or has no driver).
struct UsbDeviceRecord {
  std::string instance_id;
  std::string device_description;
};

struct DeviceTree {
  std::vector<ComPortRecord> com_ports;
  std::vector<UsbDeviceRecord> usb_devices;
};

// USB\VID_0483&PID_374E&MI_02\… → vid, pid, interface "02"; the serial from a device (not
// interface) id's last part when the device reported one (Windows makes up ids containing '&' otherwise).
struct UsbIds {
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::string interface_number;
  std::string serial;
};
[[nodiscard]] std::optional<UsbIds> parse_instance_id(const std::string& id);

[[nodiscard]] core::expected<DeviceTree, std::string> parse_recorded_tree(const std::string& json_text);
[[nodiscard]] devices::Enumeration to_enumeration(const DeviceTree& tree);

class DeviceTreeSource {
 public:
  virtual ~DeviceTreeSource() = default;
  [[nodiscard]] virtual core::expected<DeviceTree, std::string> read() = 0;
};

// The live tree through SetupAPI and CfgMgr32.
class SetupApiDeviceTree final : public DeviceTreeSource {
 public:
  [[nodiscard]] core::expected<DeviceTree, std::string> read() override;
};

}  // namespace stm32mp::adapters::windows
