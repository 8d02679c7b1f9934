#pragma once
// The C++ facade the JNI bridge wraps: one pre-launch run on a worker thread, polled from the
// caller's thread (the bridge never calls into Java from the worker).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/request.h"

namespace stm32mp::api {

struct StartedStep {
  std::string id;
  std::string title;
};

struct RunProgress {
  std::string step_id;
  std::string step_title;
  int steps_done = 0;
  int steps_total = 0;
  int percent = -1;  // of the current step's work when it knows (upload); -1 otherwise
  bool finished = false;
  // Every step started so far, in order (at most one per step): a poller that missed a fast step
  // still announces it, so what the IDE shows does not depend on the polling interval.
  std::vector<StartedStep> started;
};

class CheckRun {
 public:
  // Throws RequestError when the request is malformed.
  static std::unique_ptr<CheckRun> start(std::string_view request_json);

  [[nodiscard]] RunProgress progress() const;
  void cancel();                                            // returns at once; the run ends within 0.5 s
  [[nodiscard]] bool wait_for(std::chrono::milliseconds timeout);  // true once finished
  [[nodiscard]] std::string report_json();                  // blocks until finished; schema_version 1
  ~CheckRun();                                              // cancels and joins

  CheckRun(const CheckRun&) = delete;
  CheckRun& operator=(const CheckRun&) = delete;

  struct State;  // shared with the worker thread

 private:
  CheckRun();
  std::shared_ptr<State> state_;
};

[[nodiscard]] std::string version();
// {"devices":[…]} for the plug-in's serial combo; the request may carry sysfs_root and dev_root.
[[nodiscard]] std::string devices_json(std::string_view request_json);

}  // namespace stm32mp::api
