#pragma once
// A fixed report that exercises every status and field, for the renderers' golden tests.
#include "core/step_report.h"

namespace stm32mp::testing {

inline core::Report sample_report() {
  using namespace core;
  Report report;
  StepReport config{"config", "Configuration", StepStatus::ok, 3};
  config.observed.set("launch_file", "/work/demo/Blink_CM33 Debug.launch").set("serial", "/dev/ttyACM1 (launch file)");
  report.steps.push_back(config);

  StepReport slow{"image", "Firmware image", StepStatus::ok, 2500};
  slow.add(Code::StepSlow, {{"step", "image"}, {"duration_ms", "2500"}, {"budget_ms", "2000"}});
  report.steps.push_back(slow);

  StepReport bad{"network", "Network", StepStatus::ok, 12};
  bad.add(Code::BadOptionValue, {{"option", "--port"}, {"value", "70000"}, {"reason", "not a TCP port (1-65535)"}});
  report.steps.push_back(bad);

  StepReport skipped{"ssh", "SSH session"};
  skipped.skip("step network error");
  report.steps.push_back(skipped);

  StepReport crashed{"target", "Board state", StepStatus::ok, 7};
  crashed.add(Code::StepCrashed, {{"step", "target"}, {"error", "bad \"quote\" and\nnewline"}});
  crashed.status = StepStatus::crashed;
  report.steps.push_back(crashed);
  return report;
}

}  // namespace stm32mp::testing
