#pragma once
#include <string>
#include <vector>

namespace stm32mp::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program (no shell) with extra environment entries ("KEY=VALUE") and waits for it, with a
// deadline after which it is killed. For tests of the CLI as a user runs it.
[[nodiscard]] ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                                        int timeout_ms = 60000);

}  // namespace stm32mp::testing
