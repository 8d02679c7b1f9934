#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "devices/devices_table.h"
#include "pipeline/pipeline.h"
#include "steps/devices_step.h"

namespace stm32mp::cli {
namespace {

// A terminal user asked for a listing: the table first, then only what the devices step has to say
// (no readiness verdict: nothing is being launched).
int print_table(const core::Settings& settings, bool colour) {
  auto ports = pipeline::make_system_ports();
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{10000}), progress};
  std::optional<devices::Enumeration> found;
  core::Report report;
  report.steps.push_back(
      steps::check_devices({settings.sysfs_root, settings.dev_root}, *ports.device_enumerator, control, found));
  if (found) std::cout << devices::render_devices_table(*found);
  if (!report.steps.front().diagnostics.empty()) {
    std::cout << (found ? "\n" : "") << core::render::render_text(report, {colour, false, false});
  }
  return report.ok() ? kExitOk : kExitStepError;
}

}  // namespace

// `devices` lists serial devices and ST-LINK probes: a table on a terminal, the devices step's report
// (the JSON contract) with --json.
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
    if (!o->json) {
      outcome.exit_code = print_table(o->settings, colour_wanted(o->no_color));
      return;
    }
    o->settings.only = {"devices"};
    auto ports = pipeline::make_system_ports();
    core::CancelToken cancel;
    core::NullProgress progress;
    const auto report = pipeline::run_check(o->settings, ports, cancel, progress);
    std::cout << core::render::render_json(report);
    outcome.exit_code = report.ok() ? kExitOk : kExitStepError;
  });
}

}  // namespace stm32mp::cli
