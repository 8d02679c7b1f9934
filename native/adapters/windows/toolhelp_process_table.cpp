#include "adapters/windows/toolhelp_process_table.h"

#include <windows.h>
#include <tlhelp32.h>

#include <algorithm>
#include <cctype>

#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::windows {

const std::vector<std::string>& ToolhelpProcessTable::known_terminals() {
  // The terminals ST's wiki and forum answers name for the STM32MP console on Windows, and the
  // usual others; STM32CubeIDE itself is left out (our JNI library runs inside it).
  static const std::vector<std::string> names = {
      "putty.exe",     "kitty.exe",   "ttermpro.exe", "teraterm.exe", "mobaxterm.exe", "realterm.exe",
      "coolterm.exe",  "hterm.exe",   "termite.exe",  "extraputty.exe", "securecrt.exe", "plink.exe",
      "serialplot.exe", "arduino.exe", "arduino ide.exe", "minicom.exe", "picocom.exe"};
  return names;
}

std::vector<ports::ProcessInfo> ToolhelpProcessTable::terminals_among(const std::vector<std::pair<int, std::string>>& processes,
                                                                    int self_pid) {
  std::vector<ports::ProcessInfo> out;
  const auto& known = known_terminals();
  for (const auto& [pid, exe] : processes) {
    std::string lower = exe;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (pid == self_pid || std::find(known.begin(), known.end(), lower) == known.end()) continue;
    // Without a handle list we know it runs, not which port it has: say so in the text.
    out.push_back({pid, exe, "a serial terminal that is running"});
  }
  return out;
}

std::vector<ports::ProcessInfo> ToolhelpProcessTable::holders_of(const std::string& /*device_path*/) {
  const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return {};
  std::vector<std::pair<int, std::string>> processes;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more != 0; more = Process32NextW(snapshot, &entry)) {
    processes.emplace_back(static_cast<int>(entry.th32ProcessID), narrow(entry.szExeFile));
  }
  CloseHandle(snapshot);
  return terminals_among(processes, static_cast<int>(GetCurrentProcessId()));
}

std::optional<ports::UucpLock> ToolhelpProcessTable::uucp_lock(const std::string& /*device_name*/) { return std::nullopt; }

}  // namespace stm32mp::adapters::windows
