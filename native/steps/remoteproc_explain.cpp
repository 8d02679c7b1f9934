// Why a write was refused: the catalogue entry the kernel log lines printed after it point to.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "image/carve_outs.h"
#include "remote/remote_error_text.h"
#include "remote/tee_error.h"
#include "steps/remoteproc_internal.h"

namespace stm32mp::steps {
namespace rproc {
namespace {

using core::Code;
using core::Facts;
using remote::RprocAttr;
using remote::RprocInstance;

std::string tee_hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

}  // namespace

std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += "\n";
    s += l;
  }
  return s;
}

bool report_cause(core::StepReport& r, const RemoteprocInputs& in, const RprocInstance& inst,
                  const remote::LogVerdict& v, Facts f, const std::string& state_now, const std::string& write_errno) {
  auto add = [&](Code c) { r.add(c, f); };
  switch (v.cause) {
    case remote::LogCause::bad_magic: add(Code::RprocBadMagic); return true;
    case remote::LogCause::tee_rejected: {
      const auto info = remote::decode_tee_error(v.tee_error.value_or(0));
      f.set("tee_err", tee_hex(v.tee_error.value_or(0)));
      f.set("tee_name", info.name);
      f.set("tee_meaning", info.meaning);
      f.set("image_kind", in.image_kind ? std::string(image::to_string(*in.image_kind)) : "unknown");
      // NOT_SUPPORTED at LOAD_FW: the PTA refused the signature's algorithm (crosscheck §2), not the key or the file.
      if (in.image_kind == image::ImageKind::elf) add(Code::RprocTeeRejectedUnsigned);
      else if (v.tee_error == remote::kTeeErrorNotSupported) add(Code::RprocTeeKeyTypeRefused);
      else add(Code::RprocTeeRejectedSigned);
      return true;
    }
    case remote::LogCause::tee_unavailable:
      f.set("line", v.evidence.empty() ? "" : v.evidence.back());
      add(Code::RprocTeeUnavailable);
      return true;
    case remote::LogCause::wrong_instance:
      f.set("powered_up", v.powered_up);
      f.set("built_for", inst.name);
      add(Code::RprocWrongInstance);
      return true;
    case remote::LogCause::bad_phdr: {
      const std::uint64_t da = std::strtoull(v.bad_phdr_da.c_str(), nullptr, 16);
      const std::uint64_t mem = std::strtoull(v.bad_phdr_mem.c_str(), nullptr, 16);
      // ELF32 program header fields: a wider value (a garbled line) is clamped, never wrapped.
      image::Segment seg;
      seg.type = image::kPtLoad;
      seg.paddr = static_cast<std::uint32_t>(std::min<std::uint64_t>(da, UINT32_MAX));
      seg.memsz = static_cast<std::uint32_t>(std::min<std::uint64_t>(mem, UINT32_MAX));
      const auto fit = image::check_segments({seg}, in.reserved_memory, inst.name);
      f.set("da", v.bad_phdr_da);
      f.set("mem", v.bad_phdr_mem);
      f.set("regions", image::regions_text(image::regions_for(in.reserved_memory, inst.name)));
      if (!fit.fits_instance.empty()) {
        f.set("powered_up", inst.name);
        f.set("built_for", fit.fits_instance);
        add(Code::RprocWrongInstance);
      } else {
        add(Code::RprocBadSegment);
      }
      return true;
    }
    case remote::LogCause::firmware_not_found:
      f.set("class_path", in.firmware_class_path.empty() ? "(unset)" : in.firmware_class_path);
      add(Code::RprocFirmwareNotFound);
      return true;
    case remote::LogCause::elf_rejected:
      f.set("detail", v.detail);
      add(Code::RprocImageRejected);
      return true;
    case remote::LogCause::firmware_unreadable: {
      const int error = v.loader_error.value_or(0);
      f.set("loader_error", std::to_string(error));
      f.set("reason", remote::firmware_loader_reason(error, v.dotdot_refused));
      add(Code::RprocFirmwareUnreadable);
      return true;
    }
    case remote::LogCause::tee_start_failed:
    case remote::LogCause::tee_bad_state: {
      const auto info = remote::decode_tee_error(v.tee_error.value_or(0));
      f.set("tee_err", tee_hex(v.tee_error.value_or(0)));
      f.set("tee_name", info.name);
      f.set("tee_meaning", info.meaning);
      f.set("tee_command", v.tee_command);
      add(v.cause == remote::LogCause::tee_bad_state ? Code::RprocTeeBadState : Code::RprocTeeStartFailed);
      return true;
    }
    case remote::LogCause::carveout:
      f.set("detail", v.detail);
      add(Code::RprocCarveoutFailed);
      return true;
    case remote::LogCause::prepare_failed:
    case remote::LogCause::subdevices_failed:
    case remote::LogCause::deleted:
      f.set("reason", remote::setup_failure_reason(v.cause) + " (" + (v.detail.empty() ? v.evidence.back() : v.detail) + ")");
      add(Code::RprocDeviceSetupFailed);
      return true;
    case remote::LogCause::stop_failed:
      f.set("stop_error", v.stop_error ? std::to_string(*v.stop_error) : write_errno);
      f.set("reason", remote::stop_failure_reason(v, write_errno));
      add(Code::RprocStopFailed);
      return true;
    case remote::LogCause::busy:
      f.set("state", state_now);
      add(Code::RprocBusy);
      return true;
    case remote::LogCause::firewall_panic: add(Code::RprocFirewallPanic); return true;
    case remote::LogCause::start_failed:
    case remote::LogCause::none: return false;
  }
  return false;
}

}  // namespace rproc

namespace {

using core::Code;
using core::Facts;
using remote::RprocAttr;
using remote::RprocInstance;
using rproc::join_lines;
using rproc::report_cause;

// A refused write: which catalogue entry the kernel log points to.
void explain(core::StepReport& r, const RemoteprocInputs& in, const RprocInstance& inst, const remote::WriteOutcome& w,
             RprocAttr attr) {
  const auto v = remote::classify_kernel_log(w.log, inst.name);
  // A saved log (the `log` step) may not show the instance number: then the name alone.
  const std::string where =
      inst.index < 0 ? inst.name : "remoteproc" + std::to_string(inst.index) + " (" + inst.name + ")";
  Facts f{{"instance", where},
          {"index", std::to_string(inst.index)},
          {"image", in.firmware_name},
          {"firmware", in.firmware_name},
          {"attribute", remote::to_string(attr)},
          {"errno", w.errno_name.empty() ? "exit " + std::to_string(w.rc) : w.errno_name},
          {"error_text", w.error_text.empty() ? "(none)" : w.error_text},
          {"log_cause", remote::to_string(v.cause)}};
  if (v.boot_error) f.set("boot_error", std::to_string(*v.boot_error));
  f.set("evidence", v.evidence.empty() ? "(no kernel log lines after the write)" : join_lines(v.evidence));
  const std::string state_now = w.after ? w.after->state : inst.state;
  if (report_cause(r, in, inst, v, f, state_now, w.errno_name)) return;
  if (w.errno_name == "EBUSY" && attr == RprocAttr::firmware) {
    f.set("state", state_now);
    r.add(Code::RprocBusy, f);
  } else if (w.errno_name == "ENOENT" && attr == RprocAttr::state) {
    f.set("class_path", in.firmware_class_path.empty() ? "(unset)" : in.firmware_class_path);
    r.add(Code::RprocFirmwareNotFound, f);
  } else {
    r.add(Code::RprocStartFailed, f);
  }
}

}  // namespace

void explain_refusal(core::StepReport& r, const RemoteprocInputs& in, const remote::RprocInstance& inst,
                     const remote::WriteOutcome& w, remote::RprocAttr attr) {
  explain(r, in, inst, w, attr);
}

}  // namespace stm32mp::steps
