#pragma once
#include <string>
#include <vector>

#include "ports/process_table.h"

namespace stm32mp::adapters::linux_os {

// Scans /proc/<pid>/fd the way fuser and lsof do, and reads UUCP lock files (LCK..<name>, PID as
// text) in the lock directories (/var/lock, /run/lock by default; tests pass their own).
class ProcProcessTable final : public ports::ProcessTable {
 public:
  explicit ProcProcessTable(std::vector<std::string> lock_dirs = default_lock_dirs(), std::string proc_root = "/proc");
  [[nodiscard]] std::vector<ports::ProcessInfo> holders_of(const std::string& device_path) override;
  [[nodiscard]] std::optional<ports::UucpLock> uucp_lock(const std::string& device_name) override;
  // /var/lock and /run/lock, or the ':'-separated list in PRELAUNCH_LOCK_DIRS (for tests and
  // distributions that keep locks elsewhere).
  [[nodiscard]] static std::vector<std::string> default_lock_dirs();

 private:
  std::vector<std::string> lock_dirs_;
  std::string proc_;
};

}  // namespace stm32mp::adapters::linux_os
