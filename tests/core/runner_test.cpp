#include "core/runner.h"

#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace stm32mp::core {
namespace {

StepDefinition step(std::string id, std::vector<std::string> needs, std::function<StepReport(StepControl&)> run,
                    Millis budget = Millis{1000}) {
  return {std::move(id), "Title", std::move(needs), budget, Millis{5000}, std::move(run)};
}

StepReport ok_report(StepControl&) { return {}; }

class RecordingProgress : public ProgressSink {
 public:
  void step_started(std::string_view id, std::string_view, int index, int total) override {
    events.push_back("start " + std::string(id) + " " + std::to_string(index) + "/" + std::to_string(total));
  }
  void step_progress(int) override {}
  void step_finished(const StepReport& r) override { events.push_back("end " + r.id); }
  std::vector<std::string> events;
};

TEST(Runner, SkipsAStepWhosePrerequisiteFailedAndGoesOn) {
  std::vector<StepDefinition> steps = {
      step("a", {}, [](StepControl&) { StepReport r; r.add(Code::BadOptionValue); return r; }),
      step("b", {"a"}, ok_report),
      step("c", {}, ok_report)};
  CancelToken cancel;
  RecordingProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  ASSERT_EQ(report.steps.size(), 3u);
  EXPECT_EQ(report.steps[0].status, StepStatus::error);
  EXPECT_EQ(report.steps[1].status, StepStatus::skipped);
  EXPECT_EQ(report.steps[1].observed.get("skipped_because"), "step a error");
  EXPECT_EQ(report.steps[2].status, StepStatus::ok);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(progress.events.front(), "start a 0/3");
  EXPECT_EQ(progress.events.back(), "end c");
}

TEST(Runner, TurnsAnExceptionIntoACrashedStepAndContinues) {
  std::vector<StepDefinition> steps = {
      step("a", {}, [](StepControl&) -> StepReport { throw std::runtime_error("boom"); }),
      step("b", {}, ok_report)};
  CancelToken cancel;
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_EQ(report.steps[0].status, StepStatus::crashed);
  ASSERT_TRUE(report.steps[0].has(Code::StepCrashed));
  EXPECT_EQ(report.steps[0].diagnostics[0].message, "Step a stopped with an internal error: boom");
  EXPECT_EQ(report.steps[1].status, StepStatus::ok);
}

TEST(Runner, WarnsWhenAStepExceedsItsBudget) {
  std::vector<StepDefinition> steps = {step(
      "slow", {},
      [](StepControl&) {
        std::this_thread::sleep_for(Millis{30});
        return StepReport{};
      },
      Millis{5})};
  CancelToken cancel;
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_EQ(report.steps[0].status, StepStatus::warning);
  EXPECT_TRUE(report.steps[0].has(Code::StepSlow));
  EXPECT_GE(report.steps[0].duration_ms, 30);
  EXPECT_TRUE(report.ok());
}

TEST(Runner, NoSlowWarningOnAFailedStep) {
  std::vector<StepDefinition> steps = {step(
      "slow", {},
      [](StepControl&) {
        std::this_thread::sleep_for(Millis{30});
        StepReport r;
        r.add(Code::BadOptionValue);
        return r;
      },
      Millis{5})};
  CancelToken cancel;
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_EQ(report.steps[0].status, StepStatus::error);
  EXPECT_FALSE(report.steps[0].has(Code::StepSlow));
}

TEST(Runner, ACancelDuringAStepIsNeverSuccessAndSkipsTheRest) {
  CancelToken cancel;
  // The step returns "ok" after the cancel, as a wait cut short by it would: the runner must not believe it.
  std::vector<StepDefinition> steps = {
      step("a", {}, ok_report),
      step("b", {}, [&](StepControl&) { StepReport r; r.observed.set("got_to", "half"); cancel.cancel(); return r; }),
      step("c", {}, ok_report), step("d", {}, ok_report)};
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_EQ(report.steps[0].status, StepStatus::ok);
  EXPECT_EQ(report.steps[1].status, StepStatus::cancelled);
  ASSERT_TRUE(report.steps[1].has(Code::RunCancelled));
  EXPECT_EQ(report.steps[1].diagnostics.back().severity, Severity::error);
  EXPECT_EQ(report.steps[1].observed.get("got_to"), "half");
  EXPECT_EQ(report.steps[2].status, StepStatus::skipped);
  EXPECT_EQ(report.steps[2].observed.get("skipped_because"), "the run was cancelled");
  EXPECT_FALSE(report.steps[2].has(Code::RunCancelled));
  EXPECT_EQ(report.steps[3].status, StepStatus::skipped);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.cancelled());
}

TEST(Runner, ACancelThatFoundAStepInErrorStillSaysCancelled) {
  CancelToken cancel;
  std::vector<StepDefinition> steps = {step("a", {}, [&](StepControl&) {
    cancel.cancel();
    StepReport r;
    r.add(Code::BadOptionValue);
    return r;
  })};
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_EQ(report.steps[0].status, StepStatus::cancelled);
  EXPECT_TRUE(report.steps[0].has(Code::BadOptionValue));
  EXPECT_TRUE(report.steps[0].has(Code::RunCancelled));
}

TEST(Runner, ACancelBeforeAStepCancelsThatStep) {
  CancelToken cancel;
  cancel.cancel();
  bool ran = false;
  std::vector<StepDefinition> steps = {step("a", {}, [&](StepControl&) { ran = true; return StepReport{}; }),
                                       step("b", {}, ok_report)};
  NullProgress progress;
  const auto report = Runner{}.run(steps, cancel, progress);
  EXPECT_FALSE(ran);
  EXPECT_EQ(report.steps[0].status, StepStatus::cancelled);
  EXPECT_TRUE(report.steps[0].has(Code::RunCancelled));
  EXPECT_EQ(report.steps[1].status, StepStatus::skipped);
  EXPECT_TRUE(report.cancelled());
}

TEST(Runner, HandsTheStepItsDeadline) {
  Millis seen{0};
  std::vector<StepDefinition> steps = {step("a", {}, [&](StepControl& c) {
    seen = c.deadline.remaining();
    return StepReport{};
  })};
  CancelToken cancel;
  NullProgress progress;
  (void)Runner{}.run(steps, cancel, progress);
  EXPECT_GT(seen.count(), 4000);
  EXPECT_LE(seen.count(), 5000);
}

}  // namespace
}  // namespace stm32mp::core
