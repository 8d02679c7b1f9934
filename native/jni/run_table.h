#pragma once
// Runs are handed to Java as opaque ids, not pointers: a zero, closed or forged id is then a lookup
// miss that becomes an IllegalStateException, never a dangling dereference that kills the IDE.

#include <jni.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/check_run.h"

namespace stm32mp::jni {

class RunTable {
 public:
  [[nodiscard]] static RunTable& instance();

  [[nodiscard]] jlong add(std::unique_ptr<api::CheckRun> run);
  // Null when the id is unknown (0, closed, forged). The shared_ptr keeps the run alive while a
  // native call uses it, even if another thread closes the handle meanwhile.
  [[nodiscard]] std::shared_ptr<api::CheckRun> find(jlong id) const;
  // Removes and returns the run (null when unknown); the caller's copy is the last owner.
  [[nodiscard]] std::shared_ptr<api::CheckRun> remove(jlong id);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<jlong, std::shared_ptr<api::CheckRun>> runs_;
  jlong next_id_ = 1;
};

}  // namespace stm32mp::jni
