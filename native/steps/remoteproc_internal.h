#pragma once
// Shared by the remoteproc step's files (remoteproc_step.cpp: the load; remoteproc_explain.cpp: why a write
// was refused; remoteproc_diagnose.cpp: a launch that already failed). Not part of the steps' interface.
#include <optional>
#include <string>
#include <vector>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "remote/kernel_log_classifier.h"
#include "remote/probe_output.h"
#include "remote/remote_outcomes.h"
#include "remote/rproc_commands.h"
#include "steps/remoteproc_step.h"

namespace stm32mp::steps::rproc {

[[nodiscard]] std::string join_lines(const std::vector<std::string>& lines);

// The states the load command handles from the live state on the board (it stops while running or attached).
[[nodiscard]] inline bool stoppable_or_offline(const std::string& state) {
  return state == "offline" || state == "running" || state == "attached";
}

// The step's fixed board commands, each one round trip whose failure is reported into `report`.
struct BoardCommands {
  ports::BoardSession& board;
  core::StepControl& control;
  core::StepReport& report;
  const std::string& instance;
  const std::string& image;

  // Runs a fixed command, parses the key=value reply. On failure reports RPC015 (or F20 when the
  // board vanished right after a start) and returns nullopt.
  std::optional<remote::ProbeOutput> run(const std::string& command, const char* what, bool after_start = false,
                                         const std::string& note = "");
  // The same for a reply already at hand.
  std::optional<remote::ProbeOutput> accept(const core::expected<ports::ExecResult, ports::RemoteError>& reply,
                                            const char* what, bool after_start = false, const std::string& note = "");
  std::optional<remote::WriteOutcome> write(int index, remote::RprocAttr attr, const std::string& value);
  // Stops, firmware write and, if accepted, start in one round trip. A connection lost meanwhile
  // counts as lost during the start (F20): stop and the firmware write are what the tool has always
  // done safely before, the start is what touches the firewall configuration.
  // `ran`: the reply of the same command when the upload's last command ran it (no round trip here).
  std::optional<remote::LoadStartOutcome> load_and_start(int index, const std::string& firmware, int max_stops,
                                                         bool may_stop,
                                                         const core::expected<ports::ExecResult, ports::RemoteError>* ran = nullptr);
};

// The catalogue entry a kernel-log verdict points to, reported with the facts `f` (instance, image,
// evidence …); false when the log names no cause (start_failed / none: the caller knows more).
bool report_cause(core::StepReport& r, const RemoteprocInputs& in, const remote::RprocInstance& inst,
                  const remote::LogVerdict& v, core::Facts f, const std::string& state_now,
                  const std::string& write_errno);

}  // namespace stm32mp::steps::rproc
