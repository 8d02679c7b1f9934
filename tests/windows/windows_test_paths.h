#pragma once
// Where the Windows tests find their files: PRELAUNCH_WIN_SOURCE_DIR is the source tree as wine
// sees it (Z: maps the Unix root).
#include <string>

namespace stm32mp::testing {

inline std::string windows_fixture(const std::string& name) {
  return std::string(PRELAUNCH_WIN_SOURCE_DIR) + "/tests/windows/fixtures/" + name;
}

}  // namespace stm32mp::testing
