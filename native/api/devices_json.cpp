#include <nlohmann/json.hpp>

#include "api/check_run.h"
#include "core/render/json_renderer.h"
#include "pipeline/pipeline.h"

namespace stm32mp::api {

// Interim: runs the devices step and returns its report; the devices area replaces this with the
// enumerated device list ({"devices":[…]}).
std::string devices_json(std::string_view request_json) {
  auto settings = parse_request(request_json);
  settings.only = {"devices"};
  auto ports = pipeline::make_system_ports();
  core::CancelToken cancel;
  core::NullProgress progress;
  const auto report = pipeline::run_check(settings, ports, cancel, progress);
  nlohmann::ordered_json out;
  out["devices"] = nlohmann::ordered_json::array();
  out["report"] = core::render::to_json(report);
  return out.dump();
}

}  // namespace stm32mp::api
