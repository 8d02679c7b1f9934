#include <windows.h>
#include <io.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "adapters/windows/win_text.h"
#include "ports/platform.h"

namespace stm32mp::ports {

bool stdout_is_terminal() {
  // A console handle, not a pipe or a file (what _isatty says too, but it also says yes for NUL).
  DWORD mode = 0;
  return GetConsoleMode(GetStdHandle(STD_OUTPUT_HANDLE), &mode) != 0;
}

void prepare_console() {
  // Our texts are UTF-8; the console's default code page (437, 850, 1252…) would garble them.
  SetConsoleOutputCP(CP_UTF8);
  // Colours are ANSI sequences: Windows 10 consoles render them once asked to.
  const HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
  DWORD mode = 0;
  if (GetConsoleMode(out, &mode) != 0) SetConsoleMode(out, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
}

std::optional<std::string> write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  namespace fs = std::filesystem;
  const fs::path target = fs::path(adapters::windows::widen(path));
  std::random_device rd;
  fs::path tmp = target;
  tmp += L".tmp." + std::to_wstring(rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create " + adapters::windows::narrow(tmp.wstring());
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return "cannot write " + adapters::windows::narrow(tmp.wstring());
    }
  }
  // MoveFileEx with REPLACE_EXISTING and WRITE_THROUGH: std::rename does not replace an existing
  // file on Windows, and the target must stay whole until the new one is on disk.
  if (MoveFileExW(tmp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) == 0) {
    const auto text = adapters::windows::error_text(GetLastError());
    std::error_code ec;
    fs::remove(tmp, ec);
    return text;
  }
  return std::nullopt;
}

std::FILE* open_for_reading(const std::string& path) { return _wfopen(adapters::windows::widen(path).c_str(), L"rb"); }

std::string home_directory() {
  // %USERPROFILE% is where Windows' OpenSSH keeps .ssh (C:\Users\<name>).
  const wchar_t* home = _wgetenv(L"USERPROFILE");
  return home != nullptr ? adapters::windows::narrow(home) : "";
}

std::string default_agent_address() { return R"(\\.\pipe\openssh-ssh-agent)"; }

}  // namespace stm32mp::ports
