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
  // The instances as the target step of the same run listed them; nullopt (--skip target, --only
  // remoteproc): the step lists them itself. Used as they are only for an offline, running or
  // attached instance (every write's reply corrects a stale state); otherwise listed again.
  std::optional<std::vector<remote::RprocInstance>> instances;
};

// Stops the instance until offline (recovering a crashed one), then in ONE command writes the
// firmware name and, only if the kernel accepted it, remembers the kernel log position and writes
// start. A refused write is explained from the kernel log lines printed after it
// (remote/kernel_log_classifier.h), which are quoted as evidence. Every write is guarded by the
// instance's name (F04). A firmware write refused as busy because the instance left `offline`
// since it was read is retried once after stopping it. Exec round trips for an offline instance
// listed by the target step: 1 (plus one per stop/recover write otherwise).
[[nodiscard]] core::StepReport load_firmware(const RemoteprocInputs& in, ports::BoardSession& session,
                                             core::StepControl& control, std::optional<remote::LoadOutcome>& out);

}  // namespace stm32mp::steps
