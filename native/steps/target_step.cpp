#include "steps/target_step.h"

#include "image/carve_outs.h"
#include "remote/board_fingerprint.h"
#include "remote/remote_error_text.h"
#include "remote/target_probe.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::Facts;

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (const auto& i : items) {
    if (!s.empty()) s += sep;
    s += i;
  }
  return s;
}

void observe(core::StepReport& r, const remote::TargetFacts& f) {
  r.observed.set("kernel", f.kernel_release);
  r.observed.set("model", f.dt_model);
  r.observed.set("compatible", join(f.dt_compatible, ", "));
  for (const auto& i : f.instances) {
    r.observed.set("remoteproc" + std::to_string(i.index),
                   i.name + " " + i.state + " firmware=" + i.firmware +
                       (i.fw_format.empty() ? "" : " fw_format=" + i.fw_format) + " recovery=" + i.recovery);
  }
  if (f.instances.empty()) r.observed.set("remoteprocs", "none");
  r.observed.set("firmware_dir_free_bytes", f.fw_free_bytes ? std::to_string(*f.fw_free_bytes) : "unknown");
  r.observed.set("firmware_dir_read_only", f.fw_read_only ? "yes" : "no");
  r.observed.set("firmware_dir_writable", f.fw_writable ? "yes" : "no");
  r.observed.set("firmware_class_path", f.firmware_class_path.empty() ? "(unset)" : f.firmware_class_path);
  r.observed.set("optee_remoteproc_ta", f.tee_ta_present ? "present" : "absent");
  r.observed.set("demo_service", f.demo_service_enabled ? "enabled" : "disabled");
  r.observed.set("reserved_memory_regions", std::to_string(f.reserved_memory.size()));
  r.observed.set("kernel_log_lines", std::to_string(f.kernel_log_lines));
  if (!f.fw_leftovers.empty()) r.observed.set("firmware_dir_leftovers", join(f.fw_leftovers, ", "));
}

void predict_image(core::StepReport& r, const TargetInputs& in, const remote::TargetFacts& f,
                   const remote::RprocInstance& inst) {
  if (!in.image) {
    r.observed.set("image_predictions", "skipped (no image given)");
    return;
  }
  const auto& img = *in.image;
  const bool tee = inst.fw_format == "TEE";
  const std::string where = "remoteproc" + std::to_string(inst.index) + " (" + inst.name + ")";
  if (tee && img.kind == image::ImageKind::elf) {
    r.add(Code::PlainElfOnTeeInstance, {{"instance", where}, {"image", img.upload_name()}, {"fw_format", inst.fw_format}});
  } else if (!tee && image::is_signed(img.kind)) {
    r.add(Code::SignedImageOnElfInstance,
          {{"instance", where}, {"image", img.upload_name()}, {"fw_format", inst.fw_format.empty() ? "ELF (no fw_format)" : inst.fw_format}});
  }
  if (!img.segments.empty() && !f.reserved_memory.empty()) {
    const auto fit = image::check_segments(img.segments, f.reserved_memory, inst.name);
    if (!fit.ok() && !fit.fits_instance.empty()) {
      r.add(Code::ImageForOtherCore, {{"instance", inst.name},
                                      {"other", fit.fits_instance},
                                      {"segments", image::segments_text(img.segments)},
                                      {"image", img.upload_name()}});
    } else if (!fit.ok()) {
      r.add(Code::SegmentsOutsideCarveOuts,
            {{"instance", inst.name},
             {"outside", image::segments_text(fit.outside)},
             {"regions", image::regions_text(image::regions_for(f.reserved_memory, inst.name))},
             {"image", img.upload_name()}});
    }
  }
  // Leftovers of an interrupted upload are removed before the next one is written: their bytes count as free.
  if (f.fw_free_bytes && *f.fw_free_bytes + f.fw_leftover_bytes < img.upload_size && !f.fw_read_only) {
    r.add(Code::FirmwareDirFull,
          {{"free_bytes", std::to_string(*f.fw_free_bytes + f.fw_leftover_bytes)}, {"needed_bytes", std::to_string(img.upload_size)}, {"mount", f.fw_mount}});
  }
}

// Every diagnosis the facts allow before an upload: the same for probed and for kept facts.
void judge(core::StepReport& r, const TargetInputs& in, const remote::TargetFacts& t) {

  const remote::RprocInstance* inst = t.find(in.remoteproc);
  if (t.m33_td() && in.remoteproc == "m33") {
    r.add(Code::M33TdBoard, {{"compatible", join(t.dt_compatible, ", ")}, {"instances", t.instance_names()}});
  } else if (inst == nullptr && !t.tee_boot_errors.empty()) {
    r.add(Code::TeeRprocProbeFailed, {{"wanted", in.remoteproc},
                                      {"instances", t.instance_names()},
                                      {"evidence", join(t.tee_boot_errors, "\n")}});
  } else if (inst == nullptr) {
    r.add(Code::RemoteprocNotFound, {{"wanted", in.remoteproc},
                                     {"instances", t.instance_names()},
                                     {"optee_remoteproc_ta", t.tee_ta_present ? "present" : "absent"}});
  }
  if (!t.ta_failed_start.empty()) {
    r.add(Code::TaHoldsFailedImage, {{"instance", in.remoteproc},
                                     {"evidence", t.ta_failed_start},
                                     {"held_image", t.ta_held_image.empty() ? "not shown by the kernel log" : t.ta_held_image}});
  }
  if (inst != nullptr) {
    r.observed.set("instance", "remoteproc" + std::to_string(inst->index) + " (" + inst->name + ")");
    const Facts where{{"instance", inst->name},
                      {"index", std::to_string(inst->index)},
                      {"state", inst->state},
                      {"firmware", inst->firmware},
                      {"recovery", inst->recovery}};
    if (inst->state == "crashed" && inst->recovery != "enabled") {
      r.add(Code::CrashedRecoveryDisabled, where);
    } else if (inst->state != "offline") {
      r.add(Code::InstanceWillBeStopped, where);
    }
    if (inst->index != 0 && !t.instances.empty() && t.instances.front().index == 0) {
      r.add(Code::InstanceNotRemoteproc0, {{"instance", inst->name},
                                           {"index", std::to_string(inst->index)},
                                           {"instances", t.instance_names()},
                                           {"first", t.instances.front().name}});
    }
    predict_image(r, in, t, *inst);
  }
  if (t.fw_read_only) {
    r.add(Code::FirmwareDirReadOnly, {{"mount", t.fw_mount.empty() ? "/" : t.fw_mount}});
  } else if (!t.fw_writable) {
    r.add(Code::FirmwareDirNotWritable, {{"user", in.user.empty() ? "the SSH user" : in.user}});
  }
  if (t.demo_service_enabled) r.add(Code::DemoServiceEnabled, {{"service", "st-m33firmware-load.service"}});
}

// A round trip the cancel cut is no failure of the board: the report says so as a fact and the runner reports the
// cancel (RUN003). True when it was cut.
bool cut_by_cancel(const core::expected<ports::ExecResult, ports::RemoteError>& reply, core::StepReport& r) {
  if (reply || reply.error().kind != ports::RemoteError::Kind::cancelled) return false;
  r.observed.set("probe", "not read: the run was cancelled");
  return true;
}

// The full probe: one exec round trip of the fixed script; its reply also carries the board's fingerprint.
core::StepReport probe_in_full(const TargetInputs& in, ports::BoardSession& session, core::StepControl& control,
                               std::optional<remote::TargetFacts>& facts,
                               std::optional<remote::BoardFingerprint>& fingerprint) {
  auto r = core::report_of(core::StepId::Target);
  // The image's name on stdin: the probe reads its copy's SHA-256 in the same round trip (for the upload).
  const std::string name = in.image ? remote::probe_input(in.image->upload_name()) : "";
  auto reply = name.empty() ? session.exec(remote::target_probe_script(), control.deadline, control.cancel)
                            : session.exec_with_input(remote::target_probe_script(), name, "", {}, control.deadline,
                                                      control.cancel);
  if (cut_by_cancel(reply, r)) return r;
  if (!reply) {
    r.add(Code::TargetProbeFailed, {{"reason", remote::describe(reply.error())},
                                    {"user", in.user},
                                    {"host", in.host},
                                    {"error_kind", remote::kind_name(reply.error().kind)}});
    return r;
  }
  auto parsed = remote::ProbeOutput::parse(reply->out);
  core::expected<remote::TargetFacts, std::string> f =
      parsed ? remote::parse_target_facts(*parsed) : core::expected<remote::TargetFacts, std::string>(core::unexpected{parsed.error()});
  if (!f) {
    r.add(Code::TargetProbeFailed, {{"reason", f.error()},
                                    {"user", in.user},
                                    {"host", in.host},
                                    {"exit_status", std::to_string(reply->exit_status)},
                                    {"stderr", reply->err.substr(0, 400)}});
    return r;
  }
  facts = *f;
  if (auto fp = remote::parse_fingerprint(*parsed)) fingerprint = std::move(*fp);  // else: nothing can be kept
  observe(r, *facts);
  judge(r, in, *facts);
  return r;
}

}  // namespace

core::StepReport check_target(const TargetInputs& in, ports::BoardSession& session, core::StepControl& control,
                              std::optional<remote::TargetFacts>& facts) {
  std::optional<remote::BoardFingerprint> fingerprint;
  return probe_in_full(in, session, control, facts, fingerprint);
}

core::StepReport check_target(const TargetInputs& in, ports::BoardSession& session, core::StepControl& control,
                              std::optional<remote::TargetFacts>& facts,
                              std::optional<remote::BoardFingerprint>& fingerprint, const KeptTarget* kept) {
  if (kept == nullptr) return probe_in_full(in, session, control, facts, fingerprint);
  auto reply = session.exec(remote::fingerprint_command(), control.deadline, control.cancel);
  if (auto r = core::report_of(core::StepId::Target); cut_by_cancel(reply, r)) return r;
  std::string why;
  std::optional<remote::BoardFingerprint> now;
  if (!reply) {
    why = "the fingerprint read failed: " + remote::describe(reply.error());
  } else if (auto parsed = remote::ProbeOutput::parse(reply->out); !parsed) {
    why = "the fingerprint read failed: " + parsed.error();
  } else if (auto fp = remote::parse_fingerprint(*parsed); !fp) {
    why = "the fingerprint read failed: " + fp.error();
  } else {
    now = std::move(*fp);
    why = remote::fingerprint_change(kept->fingerprint, *now);
  }
  if (!why.empty()) {
    auto r = probe_in_full(in, session, control, facts, fingerprint);
    r.observed.set("facts", "probed in full: " + why + " since the check " + kept->age + " ago");
    return r;
  }
  facts = kept->facts;
  facts->fw_free_bytes = now->fw_free_bytes;  // read again just now: not part of the comparison
  fingerprint = std::move(now);
  auto r = core::report_of(core::StepId::Target);
  observe(r, *facts);
  r.observed.set("facts", "kept from the check " + kept->age + " ago, boot id and fingerprint unchanged");
  judge(r, in, *facts);
  return r;
}

}  // namespace stm32mp::steps
