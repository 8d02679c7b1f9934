#include "steps/devices_step.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {

std::string describe_line(const devices::SerialDevice& d) {
  std::string s = d.description();
  if (!d.driver.empty()) s += ", " + d.driver;
  if (d.usb) {
    s += ", " + devices::hex4(d.usb->vid) + ":" + devices::hex4(d.usb->pid);
    if (!d.usb->serial.empty()) s += ", serial " + d.usb->serial;
  }
  if (!d.interface_number.empty()) s += ", interface " + d.interface_number;
  if (d.stlink) s += ", VCP of " + std::string(d.stlink->name);
  if (!d.by_id.empty()) s += ", " + d.by_id;
  if (!d.exists) {
    s += ", node missing";
  } else if (!d.accessible) {
    s += ", inaccessible: " + d.reason;
  }
  return s;
}

core::StepReport check_devices(const DevicesInputs& in, ports::DeviceEnumerator& enumerator,
                               core::StepControl& control, std::optional<devices::Enumeration>& found) {
  auto r = core::report_of(core::StepId::Devices);
  r.observed.set("sysfs_root", in.sysfs_root);
  r.observed.set("dev_root", in.dev_root);
  // Only local files, but a slow sysfs (many devices, a loaded machine) can take seconds: the walk stops
  // between two entries on cancel, and a partial list is never judged (the runner reports the cancel).
  enumerator.stop_on(&control.cancel);
  auto listed = enumerator.enumerate(in.sysfs_root, in.dev_root);
  enumerator.stop_on(nullptr);
  if (control.cancel.cancelled()) {
    r.observed.set("enumeration", "stopped by the cancel");
    return r;
  }
  if (!listed) {
    r.add(core::Code::SysfsUnreadable,
          {{"path", in.sysfs_root + "/class/tty"}, {"reason", listed.error()}});
    return r;
  }
  const auto& e = *listed;
  r.observed.set("serial_devices", std::to_string(e.serial.size()));
  for (const auto& d : e.serial) r.observed.set(d.node, describe_line(d));
  r.observed.set("stlink_probes", std::to_string(e.probes.size()));
  for (std::size_t i = 0; i < e.probes.size(); ++i) {
    r.observed.set("probe " + std::to_string(i + 1), e.probes[i].summary());
  }
  if (e.probes.empty()) {
    r.add(core::Code::NoStlinkProbe, {{"serial_devices", std::to_string(e.serial.size())}});
  }
  for (const auto& p : e.probes) {
    if (!p.vcp_nodes.empty()) continue;
    // The registry's fix variants (devices.def) pick the advice from model_vcp.
    r.add(core::Code::StlinkWithoutVcp, {{"probe", p.summary()}, {"model_vcp", devices::carries_vcp(p.model.vcp) ? "yes" : "no"}});
  }
  if (e.probes.size() > 1) {
    std::string list;
    for (const auto& p : e.probes) list += (list.empty() ? "" : "; ") + p.summary();
    r.add(core::Code::SeveralStlinkProbes, {{"count", std::to_string(e.probes.size())}, {"probes", list}});
  }
  for (const auto& d : e.serial) {
    if (!d.is_stlink_vcp() || !d.exists || d.accessible) continue;
    r.add(core::Code::VcpInaccessible,
          {{"node", d.node}, {"device", d.description()}, {"reason", d.reason}, {"group", d.group}});
  }
  found = std::move(*listed);
  return r;
}

}  // namespace stm32mp::steps
