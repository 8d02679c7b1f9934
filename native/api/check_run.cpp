#include "api/check_run.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/render/json_renderer.h"
#include "core/version.h"
#include "pipeline/pipeline.h"
#include "core/step_report_of.h"

namespace stm32mp::api {

struct CheckRun::State final : core::ProgressSink {
  mutable std::mutex mutex;
  std::condition_variable finished_cv;
  RunProgress progress;
  std::string report;
  core::CancelToken cancel;
  std::thread worker;

  void step_started(std::string_view id, std::string_view title, int index, int total) override {
    std::lock_guard lock(mutex);
    progress.step_id = id;
    progress.step_title = title;
    progress.steps_done = index;
    progress.steps_total = total;
    progress.percent = -1;
    if (index == static_cast<int>(progress.started.size())) {
      progress.started.push_back({std::string(id), std::string(title)});
    }
  }
  void step_progress(int percent) override {
    std::lock_guard lock(mutex);
    progress.percent = percent;
  }
  void step_finished(const core::StepReport&) override {
    std::lock_guard lock(mutex);
    ++progress.steps_done;
  }
  void finish(std::string json) {
    {
      std::lock_guard lock(mutex);
      report = std::move(json);
      progress.finished = true;
    }
    finished_cv.notify_all();
  }
};

namespace {

// The IDE keeps the library loaded between launches: one pool for the process, so a relaunch takes the
// session of the last check. Never destroyed: closing sessions during the JVM's exit gains nothing.
pipeline::SessionPool& session_pool() {
  static auto* pool = new pipeline::SessionPool();
  return *pool;
}

}  // namespace

CheckRun::CheckRun() : state_(std::make_shared<State>()) {}

std::unique_ptr<CheckRun> CheckRun::start(std::string_view request_json) {
  const auto settings = parse_request(request_json);
  std::unique_ptr<CheckRun> run(new CheckRun());
  run->state_->worker = std::thread([state = run->state_, settings] {
    // Nothing may escape this thread: an escaping exception would terminate the host (the IDE).
    try {
      auto ports = pipeline::make_system_ports();
      const auto report = pipeline::run_check(settings, ports, state->cancel, *state, &session_pool());
      state->finish(core::render::render_json(report));
    } catch (const std::exception& e) {
      core::Report report;
      auto crashed = core::report_of(core::StepId::Config);
      crashed.add(core::Code::StepCrashed, {{"step", "run"}, {"error", e.what()}});
      crashed.status = core::StepStatus::crashed;
      report.steps.push_back(std::move(crashed));
      state->finish(core::render::render_json(report));
    } catch (...) {
      // Not even a report could be built: a minimal document that still carries the contract's fields.
      state->finish(R"({"schema_version":)" + std::to_string(core::kSchemaVersion) + R"(,"tool":{"name":")" +
                    core::kToolName + R"(","version":")" + core::kToolVersion + R"("},"ok":false,"cancelled":)" +
                    (state->cancel.cancelled() ? "true" : "false") + R"(,"steps":[]})");
    }
  });
  return run;
}

RunProgress CheckRun::progress() const {
  std::lock_guard lock(state_->mutex);
  return state_->progress;
}

void CheckRun::cancel() { state_->cancel.cancel(); }

bool CheckRun::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->finished_cv.wait_for(lock, timeout, [&] { return state_->progress.finished; });
}

std::string CheckRun::report_json() {
  std::unique_lock lock(state_->mutex);
  state_->finished_cv.wait(lock, [&] { return state_->progress.finished; });
  return state_->report;
}

CheckRun::~CheckRun() {
  state_->cancel.cancel();
  if (state_->worker.joinable()) state_->worker.join();
}

std::string version() { return core::kToolVersion; }

}  // namespace stm32mp::api
