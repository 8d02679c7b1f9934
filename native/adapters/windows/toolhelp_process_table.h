#pragma once
#include <string>
#include <vector>

#include "ports/process_table.h"

namespace stm32mp::adapters::windows {

// Who may hold a COM port. Windows can only say exactly with undocumented calls that need admin
// rights and can hang (NtQuerySystemInformation handle lists), so this scans the process list
// (Toolhelp32) for serial terminal programs that are running; the serial-port step asks only after
// Windows refused to open the port as in use, and says "busy" plainly when none is found. There are
// no UUCP lock files on Windows.
class ToolhelpProcessTable final : public ports::ProcessTable {
 public:
  [[nodiscard]] std::vector<ports::ProcessInfo> holders_of(const std::string& device_path) override;
  [[nodiscard]] std::optional<ports::UucpLock> uucp_lock(const std::string& device_name) override;
  // Lower-case executable names of the serial terminals looked for.
  [[nodiscard]] static const std::vector<std::string>& known_terminals();
  // The pure matching part: which of (pid, exe name) are known terminals, other than `self_pid`.
  [[nodiscard]] static std::vector<ports::ProcessInfo> terminals_among(
      const std::vector<std::pair<int, std::string>>& processes, int self_pid);
};

}  // namespace stm32mp::adapters::windows
