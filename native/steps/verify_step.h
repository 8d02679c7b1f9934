#pragma once
#include <optional>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "remote/remote_outcomes.h"

namespace stm32mp::steps {

struct VerifyInputs {
  remote::LoadOutcome load;
  std::string image_name;
  std::optional<bool> has_resource_table;  // from the image facts; nullopt when unknown
};

// Confirms the firmware runs: state running and "remote processor <name> is now up" in the kernel
// log since the start; reports the kernel's start-to-up time; warns when no resource table means
// no RPMsg tty (F21). Uses the load command's own reading right after the start when it already
// shows both (no round trip); reads the board itself otherwise.
[[nodiscard]] core::StepReport verify_running(const VerifyInputs& in, ports::BoardSession& session,
                                              core::StepControl& control);

}  // namespace stm32mp::steps
