#include "core/code_registry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace stm32mp::core {
namespace {

constexpr std::array kCodes = {
#define PRELAUNCH_CODE(name, id, severity, message, why, fix) \
  CodeInfo{Code::name, #name, id, Severity::severity, message, why, fix},
#include "core/codes/registry.def"
#undef PRELAUNCH_CODE
};

constexpr std::array kFixVariants = {
#define PRELAUNCH_FIX_VARIANT(name, fact, value, fix) FixVariant{Code::name, fact, value, fix},
#include "core/codes/registry.def"
#undef PRELAUNCH_FIX_VARIANT
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const CodeInfo& info(Code code) { return kCodes.at(static_cast<std::size_t>(code)); }

std::span<const CodeInfo> all_codes() { return kCodes; }

std::span<const FixVariant> all_fix_variants() { return kFixVariants; }

std::optional<Code> find_code(std::string_view id_or_name) {
  for (const auto& c : kCodes) {
    if (equals_ignoring_case(c.id, id_or_name) || equals_ignoring_case(c.name, id_or_name)) return c.code;
  }
  return std::nullopt;
}

std::string doc_path(Code code) { return "docs/codes/" + std::string(info(code).id) + ".md"; }

}  // namespace stm32mp::core
