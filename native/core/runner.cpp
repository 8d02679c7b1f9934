#include "core/runner.h"

#include <exception>

namespace stm32mp::core {
namespace {

StepReport skipped(const StepDefinition& step, std::string reason) {
  StepReport r{step.id, step.title};
  r.skip(std::move(reason));
  return r;
}

// The first prerequisite that did not succeed, or nullptr.
const StepReport* blocking_prerequisite(const StepDefinition& step, const Report& so_far) {
  for (const auto& need : step.needs) {
    const auto* prior = so_far.find(need);
    if (prior == nullptr) continue;  // not part of this run (--only/--skip): the step decides for itself
    if (prior->failed() || prior->status == StepStatus::skipped) return prior;
  }
  return nullptr;
}

// The step the cancel interrupted: its facts and findings stay (they say how far it got), its verdict does not.
StepReport cancelled(StepReport r, const StepDefinition& step) {
  r.add(Code::RunCancelled, {{"step", step.id}});
  r.status = StepStatus::cancelled;
  return r;
}

StepReport run_guarded(const StepDefinition& step, StepControl& control) {
  try {
    StepReport r = step.run(control);
    r.id = step.id;
    r.title = step.title;
    return r;
  } catch (const std::exception& e) {
    StepReport r{step.id, step.title};
    r.add(Code::StepCrashed, {{"step", step.id}, {"error", e.what()}});
    r.status = StepStatus::crashed;
    return r;
  } catch (...) {
    StepReport r{step.id, step.title};
    r.add(Code::StepCrashed, {{"step", step.id}, {"error", "unknown exception"}});
    r.status = StepStatus::crashed;
    return r;
  }
}

}  // namespace

Report Runner::run(const std::vector<StepDefinition>& steps, const CancelToken& cancel,
                   ProgressSink& progress) const {
  Report report;
  const int total = static_cast<int>(steps.size());
  bool cancel_reported = false;
  for (int index = 0; index < total; ++index) {
    const auto& step = steps[static_cast<std::size_t>(index)];
    progress.step_started(step.id, step.title, index, total);
    StepReport r;
    if (cancel.cancelled()) {
      r = cancel_reported ? skipped(step, "the run was cancelled") : cancelled(StepReport{step.id, step.title}, step);
      cancel_reported = true;
    } else if (const auto* prior = blocking_prerequisite(step, report)) {
      r = skipped(step, "step " + prior->id + " " + std::string(to_string(prior->status)));
    } else {
      const auto started = SteadyClock::now();
      StepControl control{cancel, Deadline(step.timeout), progress};
      r = run_guarded(step, control);
      r.duration_ms = std::chrono::duration_cast<Millis>(SteadyClock::now() - started).count();
      if (cancel.cancelled()) {
        r = cancelled(std::move(r), step);
        cancel_reported = true;
      }
      // A failed step's own diagnosis already explains its time (a connect that timed out); the
      // slow warning is for steps that succeeded but cost every Debug click that much.
      if (r.duration_ms > step.budget.count() && !r.failed()) {
        r.add(Code::StepSlow, {{"step", step.id},
                               {"duration_ms", std::to_string(r.duration_ms)},
                               {"budget_ms", std::to_string(step.budget.count())}});
      }
    }
    progress.step_finished(r);
    report.steps.push_back(std::move(r));
  }
  return report;
}

}  // namespace stm32mp::core
