#include <nlohmann/json.hpp>

#include "api/check_run.h"
#include "pipeline/pipeline.h"

namespace stm32mp::api {
namespace {

nlohmann::ordered_json to_json(const devices::SerialDevice& d) {
  nlohmann::ordered_json j;
  j["node"] = d.node;
  j["by_id"] = d.by_id;
  j["description"] = d.description();
  j["driver"] = d.driver;
  j["vid"] = d.usb ? devices::hex4(d.usb->vid) : "";
  j["pid"] = d.usb ? devices::hex4(d.usb->pid) : "";
  j["serial"] = d.usb ? d.usb->serial : "";
  j["manufacturer"] = d.usb ? d.usb->manufacturer : "";
  j["product"] = d.usb ? d.usb->product : "";
  j["interface"] = d.interface;
  j["probe"] = d.stlink ? nlohmann::ordered_json(std::string(d.stlink->name)) : nlohmann::ordered_json(nullptr);
  j["vcp"] = d.is_stlink_vcp();
  j["accessible"] = d.exists && d.accessible;
  j["reason"] = d.exists ? d.reason : (d.reason.empty() ? "node missing" : d.reason);
  return j;
}

}  // namespace

// The serial devices for the IDE's port chooser: {"devices":[{node, by_id, description, driver, vid,
// pid, serial, manufacturer, product, interface, probe, vcp, accessible, reason}…]}; "error" is added
// when sysfs cannot be read. Settings used: sysfs_root, dev_root.
std::string devices_json(std::string_view request_json) {
  const auto settings = parse_request(request_json);
  auto ports = pipeline::make_system_ports();
  nlohmann::ordered_json out;
  out["devices"] = nlohmann::ordered_json::array();
  auto listed = ports.device_enumerator->enumerate(settings.sysfs_root, settings.dev_root);
  if (!listed) {
    out["error"] = listed.error();
    return out.dump();
  }
  for (const auto& d : listed->serial) out["devices"].push_back(to_json(d));
  return out.dump();
}

}  // namespace stm32mp::api
