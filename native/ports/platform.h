#pragma once
// The few things the CLI and the SSH adapter need from the operating system that are not a whole
// port: terminal detection, the console's encoding, atomic file replacement, the user's home and the
// ssh-agent's default address. adapters/posix/platform_files.cpp and
// adapters/windows/platform_files.cpp implement them; CMake links one.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace stm32mp::ports {

// Standard output is a terminal (colours make sense there, never in a file or a pipe).
[[nodiscard]] bool stdout_is_terminal();

// Makes the console take UTF-8 and ANSI colour sequences (Windows); nothing to do on POSIX.
void prepare_console();

// Writes `bytes` to `path` (UTF-8) through a temporary file in the same directory, then replaces the
// target in one step, so a failure never leaves a partial output. The error text on failure.
[[nodiscard]] std::optional<std::string> write_file_atomically(const std::string& path,
                                                               const std::vector<std::uint8_t>& bytes);

// Opens the file at the UTF-8 `path` for reading in binary mode (fopen on POSIX, _wfopen on Windows,
// where fopen would take the name in the ANSI code page); null with errno set when it cannot.
[[nodiscard]] std::FILE* open_for_reading(const std::string& path);

// The user's home directory ($HOME, %USERPROFILE%), empty when unknown; "~/.ssh" lives there.
[[nodiscard]] std::string home_directory();

// Where the ssh-agent listens when SSH_AUTH_SOCK is not set: nowhere on POSIX (empty), the
// Windows OpenSSH agent's named pipe on Windows.
[[nodiscard]] std::string default_agent_address();

}  // namespace stm32mp::ports
