#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/diagnostic.h"
#include "core/settings.h"

namespace stm32mp::api {

// A request that cannot be run (malformed JSON, unknown key, wrong type): one of the registry's REQ codes
// (native/core/codes/request.def), so front ends can tell it from an internal error and link its page.
class RequestError : public std::runtime_error {
 public:
  explicit RequestError(const core::Diagnostic& d) : std::runtime_error(d.message), code_(d.code), id_(core::info(d.code).id) {}
  RequestError(core::Code code, core::Facts facts) : RequestError(core::make_diagnostic(code, std::move(facts))) {}
  [[nodiscard]] const std::string& code() const { return id_; }  // "REQ002"
  [[nodiscard]] core::Code registry_code() const { return code_; }

 private:
  core::Code code_;
  std::string id_;
};

// Parses the request payload shared by the JNI bridge and tests: the CLI's long option names with
// '-' written as '_' (docs/json-contract.md). Unknown keys are refused so a typo never goes unnoticed.
[[nodiscard]] core::Settings parse_request(std::string_view request_json);

}  // namespace stm32mp::api
