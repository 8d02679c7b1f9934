// testing::TempDir for the Windows test build (support/temp_dir.cpp uses mkdtemp): a fresh directory
// under %TEMP% with a random name, created with create_directory so a clash is detected and retried.
#include <random>
#include <stdexcept>

#include "support/temp_dir.h"

namespace stm32mp::testing {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() / ("prelaunch-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace stm32mp::testing
