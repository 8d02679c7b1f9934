#pragma once
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "image/image_facts.h"
#include "remote/target_facts.h"

namespace stm32mp::steps {

struct TargetInputs {
  std::string remoteproc = "m33";          // instance name to load (--remoteproc)
  std::string user;                        // for the fix texts
  std::string host;
  std::optional<image::ImageFacts> image;  // absent: no image given, predictions are skipped
};

// One exec round trip of the fixed probe (remote/target_probe.cpp), then every diagnosis that can be
// made before an upload. `facts` receives what was learned, also when a diagnosis is an error.
[[nodiscard]] core::StepReport check_target(const TargetInputs& in, ports::BoardSession& session,
                                            core::StepControl& control, std::optional<remote::TargetFacts>& facts);

}  // namespace stm32mp::steps
