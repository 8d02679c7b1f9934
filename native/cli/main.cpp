// stm32mp-prelaunch: the command-line front end (terminal, CI, other IDEs).
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/command.h"
#include "core/version.h"
#include "ports/platform.h"

int main(int argc, char** argv) {
  using namespace stm32mp;
  CLI::App app{"Pre-launch checks for debugging Cortex-M33 firmware on STM32MP2 boards through Linux remoteproc.",
               core::kToolName};
  app.set_version_flag("--version", std::string(core::kToolName) + " " + core::kToolVersion);
  app.require_subcommand(1);
  // Paths like /tmp/x are values, not Windows "/option"s (CLI11 would take them so on Windows).
  app.allow_windows_style_options(false);
  ports::prepare_console();
  cli::CommandOutcome outcome;
  cli::add_check_command(app, outcome);
  cli::add_devices_command(app, outcome);
  cli::add_explain_command(app, outcome);
  cli::add_inspect_command(app, outcome);
  cli::add_log_command(app, outcome);
  cli::add_sign_command(app, outcome);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return cli::kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return cli::kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << core::kToolName << " " << core::kToolVersion << "\n";
    return cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << core::kToolName << ": " << e.what() << "\n"
              << "Run '" << core::kToolName << " --help' for usage.\n";
    return cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << core::kToolName << ": internal error: " << e.what() << "\n";
    return cli::kExitInternal;
  }
  return outcome.exit_code;
}
