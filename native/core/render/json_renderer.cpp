#include "core/render/json_renderer.h"

#include <nlohmann/json.hpp>

#include "core/version.h"

namespace stm32mp::core::render {

using Json = nlohmann::ordered_json;  // keeps keys in the order a step learned them

Json to_json(const Facts& facts) {
  Json out = Json::object();
  for (const auto& [key, value] : facts) out[key] = value;
  return out;
}

Json to_json(const Diagnostic& d) {
  Json out = Json::object();
  out["code"] = info(d.code).id;
  out["severity"] = to_string(d.severity);
  out["message"] = d.message;
  out["observed"] = to_json(d.observed);
  out["why"] = d.why;
  out["fix"] = d.fix;
  out["doc"] = d.doc;
  return out;
}

Json to_json(const StepReport& step) {
  Json out = Json::object();
  out["id"] = step.id;
  out["title"] = step.title;
  out["status"] = to_string(step.status);
  out["duration_ms"] = step.duration_ms;
  out["observed"] = to_json(step.observed);
  out["diagnostics"] = Json::array();
  for (const auto& d : step.diagnostics) out["diagnostics"].push_back(to_json(d));
  return out;
}

Json to_json(const Report& report) {
  Json out = Json::object();
  out["schema_version"] = kSchemaVersion;
  out["tool"] = Json{{"name", kToolName}, {"version", kToolVersion}};
  out["ok"] = report.ok();
  out["cancelled"] = report.cancelled();
  out["steps"] = Json::array();
  for (const auto& s : report.steps) out["steps"].push_back(to_json(s));
  return out;
}

// Invalid UTF-8 from a board (a garbled console line) is replaced, never a throw.
std::string render_json(const Report& report) {
  return to_json(report).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace stm32mp::core::render
