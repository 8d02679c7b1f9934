#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "image/image_facts.h"
#include "image/memory_map.h"
#include "remote/remote_outcomes.h"
#include "remote/rproc_commands.h"
#include "remote/target_facts.h"

namespace stm32mp::steps {

// A load the step would make, as one fixed command (remote::load_and_start_body).
struct LoadPlan {
  int index = -1;
  std::string firmware;
  int max_stops = 0;
  std::string script;
};

// That command as another step's command ran it, with its reply.
struct PlannedLoad {
  LoadPlan plan;
  core::expected<ports::ExecResult, ports::RemoteError> reply;
};

struct RemoteprocInputs {
  std::string remoteproc = "m33";               // instance name: resolved by name, never by number (F04)
  std::string firmware_name;                    // basename in /lib/firmware (from the upload step)
  std::optional<image::ImageKind> image_kind;     // nullopt: not known
  std::vector<image::MemoryRegion> reserved_memory;  // from the target step, to explain bad phdr (F04/F05)
  std::string firmware_class_path;
  int max_stops = 8;                            // bound of the stop loop (refcounted starts, F09)
  // The instances as the target step of the same run listed them; nullopt (--skip target, --only
  // remoteproc): the step lists them itself. Used as they are only for an offline, running or
  // attached instance (the load command acts on the live state); otherwise listed again.
  std::optional<std::vector<remote::RprocInstance>> instances;
  // The load command the upload's last command already ran (plan_load's plan for these inputs) and its reply: the
  // step's first load reads it instead of making a round trip of its own.
  std::optional<PlannedLoad> planned = {};
};

// The load the step will make first when nothing needs settling (the target step's listing shows the instance
// offline, running or attached): the board can run it right after the upload has put the image in place, in the
// same command (UploadInputs::then_script). nullopt: the step has to decide on the board first.
[[nodiscard]] std::optional<LoadPlan> plan_load(const RemoteprocInputs& in);

// Recovers a crashed / attaches a detached instance (one write each), then in ONE command stops it
// until offline (bounded, F09), writes the firmware name and, only if the kernel accepted it,
// remembers the kernel log position and writes start. A refused write is explained from the kernel
// log lines printed after it (remote/kernel_log_classifier.h), which are quoted as evidence. Every
// write is guarded by the instance's name (F04). A firmware write refused as busy because the
// instance left `offline` in between is retried once. Exec round trips with the target step's
// listing: 1 for an offline, running or attached instance.
[[nodiscard]] core::StepReport load_firmware(const RemoteprocInputs& in, ports::BoardSession& session,
                                             core::StepControl& control, std::optional<remote::LoadOutcome>& out);

// The diagnosis of one refused write from the kernel lines printed after it (w.log): the catalogue
// entry the classifier points to, with the lines as evidence. Shared with the `log` step, which
// reads the same lines from a saved capture. Adds RPC014 when the log names no known cause.
void explain_refusal(core::StepReport& r, const RemoteprocInputs& in, const remote::RprocInstance& inst,
                     const remote::WriteOutcome& w, remote::RprocAttr attr);
// For a launch that already failed (ST's own sequence, `since_ms` before this step): writes nothing, reads the
// board's uptime and kernel log in one round trip and explains the lines printed since the launch
// started with the same catalogue as a refused write (wrong instance, bad phdr, TEE rejection …).
// When the log names no cause: RPC026 (the load worked: the failure is elsewhere) or RPC025 (no
// remoteproc line: the launch stopped before loading).
[[nodiscard]] core::StepReport diagnose_failed_load(const RemoteprocInputs& in, std::int64_t since_ms,
                                                    ports::BoardSession& session, core::StepControl& control);

}  // namespace stm32mp::steps
