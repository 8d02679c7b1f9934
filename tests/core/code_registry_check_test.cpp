// The registry's tidy check (in the spirit of rustc's tidy/error_codes.rs): every registered code has
// a doc page, an emitter in native/ and a test that names it, and the docs index is current.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "core/code_registry.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::core {
namespace {

namespace fs = std::filesystem;

std::string concatenated_sources(const fs::path& root, const std::vector<std::string>& extensions,
                                 const std::vector<std::string>& excluded) {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto path = entry.path().string();
    if (std::find(extensions.begin(), extensions.end(), entry.path().extension().string()) == extensions.end()) continue;
    if (std::any_of(excluded.begin(), excluded.end(), [&](const std::string& x) { return path.find(x) != std::string::npos; })) continue;
    all += testing::read_file(path);
    all += '\n';
  }
  return all;
}

const fs::path kSource{PRELAUNCH_SOURCE_DIR};

TEST(CodeRegistryCheck, EveryCodeHasADocPage) {
  for (const auto& c : all_codes()) {
    const auto page = kSource / doc_path(c.code);
    ASSERT_TRUE(fs::exists(page)) << c.id << " has no page " << page;
    const auto text = testing::read_file(page.string());
    EXPECT_NE(text.find(std::string(c.id)), std::string::npos) << page << " does not name " << c.id;
  }
}

TEST(CodeRegistryCheck, EveryCodeIsEmittedSomewhereInNative) {
  const auto native = concatenated_sources(kSource / "native", {".cpp", ".h"}, {"native/core/codes/", "code_registry."});
  for (const auto& c : all_codes()) {
    EXPECT_NE(native.find("Code::" + std::string(c.name)), std::string::npos) << c.id << " (" << c.name << ") is never emitted";
  }
}

TEST(CodeRegistryCheck, EveryCodeIsProducedByATest) {
  const auto tests = concatenated_sources(kSource / "tests", {".cpp", ".h", ".py", ".sh", ".java"},
                                          {"code_registry_check_test.cpp", "tests/golden/"});
  for (const auto& c : all_codes()) {
    // Built by appending: g++ 12 -O3 takes `"\"" + std::string(id)` for an overlapping copy (-Wrestrict).
    std::string quoted(1, '"');
    quoted.append(c.id).push_back('"');
    const bool named = tests.find("Code::" + std::string(c.name)) != std::string::npos ||
                       tests.find(quoted) != std::string::npos;
    EXPECT_TRUE(named) << c.id << " (" << c.name << ") is not produced by any test";
  }
}

TEST(CodeRegistryCheck, NoPageForAnUnknownCode) {
  for (const auto& entry : fs::directory_iterator(kSource / "docs/codes")) {
    const auto stem = entry.path().stem().string();
    if (stem == "README") continue;
    EXPECT_TRUE(find_code(stem).has_value()) << entry.path() << " documents a code that is not registered";
  }
}

TEST(CodeRegistryCheck, DocsIndexIsGeneratedFromTheRegistry) {
  testing::TempDir dir;
  const auto out = dir.file("README.md");
  const auto r = testing::run_process({PRELAUNCH_CODEGEN, "docs-index", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::read_file(out), testing::read_file((kSource / "docs/codes/README.md").string()))
      << "docs/codes/README.md is stale: cmake --build <build> --target update-docs-index";
}

// A page's "why" and "fix" are the registry's (generated between two markers); its example and notes are
// hand-written around them.
TEST(CodeRegistryCheck, CodePagesCarryTheRegistrysWhyAndFix) {
  testing::TempDir dir;
  const auto r = testing::run_process({PRELAUNCH_CODEGEN, "docs-pages", (kSource / "docs/codes").string(), dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& c : all_codes()) {
    const auto page = kSource / doc_path(c.code);
    EXPECT_EQ(testing::read_file(dir.file(std::string(c.id) + ".md")), testing::read_file(page.string()))
        << page << " is stale: cmake --build <build> --target update-docs-pages";
  }
}

}  // namespace
}  // namespace stm32mp::core
