#include "support/golden.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace stm32mp::testing {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(PRELAUNCH_SOURCE_DIR) + "/tests/golden/" + name;
  const char* bless = std::getenv("PRELAUNCH_BLESS");
  if (bless != nullptr && std::string(bless) == "1") {
    write_file(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << "missing golden " << path << " (run with PRELAUNCH_BLESS=1)";
  EXPECT_EQ(read_file(path), actual) << "golden " << name << " differs (PRELAUNCH_BLESS=1 rewrites it)";
}

}  // namespace stm32mp::testing
