#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/settings.h"

namespace stm32mp::api {

// A request that cannot be run (malformed JSON, unknown key, wrong type). Carries a stable code
// so front ends can tell it from an internal error.
class RequestError : public std::runtime_error {
 public:
  RequestError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  [[nodiscard]] const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Parses the request payload shared by the JNI bridge and tests: the CLI's long option names with
// '-' written as '_' (docs/json-contract.md). Unknown keys are refused so a typo never goes unnoticed.
[[nodiscard]] core::Settings parse_request(std::string_view request_json);

}  // namespace stm32mp::api
