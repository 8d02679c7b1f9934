#include "devices/serial_device.h"

#include <algorithm>
#include <cstdio>

namespace stm32mp::devices {

std::string hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(v));
  return buf;
}

std::string SerialDevice::description() const {
  if (usb && !usb->product.empty()) {
    return interface.empty() ? usb->product : usb->product + " - " + interface;
  }
  return name;
}

std::string SerialDevice::summary() const {
  std::string s = node;
  if (stlink) {
    s += " (" + (usb && !usb->product.empty() ? usb->product : std::string(stlink->name));
    if (usb && !usb->serial.empty()) s += ", serial " + usb->serial;
    s += ")";
  } else if (usb) {
    s += " (" + description() + ", " + hex4(usb->vid) + ":" + hex4(usb->pid) + ")";
  }
  return s;
}

std::string Probe::summary() const {
  std::string s = std::string(model.name) + " " + hex4(usb.vid) + ":" + hex4(usb.pid);
  if (!usb.serial.empty()) s += " serial " + usb.serial;
  s += ", VCP: ";
  if (vcp_nodes.empty()) {
    s += carries_vcp(model.vcp) ? "none found" : "none (model has no VCP)";
  } else {
    for (std::size_t i = 0; i < vcp_nodes.size(); ++i) s += (i ? ", " : "") + vcp_nodes[i];
  }
  return s;
}

std::vector<const SerialDevice*> Enumeration::vcps() const {
  std::vector<const SerialDevice*> out;
  for (const auto& d : serial) {
    if (d.is_stlink_vcp()) out.push_back(&d);
  }
  return out;
}

void Enumeration::build_probes(const std::vector<UsbIdentity>& usb_devices_without_tty) {
  probes.clear();
  const auto add = [&](const UsbIdentity& usb, const StlinkModel& model) -> Probe& {
    for (auto& p : probes) {
      if (p.usb.sysfs_path == usb.sysfs_path) return p;
    }
    probes.push_back(Probe{usb, model, {}});
    return probes.back();
  };
  for (const auto& d : serial) {
    if (d.stlink && d.usb) add(*d.usb, *d.stlink).vcp_nodes.push_back(d.node);
  }
  for (const auto& usb : usb_devices_without_tty) {
    if (auto model = find_stlink(usb.vid, usb.pid)) add(usb, *model);
  }
  for (auto& p : probes) std::sort(p.vcp_nodes.begin(), p.vcp_nodes.end());
}

std::string list_vcps(const Enumeration& e) {
  std::string s;
  for (const auto* d : e.vcps()) s += (s.empty() ? "" : ", ") + d->summary();
  return s.empty() ? "none" : s;
}

}  // namespace stm32mp::devices
