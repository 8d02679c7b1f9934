#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/step_report.h"

namespace stm32mp::core::render {

// The JSON contract, schema_version 1 (docs/json-contract.md). Shared by the CLI's --json and the JNI payload.
[[nodiscard]] nlohmann::ordered_json to_json(const Report& report);
[[nodiscard]] nlohmann::ordered_json to_json(const StepReport& step);
[[nodiscard]] nlohmann::ordered_json to_json(const Diagnostic& diagnostic);
[[nodiscard]] nlohmann::ordered_json to_json(const Facts& facts);
[[nodiscard]] std::string render_json(const Report& report);

}  // namespace stm32mp::core::render
