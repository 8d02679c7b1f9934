#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "remote/image_input.h"
#include "remote/remote_outcomes.h"
#include "remote/target_facts.h"

namespace stm32mp::steps {

struct RemoteprocInputs {
  std::string remoteproc = "m33";               // instance name: resolved by name, never by number (F04)
  std::string firmware_name;                    // basename in /lib/firmware (from the upload step)
  remote::ImageKind image_kind = remote::ImageKind::unknown;
  std::vector<remote::MemRegion> reserved_memory;  // from the target step, to explain bad phdr (F04/F05)
  std::string firmware_class_path;
  int max_stops = 8;                            // bound of the stop loop (refcounted starts, F09)
};

// Stops the instance until offline (recovering a crashed one), writes the firmware name, remembers
// the kernel log position and writes start. A refused write is explained from the kernel log lines
// printed after it (remote/kernel_log_classifier.h), which are quoted as evidence.
[[nodiscard]] core::StepReport load_firmware(const RemoteprocInputs& in, ports::BoardSession& session,
                                             core::StepControl& control, std::optional<remote::LoadOutcome>& out);

}  // namespace stm32mp::steps
