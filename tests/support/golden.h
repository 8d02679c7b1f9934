#pragma once
#include <string>

namespace stm32mp::testing {

// Compares `actual` with tests/golden/<name>; with PRELAUNCH_BLESS=1 in the environment it rewrites
// the golden file instead (then review the diff and commit it).
void expect_golden(const std::string& name, const std::string& actual);

[[nodiscard]] std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

}  // namespace stm32mp::testing
