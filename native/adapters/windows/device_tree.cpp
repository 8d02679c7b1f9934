#include "adapters/windows/device_tree.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace stm32mp::adapters::windows {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The hex digits after `key` in `ids` ("VID_0483&PID_374E&MI_02" or FTDI's "VID_0403+PID_6001+…").
std::optional<std::string> field(const std::string& ids, const std::string& key, std::size_t digits) {
  const auto at = ids.find(key);
  if (at == std::string::npos || at + key.size() + digits > ids.size()) return std::nullopt;
  const auto value = ids.substr(at + key.size(), digits);
  if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isxdigit(c) != 0; })) return std::nullopt;
  return value;
}

std::string text(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The record naming the USB device: the parent for a composite interface (MI_xx) or an FTDI port,
// the port itself for a plain USB CDC device.
std::string usb_device_id(const ComPortRecord& r) {
  const auto own = parse_instance_id(r.instance_id);
  if (own && own->interface_number.empty() && upper(r.instance_id).rfind("USB\\", 0) == 0) return r.instance_id;
  return r.parent_instance_id;
}

// "COM4" before "COM10".
bool port_order(const devices::SerialDevice& a, const devices::SerialDevice& b) {
  if (a.name.size() != b.name.size()) return a.name.size() < b.name.size();
  return a.name < b.name;
}

}  // namespace

std::optional<UsbIds> parse_instance_id(const std::string& id) {
  const auto u = upper(id);
  const auto first = u.find('\\');
  if (first == std::string::npos) return std::nullopt;
  const auto second = u.find('\\', first + 1);
  const auto ids = u.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  const auto vid = field(ids, "VID_", 4);
  const auto pid = field(ids, "PID_", 4);
  if (!vid || !pid) return std::nullopt;
  UsbIds out;
  out.vid = static_cast<std::uint16_t>(std::stoul(*vid, nullptr, 16));
  out.pid = static_cast<std::uint16_t>(std::stoul(*pid, nullptr, 16));
  if (const auto mi = field(ids, "MI_", 2)) out.interface_number = *mi;
  if (out.interface_number.empty() && second != std::string::npos) {
    // The original case: serials are shown as the device reports them.
    const auto last = id.substr(second + 1);
    if (!last.empty() && last.find('&') == std::string::npos) out.serial = last;
  }
  return out;
}

core::expected<DeviceTree, std::string> parse_recorded_tree(const std::string& json_text) {
  const auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::unexpected{std::string("not a JSON object")};
  DeviceTree tree;
  if (const auto ports = j.find("com_ports"); ports != j.end() && ports->is_array()) {
    for (const auto& p : *ports) {
      if (!p.is_object()) continue;
      tree.com_ports.push_back({text(p, "port"), text(p, "instance_id"), text(p, "parent_instance_id"),
                                text(p, "interface_description"), text(p, "device_description"),
                                text(p, "friendly_name"), text(p, "manufacturer"), text(p, "service")});
    }
  }
  if (const auto usb = j.find("usb_devices"); usb != j.end() && usb->is_array()) {
    for (const auto& u : *usb) {
      if (u.is_object()) tree.usb_devices.push_back({text(u, "instance_id"), text(u, "device_description")});
    }
  }
  return tree;
}

devices::Enumeration to_enumeration(const DeviceTree& tree) {
  devices::Enumeration e;
  e.com_names = true;
  std::vector<std::string> seen_usb;
  for (const auto& r : tree.com_ports) {
    devices::SerialDevice d;
    d.name = upper(r.port);
    d.node = d.name;
    d.path = d.name;
    d.real_path = d.name;
    d.driver = r.service;
    d.exists = true;
    d.accessible = true;  // no permissions on COM ports: only "busy", found when opening
    d.interface = r.interface_description;
    const auto device_id = usb_device_id(r);
    const auto own = parse_instance_id(r.instance_id);
    const auto usb_ids = parse_instance_id(device_id);
    if (own) d.interface_number = own->interface_number;
    if (usb_ids) {
      devices::UsbIdentity u;
      u.vid = usb_ids->vid;
      u.pid = usb_ids->pid;
      u.serial = usb_ids->serial;
      u.product = r.device_description;
      u.manufacturer = r.manufacturer;
      u.sysfs_path = device_id;  // the structural key: both VCPs of one composite device share it
      d.usb = u;
      d.subsystem = "usb";
      d.stlink = devices::find_stlink(u.vid, u.pid);
      seen_usb.push_back(upper(device_id));
    } else {
      d.subsystem = "platform";  // a motherboard UART (ACPI\PNP0501) or a virtual port
    }
    e.serial.push_back(std::move(d));
  }
  std::sort(e.serial.begin(), e.serial.end(), port_order);
  std::vector<devices::UsbIdentity> others;
  for (const auto& u : tree.usb_devices) {
    if (std::find(seen_usb.begin(), seen_usb.end(), upper(u.instance_id)) != seen_usb.end()) continue;
    const auto ids = parse_instance_id(u.instance_id);
    if (!ids || !ids->interface_number.empty()) continue;
    devices::UsbIdentity id;
    id.vid = ids->vid;
    id.pid = ids->pid;
    id.serial = ids->serial;
    id.product = u.device_description;
    id.sysfs_path = u.instance_id;
    others.push_back(std::move(id));
  }
  e.build_probes(others);
  return e;
}

}  // namespace stm32mp::adapters::windows
