#pragma once
// Shared by the CLI's subcommands: how a command tells main() its exit code.
#include <CLI/CLI.hpp>

namespace stm32mp::cli {

enum ExitCode : int {
  kExitOk = 0,        // no step in error (warnings allowed)
  kExitStepError = 1, // a step reported an error
  kExitUsage = 2,     // bad command line
  kExitInternal = 3,  // a bug: an exception reached the top level
  kExitCancelled = 4, // the run was cancelled (SIGINT, SIGTERM): never a success, whatever the steps said
};

struct CommandOutcome {
  int exit_code = kExitOk;
};

// Whether human output may use ANSI colours: only on a terminal, never with NO_COLOR set.
[[nodiscard]] bool colour_wanted(bool no_color_option);

void add_check_command(CLI::App& app, CommandOutcome& outcome);
void add_devices_command(CLI::App& app, CommandOutcome& outcome);
void add_explain_command(CLI::App& app, CommandOutcome& outcome);
void add_inspect_command(CLI::App& app, CommandOutcome& outcome);
void add_log_command(CLI::App& app, CommandOutcome& outcome);
void add_sign_command(CLI::App& app, CommandOutcome& outcome);

}  // namespace stm32mp::cli
