// The settings table (native/core/settings.def) against every other place that names a setting: a setting added,
// renamed or given another default in one place only makes this fail.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/request.h"
#include "core/settings.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::core {
namespace {

struct Row {
  std::string member, kind, cli, request, java, default_value, doc;
};

const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc) \
  {#member, #kind, cli, request, java, default_value, doc},
#include "core/settings.def"
#undef PRELAUNCH_SETTING
  };
  return rows;
}

std::string text_of(const std::string& v) { return v; }
std::string text_of(int v) { return std::to_string(v); }
std::string text_of(bool v) { return v ? "true" : "false"; }
std::string text_of(const std::vector<std::string>& v) { return v.empty() ? "" : "(list)"; }

std::string source(const std::string& relative) { return testing::read_file(std::string(PRELAUNCH_SOURCE_DIR) + "/" + relative); }

TEST(SettingsTable, DefaultsOfSettingsAreTheTables) {
  const Settings s;
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc) \
  EXPECT_EQ(text_of(s.member), default_value) << #member;
#include "core/settings.def"
#undef PRELAUNCH_SETTING
}

TEST(SettingsTable, TheRequestTakesEveryRequestKeyAndNoOther) {
  for (const auto& row : table()) {
    if (row.request.empty()) continue;
    const std::string value = row.kind == "text"      ? "\"x\""
                              : row.kind == "integer" ? "1"
                              : row.kind == "flag"    ? "false"
                                                      : "[\"image\"]";
    EXPECT_NO_THROW((void)api::parse_request("{\"" + row.request + "\":" + value + "}")) << row.request;
  }
  EXPECT_THROW((void)api::parse_request(R"({"":"x"})"), api::RequestError);
}

TEST(SettingsTable, TheCliHasEveryOptionWithItsDocLine) {
  const auto help = testing::run_process({PRELAUNCH_CLI, "check", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const auto& row : table()) {
    if (row.cli.empty()) continue;
    EXPECT_NE(help.out.find(row.cli), std::string::npos) << row.cli << " missing from check --help";
    EXPECT_NE(help.out.find(row.doc), std::string::npos) << row.cli << ": doc line differs";
  }
}

TEST(SettingsTable, ReadmeAndJsonContractNameEverySetting) {
  const auto readme = source("README.md");
  const auto contract = source("docs/json-contract.md");
  for (const auto& row : table()) {
    if (!row.cli.empty()) {
      EXPECT_NE(readme.find("`" + row.cli), std::string::npos) << row.cli << " not in README.md";
    }
    if (!row.request.empty()) {
      EXPECT_NE(contract.find("`" + row.request + "`"), std::string::npos) << row.request << " not in docs/json-contract.md";
    }
  }
}

std::string upper(std::string text) {
  for (auto& ch : text) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  return text;
}

// The plug-in's Setting enum is generated (tools/codegen java-settings): every row is there with its attribute key,
// request key, kind and default. What CheckRequest sends from it is checked by the Java tests (SettingTableTest).
TEST(SettingsTable, ThePluginsSettingEnumIsGeneratedFromIt) {
  testing::TempDir dir;
  const auto r = testing::run_process({PRELAUNCH_CODEGEN, "java-settings", dir.file("Setting.java")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto java = testing::read_file(dir.file("Setting.java"));
  for (const auto& row : table()) {
    const auto key = row.java.empty() ? std::string("null") : "\"com.stm32mp.prelaunch." + row.java + "\"";
    const auto constant = "    " + upper(row.member) + "(" + key + ", \"" + row.request + "\", Kind." + upper(row.kind) + ", \"" +
                          row.default_value + "\", ";
    EXPECT_NE(java.find(constant), std::string::npos) << constant << " not in the generated Setting.java";
  }
}

// A plain Makefile build does not create the generated file's folder as Ninja does: the generator makes it, and fails
// loudly when it cannot write (it used to write nothing and succeed, and Make then stopped at "No rule to make target").
TEST(SettingsTable, TheGeneratorMakesTheFolderAndSaysWhenItCannotWrite) {
  testing::TempDir dir;
  const auto nested = dir.file("generated-java/com/stm32mp/prelaunch/model/Setting.java");
  const auto r = testing::run_process({PRELAUNCH_CODEGEN, "java-settings", nested});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(testing::read_file(nested).find("public enum Setting"), std::string::npos);
  const auto blocked = testing::run_process({PRELAUNCH_CODEGEN, "java-settings", nested + "/not-a-folder/Setting.java"});
  EXPECT_NE(blocked.exit_code, 0);
  EXPECT_NE(blocked.err.find("cannot write"), std::string::npos) << blocked.err;
}

// What is still written by hand on the Java side names no setting: LaunchKeys declares no setting's key and
// CheckRequest spells no request key (both come from the generated Setting).
TEST(SettingsTable, ThePluginsHandWrittenJavaRepeatsNoSetting) {
  const auto request = source("java-bridge/src/com/stm32mp/prelaunch/model/CheckRequest.java");
  const auto keys = source("java-bridge/src/com/stm32mp/prelaunch/model/LaunchKeys.java");
  for (const auto& row : table()) {
    if (!row.java.empty()) {
      EXPECT_EQ(keys.find("\"" + row.java + "\""), std::string::npos) << row.java << " declared again in LaunchKeys.java";
    }
    EXPECT_EQ(request.find("\"" + row.request + "\""), std::string::npos) << row.request << " spelled in CheckRequest.java";
  }
  EXPECT_EQ(keys.find("DEFAULT_PORT"), std::string::npos);
  EXPECT_EQ(keys.find("DEFAULT_USER"), std::string::npos);
  EXPECT_EQ(keys.find("DEFAULT_REMOTEPROC"), std::string::npos);
  EXPECT_EQ(keys.find("DEFAULT_HOST_KEY_POLICY"), std::string::npos);
}

TEST(SettingsTable, TheJsonContractsTableIsGeneratedFromIt) {
  testing::TempDir dir;
  const auto contract = std::string(PRELAUNCH_SOURCE_DIR) + "/docs/json-contract.md";
  const auto r = testing::run_process({PRELAUNCH_CODEGEN, "settings-table", contract, dir.file("contract.md")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::read_file(dir.file("contract.md")), testing::read_file(contract))
      << "docs/json-contract.md's settings table is stale: cmake --build <build> --target update-docs-index";
}

}  // namespace
}  // namespace stm32mp::core
