#include "pipeline/pipeline.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>

#include "core/step_ids.h"
#include "files/utf8_path.h"
#include "image/inspection.h"
#include "image/memory_map.h"
#include "pipeline/kept_facts.h"
#include "pipeline/session_reuse.h"
#include "pipeline/state_after_cancel.h"
#include "steps/config_step.h"
#include "steps/board_route.h"
#include "steps/network_step.h"
#include "steps/ssh_step.h"
#include "steps/remoteproc_step.h"
#include "steps/target_step.h"
#include "steps/upload_step.h"
#include "steps/verify_step.h"
#include "steps/image_step.h"
#include "steps/devices_step.h"
#include "steps/serial_port_step.h"

namespace stm32mp::pipeline {
namespace {

using core::Millis;
using core::StepControl;
using core::StepDefinition;
using core::StepId;
using core::StepReport;
using StepRun = std::function<StepReport(StepControl&)>;

bool selected(const core::Settings& s, const std::string& id) {
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  if (!s.only.empty() && !in(s.only)) return false;
  return !in(s.skip);
}


// The image as the remote steps see it: the image step's facts when it ran, else the file itself read
// once (--skip image), else nothing (no --elf/--signed given). Cached in `state`: later steps reuse it.
const image::ImageFacts* image_facts(RunState& state) {
  if (!state.image_read) {
    state.image_read = true;
    const auto& s = state.settings;
    const std::string path = !s.signed_image.empty() ? s.signed_image : s.elf;
    if (!path.empty()) {
      auto read = image::read_image_facts(path, s.elf);
      if (read) {
        state.image = std::move(*read);
      } else {
        state.image_problem = read.error();
      }
    }
  }
  return state.image ? &*state.image : nullptr;
}

// What the remoteproc step works from, for the step itself and for the upload that may run its load (plan_load).
steps::RemoteprocInputs remoteproc_inputs(const RunState& state, const image::ImageFacts* img, std::string firmware_name) {
  steps::RemoteprocInputs in;
  in.remoteproc = state.settings.remoteproc;
  in.firmware_name = std::move(firmware_name);
  if (img) in.image_kind = img->kind;
  if (state.target) {
    in.reserved_memory = state.target->reserved_memory;
    in.firmware_class_path = state.target->firmware_class_path;
    in.instances = state.target->instances;  // saves the step its own listing round trip
  } else {
    // --skip target: the built-in board profiles stand in for the board's device tree
    // to tell a wrong instance (F04) from a bad memory map (F05).
    for (const auto& profile : image::builtin_profiles()) {
      in.reserved_memory.insert(in.reserved_memory.end(), profile.regions.begin(), profile.regions.end());
    }
  }
  return in;
}

std::string image_path(const RunState& state) {
  const auto& s = state.settings;
  return !s.signed_image.empty() ? s.signed_image : s.elf;
}

}  // namespace

std::vector<StepDefinition> build_steps(const core::Settings& given, RunState& state, Ports& ports) {
  // What each step of the table (core/steps.def) runs; the table gives its id, title, budget, prerequisites and order.
  std::array<StepRun, core::kSteps.size()> runs;
  const auto run_of = [&runs](StepId step) -> StepRun& { return runs[static_cast<std::size_t>(step)]; };

  // config always runs: every other step reads the effective settings it produces.
  run_of(StepId::Config) = [&state, given](StepControl& control) {
    return steps::check_config(given, state.settings, &control.cancel);
  };

  run_of(StepId::Image) = [&state](StepControl& control) {
    const auto& s = state.settings;
    auto report = steps::check_image({s.elf, s.signed_image, s.image_key, s.remoteproc, !s.host.empty()}, state.image,
                                     &control.cancel);
    state.image_read = state.image.has_value();  // an unreadable file: read (and fail) once more later
    return report;
  };
  run_of(StepId::Devices) = [&state, &ports](StepControl& control) {
    if (!ports.device_enumerator) return core::StepReport{}.skip("no device enumerator on this platform");
    return steps::check_devices({state.settings.sysfs_root, state.settings.dev_root},
                                *ports.device_enumerator, control, state.devices);
  };
  // serial-port also runs without devices (--only serial-port): it enumerates for itself then.
  run_of(StepId::SerialPort) = [&state, &ports](StepControl& control) {
    if (!ports.device_enumerator || !ports.serial_lines || !ports.process_table) {
      return core::StepReport{}.skip("no serial port access on this platform");
    }
    const auto& s = state.settings;
    steps::SerialPortInputs in;
    in.serial = s.serial;
    in.probe_serial = s.probe_serial;
    in.production_mode = s.production_mode;
    in.sysfs_root = s.sysfs_root;
    in.dev_root = s.dev_root;
    steps::SerialPortPorts p{*ports.device_enumerator, *ports.serial_lines, *ports.process_table};
    return steps::check_serial_port(in, state.devices ? &*state.devices : nullptr, p, control,
                                    state.console_addresses);
  };

  run_of(StepId::Network) = [&state, &ports](StepControl& control) {
    if (!ports.network) return core::StepReport{}.skip("no network access on this platform");
    auto& s = state.settings;  // the SSH configuration's route fills in host, port, user
    if (!s.ssh_config.empty()) {
      return steps::check_network_with_config(s, *ports.network, ports.child_processes.get(),
                                              state.console_addresses, control, state.tcp, state.route,
                                              kept_connection(state, control));
    }
    take_kept_session(state, control);
    if (auto reused = reused_network_report(state)) return std::move(*reused);
    return steps::check_network({s.host, s.port, state.console_addresses}, *ports.network, control,
                                state.tcp);
  };
  // ssh takes the connection `network` opened; with --only ssh it connects by itself.
  run_of(StepId::Ssh) = [&state, &ports](StepControl& control) {
    if (!ports.network || !ports.ssh) return core::StepReport{}.skip("no SSH support on this platform");
    const auto reused_ssh = [&state]() -> std::optional<core::StepReport> {
      auto reused = reused_ssh_report(state);
      if (reused) {
        if (auto banner = reused->observed.get("server_banner")) state.server_banner = *banner;
      }
      return reused;
    };
    // --only ssh: the network step did not take it (with --ssh-config: once the route is resolved, below)
    if (state.settings.ssh_config.empty()) take_kept_session(state, control);
    if (auto reused = reused_ssh()) return std::move(*reused);
    if (!state.tcp && !state.settings.ssh_config.empty() && !state.route) {
      // --only ssh: the configuration is read and the proxy started here, as `network` would.
      auto reached = steps::check_network_with_config(state.settings, *ports.network,
                                                      ports.child_processes.get(), state.console_addresses,
                                                      control, state.tcp, state.route, kept_connection(state, control));
      if (auto reused = reused_ssh()) return std::move(*reused);
      if (!state.tcp) {
        return reached;  // the runner names it "ssh"
      }
    }
    auto tcp = std::move(state.tcp);
    core::Settings login = state.settings;
    login.host = steps::known_hosts_name(state.settings, state.route);  // HostKeyAlias
    auto report = steps::check_ssh(login, std::move(tcp), *ports.network, *ports.ssh, control,
                                   state.session);
    lend_new_session(state, report);
    if (auto banner = report.observed.get("server_banner")) state.server_banner = *banner;
    return report;
  };

  // Diagnosing a launch that already failed: nothing is uploaded, loaded or started (upload and verify
  // say so), and the remoteproc step explains the kernel log printed since that launch started.
  const bool diagnosing = given.diagnose_since_ms > 0;
  // The failed launch started diagnose_since_ms before this run: the window reaches back to it from
  // the moment the remoteproc step reads the board's clock, however long the steps before it took.
  const auto run_started = std::chrono::steady_clock::now();
  const char* kDiagnosing = "diagnosing a launch that already failed: nothing is changed on the board";
  const std::string kNoSession = "no SSH session (" + core::did_not_run(StepId::Ssh) + ")";
  // Remote steps: one session (state.session, opened by `ssh`) serves them all.
  run_of(StepId::Target) = [&state, kNoSession](StepControl& control) {
    if (!state.session) return core::StepReport{}.skip(kNoSession);
    const auto& s = state.settings;
    const auto* img = image_facts(state);
    const auto kept = kept_target(state);  // the facts an earlier check on this session left
    return steps::check_target({s.remoteproc, s.user, s.host, img ? std::optional{*img} : std::nullopt}, *state.session,
                               control, state.target, state.fingerprint, kept ? &*kept : nullptr);
  };
  const bool loads_after_upload = !diagnosing && selected(given, std::string(core::step_id(StepId::Remoteproc)));
  run_of(StepId::Upload) = [&state, &ports, diagnosing, loads_after_upload, kDiagnosing, kNoSession](StepControl& control) {
    if (diagnosing) return core::StepReport{}.skip(kDiagnosing);
    if (!state.session) return core::StepReport{}.skip(kNoSession);
    const auto* img = image_facts(state);
    const auto path = image_path(state);
    if (path.empty()) return core::StepReport{}.skip("no image given (--elf or --signed)");
    steps::UploadInputs in{img ? std::optional{*img} : std::nullopt, path, state.image_problem, {},
                           state.server_banner, state.settings.exec_upload, {}, left_copy(state)};
    if (state.target) {
      in.leftovers = state.target->fw_leftovers;
      in.probed_copy = state.target->image_copy;
    }
    if (ports.network && ports.ssh) {
      in.reopen = [&state, &ports](const core::Deadline& d, const core::CancelToken& c) {
        return steps::open_another_session(state.settings, state.route, *ports.network, *ports.ssh,
                                           ports.child_processes.get(), d, c);
      };
    }
    // The load goes with the upload's last command when the remoteproc step runs next and its first move is known.
    if (loads_after_upload && img) {
      state.load_plan = steps::plan_load(remoteproc_inputs(state, img, img->upload_name()));
      if (state.load_plan) in.then_script = state.load_plan->script;
    }
    state.upload_tried = true;
    auto report = steps::upload_image(in, *state.session, control, state.upload);
    if (state.load_plan) {
      // The board may have begun the load: it did, or the upload failed, maybe within its last command.
      if (!state.upload || state.upload->load_reply) state.load_tried = state.load_plan->firmware;
      // A cancel while the board may have gone on to stop, load and start: which state that left the core in.
      if (control.cancel.cancelled()) {
        report.observed.set("state_after_cancel", state_after_cancel(state, ports, state.settings.remoteproc));
      }
    }
    return report;
  };
  // A diagnosis needs only the session (steps.def): a target prediction that failed is no reason not to read what
  // the failed launch left in the kernel log.
  run_of(StepId::Remoteproc) = [&state, &ports, diagnosing, run_started, kNoSession](StepControl& control) {
    if (!state.session) return core::StepReport{}.skip(kNoSession);
    const auto* img = image_facts(state);
    const auto path = image_path(state);
    // Without the upload step (--skip upload) the image is expected on the board already.
    if (!diagnosing && !state.upload && path.empty()) {
      return core::StepReport{}.skip("no image given (--elf or --signed)");
    }
    auto in = remoteproc_inputs(state, img, state.upload ? state.upload->name : files::utf8_string(files::utf8_path(path).filename()));
    if (state.upload && state.upload->load_reply && state.load_plan) {
      in.planned = steps::PlannedLoad{*state.load_plan, std::move(*state.upload->load_reply)};
      state.upload->load_reply.reset();
    }
    if (diagnosing) {
      const auto run_so_far = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - run_started);
      return steps::diagnose_failed_load(in, state.settings.diagnose_since_ms + run_so_far.count(),
                                         *state.session, control);
    }
    state.load_tried = in.firmware_name;
    auto report = steps::load_firmware(in, *state.session, control, state.load);
    // A cancel in the middle of the stop/load/start command: say which state it left the core in.
    if (control.cancel.cancelled()) {
      report.observed.set("state_after_cancel", state_after_cancel(state, ports, in.remoteproc));
    }
    return report;
  };
  run_of(StepId::Verify) = [&state, &ports, diagnosing, kDiagnosing, kNoSession](StepControl& control) {
    if (diagnosing) return core::StepReport{}.skip(kDiagnosing);
    if (!state.session) return core::StepReport{}.skip(kNoSession);
    if (!state.load) return core::StepReport{}.skip("nothing was started (" + core::did_not_run(StepId::Remoteproc) + ")");
    const auto* img = image_facts(state);
    steps::VerifyInputs in{*state.load, state.upload ? state.upload->name : "",
                           img ? std::optional{img->has_resource_table} : std::nullopt};
    // Only an image this run uploaded has a known size on the board (--skip upload: the board's own).
    if (state.upload && img) in.uploaded_size = img->upload_size;
    if (state.target) {
      in.firmware_class_path = state.target->firmware_class_path;
      in.ta_failed_start = state.target->ta_failed_start;
      in.ta_held_image = state.target->ta_held_image;
    }
    return steps::verify_running(in, *state.session, control);
  };

  const Millis timeout{given.timeout_ms};
  std::vector<StepDefinition> chosen;
  for (const auto& info : core::kSteps) {
    const std::string id{info.id};
    if (info.step != StepId::Config && !selected(given, id)) continue;
    chosen.push_back({id, std::string(info.title), core::step_needs(info.step, diagnosing), Millis{info.budget_ms},
                      timeout, std::move(run_of(info.step))});
  }
  return chosen;
}

core::Report run_check(const core::Settings& given, Ports& ports, const core::CancelToken& cancel,
                       core::ProgressSink& progress, SessionPool* pool) {
  RunState state;
  state.settings = given;
  state.pool = pool;
  const auto steps = build_steps(given, state, ports);
  auto report = core::Runner{}.run(steps, cancel, progress);
  give_back_session(state);
  return report;
}

}  // namespace stm32mp::pipeline
