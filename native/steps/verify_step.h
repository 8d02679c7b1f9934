#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "remote/remote_outcomes.h"

namespace stm32mp::steps {

struct VerifyInputs {
  remote::LoadOutcome load;
  std::string image_name;
  std::optional<bool> has_resource_table;  // from the image facts; nullopt when unknown
  // What was asked for, to compare with what the kernel booted ("Booting fw image <name>, size <n>"):
  std::optional<std::uint64_t> uploaded_size{};  // bytes of the uploaded image; nullopt when unknown
  std::string firmware_class_path{};           // from the target step, for the fix
  std::string ta_failed_start{};               // the target step's held failed TA start line, "" when none
  std::string ta_held_image{};                 // its "Booting fw image" line (the image the TA holds), "" when not shown
};

// Confirms the firmware runs: state running and "remote processor <name> is now up" in the kernel
// log since the start; reports the kernel's start-to-up time; warns when no resource table means
// no RPMsg tty (F21). Uses the load command's own reading right after the start when it already
// shows both (no round trip); reads the board itself otherwise. Compares the image the kernel booted
// with the one uploaded (RPC035) and warns when the TA still held a failed image (RPC036).
[[nodiscard]] core::StepReport verify_running(const VerifyInputs& in, ports::BoardSession& session,
                                              core::StepControl& control);

}  // namespace stm32mp::steps
