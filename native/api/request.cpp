#include "api/request.h"

#include <nlohmann/json.hpp>

#include "core/step_ids.h"

namespace stm32mp::api {
namespace {

using Json = nlohmann::json;

void read_string(const Json& j, const char* key, std::string& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_string()) throw RequestError("REQUEST_TYPE", std::string("request field '") + key + "' must be a string");
  out = j[key].get<std::string>();
}

void read_int(const Json& j, const char* key, int& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_number_integer()) {
    throw RequestError("REQUEST_TYPE", std::string("request field '") + key + "' must be an integer");
  }
  out = j[key].get<int>();
}

void read_bool(const Json& j, const char* key, bool& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_boolean()) throw RequestError("REQUEST_TYPE", std::string("request field '") + key + "' must be true or false");
  out = j[key].get<bool>();
}

void read_step_list(const Json& j, const char* key, std::vector<std::string>& out) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_array()) throw RequestError("REQUEST_TYPE", std::string("request field '") + key + "' must be an array");
  for (const auto& v : j[key]) {
    if (!v.is_string() || !core::is_step_id(v.get<std::string>())) {
      throw RequestError("REQUEST_STEP", std::string("request field '") + key + "' names an unknown step: " + v.dump());
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
    throw RequestError("REQUEST_JSON", std::string("request is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw RequestError("REQUEST_JSON", "request must be a JSON object");
  static const std::vector<std::string> known = {
      "launch", "serial", "probe_serial", "elf", "signed", "image_key", "host", "port", "user", "identity",
      "password", "known_hosts", "host_key_policy", "remoteproc", "sysfs_root", "dev_root", "only", "skip",
      "timeout_ms", "diagnose_since_ms", "exec_upload", "ssh_config"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw RequestError("REQUEST_KEY", "unknown request field '" + key + "'");
    }
  }
  core::Settings s;
  read_string(j, "launch", s.launch_file);
  read_string(j, "serial", s.serial);
  read_string(j, "probe_serial", s.probe_serial);
  read_string(j, "elf", s.elf);
  read_string(j, "signed", s.signed_image);
  read_string(j, "image_key", s.image_key);
  read_string(j, "host", s.host);
  read_int(j, "port", s.port);
  s.port_given = j.contains("port") && !j["port"].is_null();
  read_string(j, "user", s.user);
  s.user_given = j.contains("user") && !j["user"].is_null();
  read_string(j, "identity", s.identity);
  read_string(j, "password", s.password);
  read_string(j, "known_hosts", s.known_hosts);
  read_string(j, "host_key_policy", s.host_key_policy);
  read_string(j, "remoteproc", s.remoteproc);
  read_string(j, "sysfs_root", s.sysfs_root);
  read_string(j, "dev_root", s.dev_root);
  read_step_list(j, "only", s.only);
  read_step_list(j, "skip", s.skip);
  read_int(j, "timeout_ms", s.timeout_ms);
  if (s.timeout_ms <= 0) throw RequestError("REQUEST_VALUE", "request field 'timeout_ms' must be positive");
  read_bool(j, "exec_upload", s.exec_upload);
  read_string(j, "ssh_config", s.ssh_config);
  read_int(j, "diagnose_since_ms", s.diagnose_since_ms);
  if (s.diagnose_since_ms < 0) throw RequestError("REQUEST_VALUE", "request field 'diagnose_since_ms' must not be negative");
  return s;
}

}  // namespace stm32mp::api
