#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string_view>
#include <type_traits>


#include "cli/command.h"
#include "cli/interrupt.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "core/step_ids.h"
#include "pipeline/pipeline.h"
#include "ports/platform.h"

namespace stm32mp::cli {
namespace {

struct CheckOptions {
  core::Settings settings;
  std::string password_env;
  CLI::Option* port_option = nullptr;
  CLI::Option* user_option = nullptr;
  CLI::Option* policy_option = nullptr;
  bool json = false;
  bool no_color = false;
};

std::string step_list_check(const std::string& value) {
  return core::is_step_id(value) ? std::string() : "unknown step id '" + value + "'";
}

// One setting of the table as an option; "" for a setting the CLI does not take (the password: --password-env).
template <typename T>
void add_setting_option(CLI::App& cmd, std::string_view name, T& member, const char* doc, std::string_view default_value) {
  if (name.empty()) return;
  if constexpr (std::is_same_v<T, bool>) {
    // A flag the table defaults to true: its option (--no-exec-upload) turns it off.
    cmd.add_flag_callback(std::string(name), [&member] { member = false; }, doc);
  } else {
    auto* option = cmd.add_option(std::string(name), member, doc);
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      option->delimiter(',')->check(CLI::Validator(step_list_check, "STEP"));
    }
    if (!default_value.empty() && default_value != "0") option->capture_default_str();  // 0: not given
  }
}

void run(CheckOptions& o, CommandOutcome& outcome) {
  o.settings.port_given = o.port_option != nullptr && o.port_option->count() > 0;
  o.settings.user_given = o.user_option != nullptr && o.user_option->count() > 0;
  o.settings.host_key_policy_given = o.policy_option != nullptr && o.policy_option->count() > 0;
  if (!o.password_env.empty()) {
    const char* secret = std::getenv(o.password_env.c_str());
    if (secret == nullptr) throw CLI::ValidationError("--password-env", "environment variable " + o.password_env + " is not set");
    o.settings.password = secret;
  }
  core::CancelToken cancel;
  core::Report report;
  {
    const InterruptScope interrupts(cancel);
    auto ports = pipeline::make_system_ports();
    core::NullProgress progress;
    report = pipeline::run_check(o.settings, ports, cancel, progress);
  }
  if (o.json) {
    std::cout << core::render::render_json(report);
  } else {
    std::cout << core::render::render_text(report, {colour_wanted(o.no_color), true});
  }
  std::cout.flush();
  outcome.exit_code = report.cancelled() ? kExitCancelled : report.ok() ? kExitOk : kExitStepError;
}

}  // namespace

bool colour_wanted(bool no_color_option) {
  const char* no_color = std::getenv("NO_COLOR");
  return !no_color_option && (no_color == nullptr || *no_color == '\0') && ports::stdout_is_terminal();
}

void add_check_command(CLI::App& app, CommandOutcome& outcome) {
  auto options = std::make_shared<CheckOptions>();
  auto& s = options->settings;
  auto* cmd = app.add_subcommand("check", "Run the pre-launch steps and report each one (exit 1 when a step fails).");
  // The options are the settings table's (core/settings.def): name, member, doc line and shown default; what only the
  // CLI knows (a validator, the password from a variable) is added below by option name.
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc)                                    \
  add_setting_option(*cmd, cli, s.member, doc, default_value);                                                      \
  if (std::string_view(#member) == "password") {                                                                    \
    cmd->add_option("--password-env", options->password_env, "Name of an environment variable holding the SSH password"); \
  }
#include "core/settings.def"
#undef PRELAUNCH_SETTING
  options->port_option = cmd->get_option("--port")->check(CLI::Range(1, 65535));
  options->user_option = cmd->get_option("--user");
  options->policy_option = cmd->get_option("--host-key-policy")->check(CLI::IsMember({"strict", "accept-new"}));
  for (const char* name : {"--timeout-ms", "--diagnose-since-ms"}) cmd->get_option(name)->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json, "Print the report as JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", options->no_color, "Never colour the output");
  cmd->callback([options, &outcome] { run(*options, outcome); });
}

}  // namespace stm32mp::cli
