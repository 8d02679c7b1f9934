#include "pipeline/pipeline.h"

#include <algorithm>

#include "steps/config_step.h"
#include "steps/image_step.h"

namespace stm32mp::pipeline {
namespace {

using core::Millis;
using core::StepControl;
using core::StepDefinition;
using core::StepReport;

bool selected(const core::Settings& s, const std::string& id) {
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  if (!s.only.empty() && !in(s.only)) return false;
  return !in(s.skip);
}

}  // namespace

std::vector<StepDefinition> build_steps(const core::Settings& given, RunState& state, Ports& ports) {
  (void)ports;
  const Millis timeout{given.timeout_ms};
  std::vector<StepDefinition> all;

  // config always runs: every other step reads the effective settings it produces.
  all.push_back({"config", "Configuration", {}, Millis{200}, timeout,
                 [&state, given](StepControl&) { return steps::check_config(given, state.settings); }});

  // STEP-WIRING: each area adds its step here, in the stable order:
  // image, devices, serial-port, network, ssh, target, upload, remoteproc, verify.
  all.push_back({"image", "Firmware image", {"config"}, Millis{1000}, timeout, [&state](StepControl&) {
                   const auto& s = state.settings;
                   return steps::check_image({s.elf, s.signed_image, s.image_key, s.remoteproc}, state.image);
                 }});

  std::vector<StepDefinition> chosen;
  for (auto& step : all) {
    if (step.id == "config" || selected(given, step.id)) chosen.push_back(std::move(step));
  }
  return chosen;
}

core::Report run_check(const core::Settings& given, Ports& ports, const core::CancelToken& cancel,
                       core::ProgressSink& progress) {
  RunState state;
  state.settings = given;
  const auto steps = build_steps(given, state, ports);
  return core::Runner{}.run(steps, cancel, progress);
}

}  // namespace stm32mp::pipeline
