#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "pipeline/pipeline.h"

namespace stm32mp::cli {

// `devices` runs the devices step alone and prints what it found.
void add_devices_command(CLI::App& app, CommandOutcome& outcome) {
  struct Options {
    core::Settings settings;
    bool json = false;
    bool no_color = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("devices", "List serial devices and ST-LINK probes with their VCP ports.");
  cmd->add_option("--sysfs-root", o->settings.sysfs_root, "Where sysfs is mounted")->capture_default_str();
  cmd->add_option("--dev-root", o->settings.dev_root, "Where device nodes are looked up")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", o->no_color, "Never colour the output");
  cmd->callback([o, &outcome] {
    o->settings.only = {"devices"};
    auto ports = pipeline::make_system_ports();
    core::CancelToken cancel;
    core::NullProgress progress;
    const auto report = pipeline::run_check(o->settings, ports, cancel, progress);
    std::cout << (o->json ? core::render::render_json(report)
                          : core::render::render_text(report, {colour_wanted(o->no_color), true}));
    outcome.exit_code = report.ok() ? kExitOk : kExitStepError;
  });
}

}  // namespace stm32mp::cli
