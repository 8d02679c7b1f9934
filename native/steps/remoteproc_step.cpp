// Step `remoteproc`: the load as a small state machine (see LoadMachine).
#include "steps/remoteproc_step.h"

#include <chrono>

#include "remote/kernel_log_classifier.h"
#include "steps/remoteproc_internal.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using remote::RprocAttr;
using remote::RprocInstance;
using rproc::join_lines;
using rproc::stoppable_or_offline;

// The load, one phase at a time:
//
//   resolve ──▶ settle ──▶ load ──▶ done (started, or a diagnosis)
//                 ▲          │
//                 └──────────┘  renumbered (the target step's listing was stale: listed again once),
//                               busy (started by someone meanwhile: stopped and retried once)
//
// resolve: find the instance by name (the target step's listing, or a listing of its own).
// settle:  bring it to a state the load command handles (offline, running, attached): recover a crashed
//          one, attach a detached one — one guarded write each, each reporting the state after it.
// load:    ONE command stops it (bounded, F09), writes the firmware name and, only if the kernel took
//          it, starts it; a refusal is explained from the kernel log.
// Every write runs only while remoteproc<index>/name still names the instance (F04).
class LoadMachine {
 public:
  LoadMachine(const RemoteprocInputs& in, ports::BoardSession& board, core::StepControl& control,
              std::optional<remote::LoadOutcome>& out)
      : in_(in), cmd_{board, control, r_, in.remoteproc, in.firmware_name}, out_(out) {}

  core::StepReport run() {
    enum class Phase { settle, load, done };
    Phase phase = resolve() ? Phase::settle : Phase::done;
    while (phase != Phase::done) {
      restart_ = false;
      const Phase again = Phase::settle;  // the renumbered and busy transitions set restart_
      if (phase == Phase::settle) phase = settle() ? Phase::load : restart_ ? again : Phase::done;
      else phase = load() ? Phase::done : restart_ ? again : Phase::done;
    }
    return std::move(r_);
  }

 private:
  // --- resolve -------------------------------------------------------------------------------------
  bool list() {
    auto listing = cmd_.run(remote::list_instances_script(), "list instances");
    if (!listing) return false;
    instances_ = remote::parse_instances(*listing);
    listed_here_ = true;
    return true;
  }
  std::optional<RprocInstance> find() const {
    for (const auto& i : instances_) {
      if (i.name == in_.remoteproc) return i;
    }
    return std::nullopt;
  }
  bool resolve() {
    if (in_.instances) {
      instances_ = *in_.instances;
    } else if (!list()) {
      return false;
    }
    inst_ = find();
    // The target step's listing (same run, seconds old) is used as it is only for the states the load
    // command handles from the live state on the board: offline, running, attached (it stops while
    // running/attached, re-reading the state; a firmware write refused because the instance changed
    // in between is stopped and retried below). For a crashed, detached or missing instance the
    // recovery/attach decision needs the state of now: list again.
    if (!listed_here_ && (!inst_ || !stoppable_or_offline(inst_->state))) {
      if (!list()) return false;
      inst_ = find();
    }
    if (!inst_) return missing();
    index_ = inst_->index;
    name_instance();
    r_.observed.set("state_before", inst_->state);
    r_.observed.set("firmware_before", inst_->firmware);
    r_.observed.set("instances_listed_by", listed_here_ ? "remoteproc step" : "target step");
    recovery_before_ = inst_->recovery;
    return true;
  }

  // --- settle --------------------------------------------------------------------------------------
  // Recover a crashed instance, attach a detached one (attach first: stop needs an attached core).
  // Each write reports the state after it, so no extra round trip per decision. Stopping a running
  // or attached instance happens inside the load command (one round trip for stop, load, start).
  bool settle() {
    for (int round = 0; !stoppable_or_offline(inst_->state) && round < 4; ++round) {
      std::optional<remote::WriteOutcome> w;
      if (inst_->state == "detached") {
        w = cmd_.write(index_, RprocAttr::state, "start");
      } else if (inst_->state == "crashed") {
        if (recovered_) {
          r_.add(Code::RprocCrashedUnrecoverable, {{"instance", inst_->name},
                                                   {"index", std::to_string(index_)},
                                                   {"reason", "still crashed after 'recover'"}});
          return false;
        }
        recovered_ = true;
        w = cmd_.write(index_, RprocAttr::recovery, "recover");
        if (w && !w->skipped && w->rc != 0) {
          r_.add(Code::RprocCrashedUnrecoverable,
                 {{"instance", inst_->name},
                  {"index", std::to_string(index_)},
                  {"reason", "writing 'recover' failed: " + (w->error_text.empty() ? w->errno_name : w->error_text)},
                  {"evidence", join_lines(w->log)}});
          return false;
        }
      } else {
        break;  // suspended, deleted, invalid: nothing this tool can write changes it
      }
      if (!w) return false;
      if (w->skipped) return renumbered(*w);
      if (!w->after) return vanished();
      inst_ = *w->after;
    }
    if (!stoppable_or_offline(inst_->state)) return ineffective(inst_->state);
    return true;
  }

  // --- load ----------------------------------------------------------------------------------------
  // True when the step is over; false with restart_ set to go back to settle.
  bool load() {
    const auto t0 = std::chrono::steady_clock::now();
    auto ls = cmd_.load_and_start(index_, in_.firmware_name, in_.max_stops - stops_, inst_->state != "offline",
                                  take_planned());
    const auto round_trip_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!ls) return true;
    stops_ += ls->stops;
    r_.observed.set("stop_requests", std::to_string(stops_));
    const auto& fw = ls->firmware;
    if (fw.skipped) {
      renumbered(fw);
      return !restart_;
    }
    if (ls->stop_ineffective) return stop_refused(*ls, fw);
    if (recovered_ && !r_.has(Code::RprocRecovered)) {
      r_.add(Code::RprocRecovered, {{"instance", inst_->name}, {"recovery", recovery_before_}});
    }
    if (stops_ > 1 && !r_.has(Code::RprocStopRepeated)) {
      r_.add(Code::RprocStopRepeated, {{"instance", inst_->name}, {"stops", std::to_string(stops_)}});
    }
    if (fw.after && fw.after->name != in_.remoteproc) {
      now_named(fw.after->name);
      return true;
    }
    if (fw.rc != 0) {
      // The instance was started between the load command's state read and its firmware write (by a
      // service or another user): the reply shows its state; the retry stops it first. Once only.
      if (!retried_busy_ && fw.errno_name == "EBUSY" && fw.after && fw.after->state != "offline") {
        retried_busy_ = true;
        r_.observed.set("firmware_write_retried",
                        "busy: remoteproc" + std::to_string(index_) + " was " + fw.after->state + ", stopped and retried");
        inst_ = *fw.after;
        restart_ = true;
        return false;
      }
      explain_refusal(r_, in_, *inst_, fw, RprocAttr::firmware);
      return true;
    }
    r_.observed.set("firmware", in_.firmware_name);
    started(*ls, round_trip_ms);
    return true;
  }

  // The upload's command ran this very load (plan_load, from the same listing): its reply, once.
  const core::expected<ports::ExecResult, ports::RemoteError>* take_planned() {
    if (!in_.planned || planned_taken_) return nullptr;
    planned_taken_ = true;
    const auto& p = in_.planned->plan;
    if (p.index != index_ || p.firmware != in_.firmware_name || p.max_stops != in_.max_stops - stops_) return nullptr;
    r_.observed.set("load_command", "run by the upload's last command, right after the image was in place");
    return &in_.planned->reply;
  }

  void started(const remote::LoadStartOutcome& ls, std::int64_t round_trip_ms) {
    const auto& start = *ls.start;  // present whenever the firmware write was accepted (parser)
    const std::int64_t ms = ls.start_board_ms ? *ls.start_board_ms : round_trip_ms;
    r_.observed.set("start_ms", std::to_string(ms));
    r_.observed.set("start_ms_measured",
                    ls.start_board_ms ? "on the board, around the start write"
                                      : "round trip of the stop, firmware and start command (the board's shell has no $EPOCHREALTIME and its date "
                                      "no %N)");
    r_.observed.set("kernel_log_position", std::to_string(start.log_position));
    if (start.rc != 0) {
      explain_refusal(r_, in_, *inst_, start, RprocAttr::state);
      return;
    }
    const std::string state_after = start.after ? start.after->state : "";
    if (start.after) r_.observed.set("state_after", state_after);
    // Offline before and after an accepted start with not one kernel line: the kernel only counted a reference
    // (a failed recovery leaked rproc->power, so rproc_boot() returns 0 and loads nothing).
    if (state_after == "offline" && inst_->state == "offline" && start.log.empty()) {
      r_.add(Code::RprocStartOnlyCounted, {{"instance", "remoteproc" + std::to_string(index_) + " (" + inst_->name + ")"},
                                           {"image", in_.firmware_name},
                                           {"state_before", inst_->state},
                                           {"state_after", state_after},
                                           {"evidence", "(no kernel log lines after the start write)"}});
      return;
    }
    out_ = remote::LoadOutcome{index_, inst_->name, start.log_position, start.log, ms, state_after, ls.rpmsg_ttys};
  }

  // A stop the kernel refused says why (its errno, "can't stop rproc: N", the TA's STOP line);
  // a stop that was accepted but left it running is the refcount case (F09).
  bool stop_refused(const remote::LoadStartOutcome& ls, const remote::WriteOutcome& fw) {
    const auto v = remote::classify_kernel_log(ls.stop_log, inst_->name);
    const auto errno_name = remote::errno_from_text(ls.stop_error_text);
    if (v.cause == remote::LogCause::stop_failed || !ls.stop_error_text.empty()) {
      r_.add(Code::RprocStopFailed,
             {{"instance", "remoteproc" + std::to_string(index_) + " (" + inst_->name + ")"},
              {"index", std::to_string(index_)},
              {"stop_error", v.stop_error ? std::to_string(*v.stop_error) : (errno_name.empty() ? "?" : errno_name)},
              {"reason", remote::stop_failure_reason(v, errno_name)},
              {"error_text", ls.stop_error_text.empty() ? "(none)" : ls.stop_error_text},
              {"evidence", ls.stop_log.empty() ? "(no kernel log lines after the stop)" : join_lines(ls.stop_log)}});
      return true;
    }
    ineffective(fw.after ? fw.after->state : inst_->state);
    return true;
  }

  // --- transitions out of a guarded write that found another name -----------------------------------
  // When remoteproc<index>/name no longer names the instance, a listing taken by the target step is
  // stale: list again once (restart_ → settle); else the index now belongs to another processor (F04).
  // False: the step ends here (reported) or restarts.
  bool renumbered(const remote::WriteOutcome& w) {
    if (!relisted_ && !listed_here_) {
      relisted_ = true;
      if (!list()) return false;
      inst_ = find();
      if (!inst_) return missing();
      index_ = inst_->index;
      name_instance();
      r_.observed.set("instances_listed_by", "remoteproc step (the target step's listing was stale)");
      restart_ = true;
      return false;
    }
    if (!w.after) return vanished();
    return now_named(w.after->name);
  }

  // --- endings: each reports and returns false (the step is over) -----------------------------------
  bool missing() {
    std::string names;
    for (const auto& i : instances_) {
      names += (names.empty() ? "" : ", ") + ("remoteproc" + std::to_string(i.index) + "=" + i.name);
    }
    r_.add(Code::RprocInstanceMissing, {{"instance", in_.remoteproc}, {"instances", names.empty() ? "none" : names}});
    return false;
  }
  // The index no longer holds an instance.
  bool vanished() {
    r_.add(Code::RprocInstanceMissing,
           {{"instance", in_.remoteproc}, {"instances", "remoteproc" + std::to_string(index_) + " vanished"}});
    return false;
  }
  // The index now names another processor (F04).
  bool now_named(const std::string& other) {
    r_.add(Code::RprocWrongInstance, {{"instance", in_.remoteproc},
                                      {"powered_up", other},
                                      {"built_for", in_.remoteproc},
                                      {"image", in_.firmware_name},
                                      {"evidence", "remoteproc" + std::to_string(index_) + "/name is now " + other}});
    return false;
  }
  bool ineffective(const std::string& state) {
    r_.observed.set("stop_requests", std::to_string(stops_));
    r_.add(Code::RprocStopIneffective, {{"instance", inst_->name},
                                        {"index", std::to_string(index_)},
                                        {"state", state},
                                        {"stops", std::to_string(stops_)}});
    return false;
  }
  void name_instance() {
    r_.observed.set("instance", "remoteproc" + std::to_string(index_) + " (" + inst_->name + ")");
  }

  const RemoteprocInputs& in_;
  core::StepReport r_ = core::report_of(core::StepId::Remoteproc);
  rproc::BoardCommands cmd_;
  std::optional<remote::LoadOutcome>& out_;

  std::vector<RprocInstance> instances_;
  std::optional<RprocInstance> inst_;
  int index_ = -1;
  std::string recovery_before_;
  int stops_ = 0;
  bool listed_here_ = false;   // the instances were listed by this step (not the target step's listing)
  bool relisted_ = false;      // the stale-listing transition was taken (once)
  bool recovered_ = false;     // 'recover' was written (once: still crashed after it is final)
  bool retried_busy_ = false;  // the busy transition was taken (once)
  bool planned_taken_ = false; // the upload's run of the load was looked at (once)
  bool restart_ = false;       // the last phase asks to go back to settle
};

}  // namespace

core::StepReport load_firmware(const RemoteprocInputs& in, ports::BoardSession& board, core::StepControl& control,
                               std::optional<remote::LoadOutcome>& out) {
  return LoadMachine(in, board, control, out).run();
}

}  // namespace stm32mp::steps
