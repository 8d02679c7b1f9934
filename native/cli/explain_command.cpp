#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/render/text_renderer.h"

namespace stm32mp::cli {

void add_explain_command(CLI::App& app, CommandOutcome& outcome) {
  auto code_text = std::make_shared<std::string>();
  auto list = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("explain", "Explain a diagnostic code (e.g. SER002; any case), or list them all.");
  cmd->add_option("code", *code_text, "The code to explain");
  cmd->add_flag("--list", *list, "List every code with its one-line message");
  cmd->callback([code_text, list, &outcome] {
    if (*list || code_text->empty()) {
      for (const auto& c : core::all_codes()) std::cout << c.id << "  " << c.message << "\n";
      return;
    }
    const auto code = core::find_code(*code_text);
    if (!code) {
      throw CLI::ValidationError("code", "unknown diagnostic code '" + *code_text + "' (see `explain --list`)");
    }
    std::cout << core::render::render_explanation(*code);
    outcome.exit_code = kExitOk;
  });
}

}  // namespace stm32mp::cli
