#pragma once
#include <optional>
#include <string>
#include <vector>

namespace stm32mp::ports {

struct ProcessInfo {
  int pid = 0;
  std::string command;  // comm name, e.g. "picocom"
  std::string cmdline;  // full command line, sanitised
};

struct UucpLock {
  std::string file;  // /var/lock/LCK..ttyACM0
  int pid = 0;
  bool alive = false;  // the PID in the file is a running process
  std::string command;
};

// Who else uses a device: the processes that have it open and the UUCP lock files naming it.
class ProcessTable {
 public:
  virtual ~ProcessTable() = default;
  // Processes other than this one with `device_path` open. For a pseudo-terminal the process that
  // holds its master side (and that process's children) is the device itself and is left out.
  [[nodiscard]] virtual std::vector<ProcessInfo> holders_of(const std::string& device_path) = 0;
  // The UUCP lock file for the device's kernel name (LCK..ttyACM0), if one exists.
  [[nodiscard]] virtual std::optional<UucpLock> uucp_lock(const std::string& device_name) = 0;
};

}  // namespace stm32mp::ports
