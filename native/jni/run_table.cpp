#include "run_table.h"

#include <utility>

namespace stm32mp::jni {

RunTable& RunTable::instance() {
  static RunTable table;
  return table;
}

jlong RunTable::add(std::unique_ptr<api::CheckRun> run) {
  std::lock_guard lock(mutex_);
  const jlong id = next_id_++;
  runs_.emplace(id, std::shared_ptr<api::CheckRun>(std::move(run)));
  return id;
}

std::shared_ptr<api::CheckRun> RunTable::find(jlong id) const {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second;
}

std::shared_ptr<api::CheckRun> RunTable::remove(jlong id) {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end()) return nullptr;
  auto run = std::move(it->second);
  runs_.erase(it);
  return run;
}

}  // namespace stm32mp::jni
