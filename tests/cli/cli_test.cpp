// The CLI as a user runs it: exit codes, usage errors, JSON on stdout only.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

ProcessResult cli(std::vector<std::string> args, std::vector<std::string> env = {}) {
  args.insert(args.begin(), PRELAUNCH_CLI);
  return run_process(args, env, 60000);
}

TEST(Cli, VersionAndHelpExitZero) {
  const auto v = cli({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("stm32mp-prelaunch 0."), std::string::npos) << v.out;
  const auto h = cli({"check", "--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--serial"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoAndNameTheOption) {
  const auto unknown = cli({"check", "--bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--bogus"), std::string::npos) << unknown.err;
  const auto bad_step = cli({"check", "--only", "devicez"});
  EXPECT_EQ(bad_step.exit_code, 2);
  EXPECT_NE(bad_step.err.find("devicez"), std::string::npos) << bad_step.err;
  const auto bad_port = cli({"check", "--port", "70000"});
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_NE(bad_port.err.find("--port"), std::string::npos) << bad_port.err;
  const auto missing_env = cli({"check", "--password-env", "PRELAUNCH_TEST_UNSET_VAR"});
  EXPECT_EQ(missing_env.exit_code, 2);
  EXPECT_NE(missing_env.err.find("PRELAUNCH_TEST_UNSET_VAR"), std::string::npos) << missing_env.err;
  EXPECT_EQ(cli({}).exit_code, 2);
}

TEST(Cli, ExplainIsCaseInsensitiveAndRefusesUnknownCodes) {
  const auto r = cli({"explain", "cfg001"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("CFG001 (LaunchFileMissing, error)"), std::string::npos) << r.out;
  const auto unknown = cli({"explain", "XYZ999"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("XYZ999"), std::string::npos);
  const auto list = cli({"explain", "--list"});
  EXPECT_NE(list.out.find("RUN001"), std::string::npos);
}

TEST(Cli, JsonGoesToStdoutAloneAndFollowsTheContract) {
  const auto r = cli({"check", "--only", "config", "--launch", "/nonexistent/x.launch", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // throws (fails) if anything else is on stdout
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["steps"][0]["id"], "config");
  EXPECT_EQ(j["steps"][0]["diagnostics"][0]["code"], "CFG001");
}

TEST(Cli, PasswordFromTheEnvironmentNeverAppearsInOutput) {
  const auto r = cli({"check", "--only", "config", "--host", "10.0.0.2", "--password-env", "PRELAUNCH_TEST_PW", "--json"},
                     {"PRELAUNCH_TEST_PW=s3cr3t-value"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(r.err.find("s3cr3t-value"), std::string::npos);
  EXPECT_NE(r.out.find("(given, not shown)"), std::string::npos);
}

TEST(Cli, NoColourWhenNotATerminalOrWithNoColor) {
  const auto r = cli({"check", "--only", "config"}, {"NO_COLOR="});
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace stm32mp::testing
