#include "steps/remoteproc_step.h"

#include <chrono>
#include <cstdlib>
#include <string_view>

#include "remote/kernel_log_classifier.h"
#include "remote/memory_map.h"
#include "remote/remote_error_text.h"
#include "remote/rproc_commands.h"
#include "remote/tee_error.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::Facts;
using remote::RprocAttr;
using remote::RprocInstance;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += "\n";
    s += l;
  }
  return s;
}

std::string tee_hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

struct Session {
  ports::BoardSession& board;
  core::StepControl& control;
  core::StepReport& report;
  const std::string& instance;
  const std::string& image;

  // Runs a fixed command, parses the key=value reply. On failure reports RPC015 (or F20 when the
  // board vanished right after a start) and returns nullopt.
  std::optional<remote::ProbeOutput> run(const std::string& command, const char* what, bool after_start = false,
                                        const std::string& note = "") {
    auto reply = board.exec(command, control.deadline, control.cancel);
    if (!reply) {
      const auto kind = reply.error().kind;
      if (after_start && (kind == ports::RemoteError::Kind::disconnected || kind == ports::RemoteError::Kind::timeout)) {
        report.add(Code::RprocFirewallPanic,
                   {{"instance", instance}, {"image", image}, {"reason", remote::describe(reply.error()) + note}});
      } else {
        report.add(Code::RprocCommandFailed, {{"reason", std::string(what) + ": " + remote::describe(reply.error())},
                                              {"instance", instance}});
      }
      return std::nullopt;
    }
    auto parsed = remote::ProbeOutput::parse(reply->out);
    if (!parsed || parsed->get("probe.version") != "1" || !parsed->has("probe.end")) {
      report.add(Code::RprocCommandFailed,
                 {{"reason", std::string(what) + ": unexpected reply (" + (parsed ? "cut short" : parsed.error()) + ")"},
                  {"instance", instance},
                  {"stderr", reply->err.substr(0, 300)}});
      return std::nullopt;
    }
    return std::move(*parsed);
  }

  std::optional<remote::WriteOutcome> write(int index, RprocAttr attr, const std::string& value, bool is_start = false) {
    auto out = run(remote::write_attr_command(index, attr, value, instance), is_start ? "start" : remote::to_string(attr),
                   is_start);
    if (!out) return std::nullopt;
    auto w = remote::parse_write_outcome(*out, index);
    if (!w) {
      report.add(Code::RprocCommandFailed, {{"reason", w.error()}, {"instance", instance}});
      return std::nullopt;
    }
    return std::move(*w);
  }

  // Stops, firmware write and, if accepted, start in one round trip. A connection lost meanwhile
  // counts as lost during the start (F20): stop and the firmware write are what the tool has always
  // done safely before, the start is what touches the firewall configuration.
  std::optional<remote::LoadStartOutcome> load_and_start(int index, const std::string& firmware, int max_stops,
                                                        bool may_stop) {
    // The reply is lost with the connection: say so when the same command also stopped the instance.
    const std::string note = may_stop ? "; the same command first stopped the running instance, a drop during that stop "
                                        "cannot be told apart"
                                      : "";
    auto out = run(remote::load_and_start_command(index, instance, firmware, max_stops), "stop, firmware and start", true,
                   note);
    if (!out) return std::nullopt;
    auto o = remote::parse_load_start_outcome(*out, index);
    if (!o) {
      report.add(Code::RprocCommandFailed, {{"reason", o.error()}, {"instance", instance}});
      return std::nullopt;
    }
    return std::move(*o);
  }
};

bool stoppable_or_offline(const std::string& state) {
  return state == "offline" || state == "running" || state == "attached";
}

// The catalogue entry a kernel-log verdict points to, reported with the facts `f` (instance, image,
// evidence …); false when the log names no cause (start_failed / none: the caller knows more).
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
      f.set("image_kind", remote::to_string(in.image_kind));
      add(in.image_kind == remote::ImageKind::elf ? Code::RprocTeeRejectedUnsigned : Code::RprocTeeRejectedSigned);
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
      const auto fit = remote::check_segments({{da, mem}}, in.reserved_memory, inst.name);
      f.set("da", v.bad_phdr_da);
      f.set("mem", v.bad_phdr_mem);
      f.set("regions", remote::regions_text(remote::regions_for(in.reserved_memory, inst.name)));
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

core::StepReport load_firmware(const RemoteprocInputs& in, ports::BoardSession& board, core::StepControl& control,
                               std::optional<remote::LoadOutcome>& out) {
  core::StepReport r("remoteproc", "Load through remoteproc");
  Session s{board, control, r, in.remoteproc, in.firmware_name};

  std::vector<RprocInstance> instances;
  bool listed_here = false;
  auto list = [&] {
    auto listing = s.run(remote::list_instances_script(), "list instances");
    if (!listing) return false;
    instances = remote::parse_instances(*listing);
    listed_here = true;
    return true;
  };
  auto find = [&]() -> std::optional<RprocInstance> {
    for (const auto& i : instances) {
      if (i.name == in.remoteproc) return i;
    }
    return std::nullopt;
  };
  if (in.instances) {
    instances = *in.instances;
  } else if (!list()) {
    return r;
  }
  std::optional<RprocInstance> inst = find();
  // The target step's listing (same run, seconds old) is used as it is only for the states the load
  // command handles from the live state on the board: offline, running, attached (it stops while
  // running/attached, re-reading the state; a firmware write refused because the instance changed
  // in between is stopped and retried below). For a crashed, detached or missing instance the
  // recovery/attach decision needs the state of now: list again.
  if (!listed_here && (!inst || !stoppable_or_offline(inst->state))) {
    if (!list()) return r;
    inst = find();
  }
  auto missing = [&] {
    std::string names;
    for (const auto& i : instances) names += (names.empty() ? "" : ", ") + ("remoteproc" + std::to_string(i.index) + "=" + i.name);
    r.add(Code::RprocInstanceMissing, {{"instance", in.remoteproc}, {"instances", names.empty() ? "none" : names}});
    return r;
  };
  if (!inst) return missing();
  int index = inst->index;
  auto name_instance = [&] { r.observed.set("instance", "remoteproc" + std::to_string(index) + " (" + inst->name + ")"); };
  // The index no longer holds an instance, or now names another processor (F04).
  auto vanished = [&] {
    r.add(Code::RprocInstanceMissing, {{"instance", in.remoteproc}, {"instances", "remoteproc" + std::to_string(index) + " vanished"}});
  };
  auto now_named = [&](const std::string& other) {
    r.add(Code::RprocWrongInstance, {{"instance", in.remoteproc},
                                     {"powered_up", other},
                                     {"built_for", in.remoteproc},
                                     {"image", in.firmware_name},
                                     {"evidence", "remoteproc" + std::to_string(index) + "/name is now " + other}});
  };
  name_instance();
  r.observed.set("state_before", inst->state);
  r.observed.set("firmware_before", inst->firmware);
  r.observed.set("instances_listed_by", listed_here ? "remoteproc step" : "target step");

  // Every write runs only while remoteproc<index>/name still names the instance (F04). When it does
  // not, a listing taken by the target step is stale: list again once; else the index now belongs
  // to another processor. Returns false when the step must end (reported).
  bool relisted = false;
  auto renumbered = [&](const remote::WriteOutcome& w) {
    if (!relisted && !listed_here) {
      relisted = true;
      if (!list()) return false;
      inst = find();
      if (!inst) {
        missing();
        return false;
      }
      index = inst->index;
      name_instance();
      r.observed.set("instances_listed_by", "remoteproc step (the target step's listing was stale)");
      return true;
    }
    if (!w.after) {
      vanished();
    } else {
      now_named(w.after->name);
    }
    return false;
  };

  int stops = 0;
  bool recovered = false;
  bool reported_recovered = false;
  bool reported_repeated = false;
  bool retried_busy = false;
  const std::string recovery_before = inst->recovery;
  for (;;) {
    // Recover a crashed instance, attach a detached one (attach first: stop needs an attached core).
    // Each write reports the state after it, so no extra round trip per decision. Stopping a running
    // or attached instance happens inside the load command (one round trip for stop, load, start).
    bool restart = false;
    for (int round = 0; !stoppable_or_offline(inst->state) && round < 4; ++round) {
      std::optional<remote::WriteOutcome> w;
      if (inst->state == "detached") {
        w = s.write(index, RprocAttr::state, "start");
      } else if (inst->state == "crashed") {
        if (recovered) {
          r.add(Code::RprocCrashedUnrecoverable, {{"instance", inst->name},
                                                  {"index", std::to_string(index)},
                                                  {"reason", "still crashed after 'recover'"}});
          return r;
        }
        recovered = true;
        w = s.write(index, RprocAttr::recovery, "recover");
        if (w && !w->skipped && w->rc != 0) {
          r.add(Code::RprocCrashedUnrecoverable,
                {{"instance", inst->name},
                 {"index", std::to_string(index)},
                 {"reason", "writing 'recover' failed: " + (w->error_text.empty() ? w->errno_name : w->error_text)},
                 {"evidence", join_lines(w->log)}});
          return r;
        }
      } else {
        break;  // suspended, deleted, invalid: nothing this tool can write changes it
      }
      if (!w) return r;
      if (w->skipped) {
        if (!renumbered(*w)) return r;
        restart = true;
        break;
      }
      if (!w->after) {
        vanished();
        return r;
      }
      inst = *w->after;
    }
    if (restart) continue;
    auto ineffective = [&](const std::string& state) {
      r.observed.set("stop_requests", std::to_string(stops));
      r.add(Code::RprocStopIneffective, {{"instance", inst->name},
                                         {"index", std::to_string(index)},
                                         {"state", state},
                                         {"stops", std::to_string(stops)}});
      return r;
    };
    if (!stoppable_or_offline(inst->state)) return ineffective(inst->state);

    const auto t0 = std::chrono::steady_clock::now();
    auto ls = s.load_and_start(index, in.firmware_name, in.max_stops - stops, inst->state != "offline");
    const auto round_trip_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!ls) return r;
    stops += ls->stops;
    r.observed.set("stop_requests", std::to_string(stops));
    auto& fw = ls->firmware;
    if (fw.skipped) {
      if (!renumbered(fw)) return r;
      continue;
    }
    if (ls->stop_ineffective) {
      // A stop the kernel refused says why (its errno, "can't stop rproc: N", the TA's STOP line);
      // a stop that was accepted but left it running is the refcount case (F09).
      const auto v = remote::classify_kernel_log(ls->stop_log, inst->name);
      const auto errno_name = remote::errno_from_text(ls->stop_error_text);
      if (v.cause == remote::LogCause::stop_failed || !ls->stop_error_text.empty()) {
        r.add(Code::RprocStopFailed,
              {{"instance", "remoteproc" + std::to_string(index) + " (" + inst->name + ")"},
               {"index", std::to_string(index)},
               {"stop_error", v.stop_error ? std::to_string(*v.stop_error) : (errno_name.empty() ? "?" : errno_name)},
               {"reason", remote::stop_failure_reason(v, errno_name)},
               {"error_text", ls->stop_error_text.empty() ? "(none)" : ls->stop_error_text},
               {"evidence", ls->stop_log.empty() ? "(no kernel log lines after the stop)" : join_lines(ls->stop_log)}});
        return r;
      }
      return ineffective(fw.after ? fw.after->state : inst->state);
    }
    if (recovered && !reported_recovered) {
      reported_recovered = true;
      r.add(Code::RprocRecovered, {{"instance", inst->name}, {"recovery", recovery_before}});
    }
    if (stops > 1 && !reported_repeated) {
      reported_repeated = true;
      r.add(Code::RprocStopRepeated, {{"instance", inst->name}, {"stops", std::to_string(stops)}});
    }
    if (fw.after && fw.after->name != in.remoteproc) {
      now_named(fw.after->name);
      return r;
    }
    if (fw.rc != 0) {
      // The instance was started between the load command's state read and its firmware write (by a
      // service or another user): the reply shows its state; the retry stops it first. Once only.
      if (!retried_busy && fw.errno_name == "EBUSY" && fw.after && fw.after->state != "offline") {
        retried_busy = true;
        r.observed.set("firmware_write_retried",
                       "busy: remoteproc" + std::to_string(index) + " was " + fw.after->state + ", stopped and retried");
        inst = *fw.after;
        continue;
      }
      explain(r, in, *inst, fw, RprocAttr::firmware);
      return r;
    }
    r.observed.set("firmware", in.firmware_name);

    const auto& start = *ls->start;  // present whenever the firmware write was accepted (parser)
    const std::int64_t ms = ls->start_board_ms ? *ls->start_board_ms : round_trip_ms;
    r.observed.set("start_ms", std::to_string(ms));
    r.observed.set("start_ms_measured",
                   ls->start_board_ms ? "on the board, around the start write"
                                      : "round trip of the stop, firmware and start command (the board's date has no %N)");
    r.observed.set("kernel_log_position", std::to_string(start.log_position));
    if (start.rc != 0) {
      explain(r, in, *inst, start, RprocAttr::state);
      return r;
    }
    const std::string state_after = start.after ? start.after->state : "";
    if (start.after) r.observed.set("state_after", state_after);
    // Offline before and after an accepted start with not one kernel line: the kernel only counted a reference
    // (a failed recovery leaked rproc->power, so rproc_boot() returns 0 and loads nothing).
    if (state_after == "offline" && inst->state == "offline" && start.log.empty()) {
      r.add(Code::RprocStartOnlyCounted, {{"instance", "remoteproc" + std::to_string(index) + " (" + inst->name + ")"},
                                          {"image", in.firmware_name},
                                          {"state_before", inst->state},
                                          {"state_after", state_after},
                                          {"evidence", "(no kernel log lines after the start write)"}});
      return r;
    }
    out = remote::LoadOutcome{index, inst->name, start.log_position, start.log, ms, state_after, ls->rpmsg_ttys};
    return r;
  }
}

core::StepReport diagnose_failed_load(const RemoteprocInputs& in, std::int64_t since_ms, ports::BoardSession& board,
                                      core::StepControl& control) {
  core::StepReport r("remoteproc", "Load through remoteproc");
  Session s{board, control, r, in.remoteproc, in.firmware_name};
  r.observed.set("mode", "diagnosis of a launch that already failed: nothing is written to the board");
  auto out = s.run(remote::kernel_log_window_command(), "read the kernel log");
  if (!out) return r;
  const auto all = remote::split_lines(out->value_or("log", ""));
  const double uptime = std::strtod(out->value_or("uptime", "").c_str(), nullptr);
  // One second of slack: the PC's and the board's clocks tick apart, and the launch's first board
  // action comes after its start anyway.
  const double window = static_cast<double>(since_ms) / 1000.0 + 1.0;
  const auto lines = uptime > 0 ? remote::lines_since(all, uptime, window) : all;
  r.observed.set("kernel_log_window", uptime > 0 ? "the last " + std::to_string(since_ms / 1000 + 1) + " s (uptime " +
                                                       out->value_or("uptime", "") + " s)"
                                                 : "the last " + std::to_string(all.size()) +
                                                       " lines (the board's uptime could not be read)");
  r.observed.set("kernel_log_lines", std::to_string(lines.size()));

  const auto v = remote::classify_kernel_log(lines, in.remoteproc);
  // Ours, as the target step listed it: a launch that wrote another one is told by the log ("powering up m0").
  RprocInstance inst;
  inst.name = in.remoteproc;
  if (in.instances) {
    for (const auto& i : *in.instances) {
      if (i.name == in.remoteproc) inst = i;
    }
  }
  const std::string where = inst.index >= 0 ? "remoteproc" + std::to_string(inst.index) + " (" + inst.name + ")"
                                            : inst.name;
  // The image the failed launch wrote, as the kernel names it ("Booting fw image X, size N"), else ours.
  std::string image = in.firmware_name.empty() ? "the firmware" : in.firmware_name;
  constexpr std::string_view kBooting = "Booting fw image ";
  for (const auto& l : lines) {
    const auto at = l.find(kBooting);
    if (at == std::string::npos) continue;
    const auto from = at + kBooting.size();
    image = l.substr(from, l.find(',', from) - from);  // no comma: npos - from runs to the end
  }
  Facts f{{"instance", where}, {"image", image}, {"firmware", image}, {"log_cause", remote::to_string(v.cause)}};
  if (v.boot_error) f.set("boot_error", std::to_string(*v.boot_error));
  f.set("evidence", v.evidence.empty() ? "(no remoteproc line in the window)" : join_lines(v.evidence));
  if (report_cause(r, in, inst, v, f, inst.state, "")) return r;
  if (v.cause == remote::LogCause::start_failed) {
    r.add(Code::RprocStartFailed, f);
  } else if (v.up) {
    std::vector<std::string> evidence;
    for (const auto& l : lines) {
      if (evidence.size() < 8 && l.find("remoteproc") != std::string::npos) evidence.push_back(l);
    }
    r.add(Code::RprocDiagnosedLoadWorked, {{"instance", where}, {"evidence", join_lines(evidence)}});
  } else {
    r.add(Code::RprocDiagnosedNoLoad, {{"instance", in.remoteproc}, {"window", std::to_string(since_ms / 1000 + 1)}});
  }
  return r;
}

}  // namespace stm32mp::steps
