#include "steps/verify_step.h"

#include <cmath>
#include <thread>

#include "remote/board_value.h"
#include "remote/booted_image.h"
#include "remote/kernel_log_classifier.h"
#include "remote/remote_error_text.h"
#include "remote/rproc_commands.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;

// A real kernel sets "running" before the start write returns; a short re-read window covers
// drivers that finish asynchronously without slowing the usual case (first read already running).
constexpr int kReads = 5;
constexpr core::Millis kReadGap{200};

std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : "\n") + l;
  return s;
}

// The old-image cases: the kernel's own "Booting fw image" line against the upload, then the TA's
// held failed start (upstream OP-TEE starts the image it still holds).
void compare_with_upload(const VerifyInputs& in, const std::vector<std::string>& log, core::StepReport& r) {
  const auto where = "remoteproc" + std::to_string(in.load.index) + " (" + in.load.instance + ")";
  if (const auto booted = remote::booted_image(log)) {
    r.observed.set("booted", booted->name + ", " + std::to_string(booted->size) + " bytes");
    const bool other_name = !in.image_name.empty() && booted->name != in.image_name;
    const bool other_size = in.uploaded_size && booted->size != *in.uploaded_size;
    if (other_name || other_size) {
      r.add(Code::RprocOtherCopyBooted, {{"instance", where},
                                         {"booted", booted->name},
                                         {"booted_size", std::to_string(booted->size)},
                                         {"image", in.image_name},
                                         {"expected_size", in.uploaded_size ? std::to_string(*in.uploaded_size) : "?"},
                                         {"class_path", in.firmware_class_path.empty() ? "(unset)" : in.firmware_class_path},
                                         {"evidence", booted->line}});
      return;
    }
  }
  if (in.ta_failed_start.empty()) return;
  // The TA still held an image whose start failed, and the load nevertheless went through: ST's TA would have
  // refused it (BAD_STATE), upstream OP-TEE's accepts it without loading and starts the image it held
  // (crosscheck §1). When the kernel showed which image that was, and it is not the upload, the old one runs.
  const auto held = in.ta_held_image.empty() ? std::nullopt : remote::booted_image({in.ta_held_image});
  if (held && ((!in.image_name.empty() && held->name != in.image_name) || (in.uploaded_size && held->size != *in.uploaded_size))) {
    r.add(Code::RprocHeldImageRuns, {{"instance", where},
                                     {"held", held->name},
                                     {"held_size", std::to_string(held->size)},
                                     {"image", in.image_name},
                                     {"expected_size", in.uploaded_size ? std::to_string(*in.uploaded_size) : "?"},
                                     {"held_since", in.ta_failed_start},
                                     {"evidence", held->line}});
    return;
  }
  r.add(Code::RprocOldImageMayRun, {{"instance", where}, {"held_since", in.ta_failed_start},
                                    {"held_image", held ? held->name + ", " + std::to_string(held->size) + " bytes" : "not shown by the kernel log"}});
}

}  // namespace

core::StepReport verify_running(const VerifyInputs& in, ports::BoardSession& session, core::StepControl& control) {
  auto r = core::report_of(core::StepId::Verify);
  const auto& load = in.load;
  r.observed.set("instance", "remoteproc" + std::to_string(load.index) + " (" + load.instance + ")");
  std::string state;
  std::vector<std::string> log;
  int ttys = 0;
  // The load command already read the instance right after the start write, on the board, in the
  // same shell: when that shows `running` and the kernel's "is now up" line, it is the observation
  // this step needs and a further round trip would only repeat it. Anything else (still starting,
  // no up line, no reading) is read again below, with the re-read window for asynchronous drivers.
  const bool seen_at_start = load.state_after == "running" && load.rpmsg_ttys &&
                             remote::classify_kernel_log(load.start_log, load.instance).up;
  if (seen_at_start) {
    state = load.state_after;
    log = load.start_log;
    ttys = *load.rpmsg_ttys;
    r.observed.set("read", "right after the start write, by the load command");
  }
  for (int attempt = 0; !seen_at_start && attempt < kReads; ++attempt) {
    if (attempt == 0) r.observed.set("read", "after the start, by this step");
    auto reply = session.exec(remote::verify_command(load.index, load.log_position), control.deadline, control.cancel);
    if (!reply) {
      // A cancel is reported by the runner (RUN003): the board did not fail, the check was stopped.
      if (reply.error().kind == ports::RemoteError::Kind::cancelled) {
        r.observed.set("state", "not read: the run was cancelled");
        return r;
      }
      r.add(Code::VerifyCheckFailed, {{"instance", load.instance}, {"reason", remote::describe(reply.error())}});
      return r;
    }
    auto parsed = remote::ProbeOutput::parse(reply->out);
    if (!parsed || !parsed->has("probe.end")) {
      r.add(Code::VerifyCheckFailed, {{"instance", load.instance}, {"reason", "unexpected reply: " + reply->out.substr(0, 200)}});
      return r;
    }
    state = "missing";
    for (const auto& i : remote::parse_instances(*parsed)) {
      if (i.index == load.index) state = i.state;
    }
    log = remote::capped(remote::split_lines(parsed->value_or("log", "")), remote::caps::kKernelLine,
                         remote::caps::kKernelLines);
    ttys = std::atoi(parsed->value_or("rpmsg.ttys", "0").c_str());
    if (state == "running" || state == "crashed" || state == "offline" || state == "missing") break;
    if (control.cancel.cancelled() || control.deadline.remaining() < kReadGap) break;
    std::this_thread::sleep_for(kReadGap);
  }
  if (log.empty()) log = load.start_log;
  const auto v = remote::classify_kernel_log(log, load.instance);
  r.observed.set("state", state);
  r.observed.set("rpmsg_ttys", std::to_string(ttys));
  r.observed.set("start_write_ms", std::to_string(load.start_write_ms));

  // Kernel-side start time: from the "powering up" to the "is now up" timestamp of the kernel log.
  std::optional<double> t_power;
  std::optional<double> t_up;
  for (const auto& line : log) {
    if (line.find("powering up " + load.instance) != std::string::npos) t_power = remote::kernel_timestamp(line);
    if (line.find("remote processor " + load.instance + " is now up") != std::string::npos) t_up = remote::kernel_timestamp(line);
  }
  if (t_power && t_up) r.observed.set("kernel_start_to_up_ms", std::to_string(std::lround((*t_up - *t_power) * 1000.0)));

  if (state != "running") {
    r.add(Code::VerifyNotRunning, {{"instance", load.instance},
                                   {"state", state},
                                   {"evidence", log.empty() ? "(no kernel log lines since the start)" : join_lines(log)}});
    return r;
  }
  // "running" and "is now up" are both printed after ST's misaligned-boot-address check returned
  // success without releasing the core: the state cannot tell, only this line can.
  if (!v.boot_addr_misaligned.empty()) {
    r.add(Code::VerifyBootAddressMisaligned,
          {{"instance", load.instance}, {"image", in.image_name}, {"evidence", v.boot_addr_misaligned}});
    return r;
  }
  compare_with_upload(in, log, r);
  if (!v.up) {
    r.add(Code::VerifyNoUpLine, {{"instance", load.instance}, {"lines_since_start", std::to_string(log.size())}});
  } else {
    for (const auto& line : log) {
      if (line.find("is now up") != std::string::npos) r.observed.set("evidence", line);
    }
  }
  const bool no_table = v.no_resource_table || (in.has_resource_table && !*in.has_resource_table);
  if (no_table && ttys == 0) {
    std::string evidence;
    for (const auto& line : log) {
      if (line.find("no resource table") != std::string::npos) evidence = line;
    }
    r.add(Code::VerifyNoResourceTable, {{"image", in.image_name},
                                        {"instance", load.instance},
                                        {"rpmsg_ttys", "0"},
                                        {"evidence", evidence.empty() ? "image has no .resource_table section" : evidence}});
  }
  return r;
}

}  // namespace stm32mp::steps
