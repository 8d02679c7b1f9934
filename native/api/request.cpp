#include "api/request.h"

#include <nlohmann/json.hpp>

#include "core/step_ids.h"

namespace stm32mp::api {
namespace {

using Json = nlohmann::json;
using core::Code;

[[noreturn]] void wrong_type(const char* key, const char* expected) {
  throw RequestError(Code::RequestWrongType, {{"field", key}, {"expected", expected}});
}

void read_value(const Json& j, const char* key, std::string& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_string()) wrong_type(key, "a string");
  out = j[key].get<std::string>();
}

void read_value(const Json& j, const char* key, int& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_number_integer()) wrong_type(key, "an integer");
  out = j[key].get<int>();
}

void read_value(const Json& j, const char* key, bool& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_boolean()) wrong_type(key, "true or false");
  out = j[key].get<bool>();
}

void read_value(const Json& j, const char* key, std::vector<std::string>& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_array()) wrong_type(key, "an array");
  for (const auto& v : j[key]) {
    if (!v.is_string() || !core::is_step_id(v.get<std::string>())) {
      throw RequestError(Code::RequestUnknownStep, {{"field", key}, {"value", v.dump()}});
    }
    out.push_back(v.get<std::string>());
  }
}

}  // namespace

core::Settings parse_request(std::string_view request_json) {
  Json j;
  try {
    j = Json::parse(request_json);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number that overflows (1E999)
    throw RequestError(Code::RequestNotJson, {{"reason", std::string("not valid JSON: ") + e.what()}});
  }
  if (!j.is_object()) throw RequestError(Code::RequestNotJson, {{"reason", std::string("it is a JSON ") + j.type_name()}});
  // The request keys are the settings table's (native/core/settings.def).
  static const std::vector<std::string> known = {
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc) request,
#include "core/settings.def"
#undef PRELAUNCH_SETTING
  };
  for (const auto& [key, value] : j.items()) {
    if (key.empty() || std::find(known.begin(), known.end(), key) == known.end()) {
      throw RequestError(Code::RequestUnknownKey, {{"field", key}});
    }
  }
  core::Settings s;
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc) \
  if (*(request) != '\0') read_value(j, request, s.member);
#include "core/settings.def"
#undef PRELAUNCH_SETTING
  // An explicit port or user wins over the SSH configuration's (ssh_config).
  s.port_given = j.contains("port") && !j["port"].is_null();
  s.user_given = j.contains("user") && !j["user"].is_null();
  s.host_key_policy_given = j.contains("host_key_policy") && !j["host_key_policy"].is_null();
  if (s.timeout_ms <= 0) throw RequestError(Code::RequestBadValue, {{"field", "timeout_ms"}, {"problem", "must be positive"}});
  if (s.diagnose_since_ms < 0) {
    throw RequestError(Code::RequestBadValue, {{"field", "diagnose_since_ms"}, {"problem", "must not be negative"}});
  }
  return s;
}

}  // namespace stm32mp::api
