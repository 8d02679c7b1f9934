#pragma once
// Paths cross this program as UTF-8 strings (CLI arguments, the JNI request, launch files). A
// std::filesystem::path built from a std::string takes it in the process's ANSI code page on Windows
// (for the DLL, the JVM's: 1252, 932…, never UTF-8), so a folder named "Δοκιμή" or "测试" would not be
// found. Through char8_t the conversion is UTF-8 on every OS (a plain copy on POSIX), without an #ifdef.
#include <filesystem>
#include <string>
#include <string_view>

namespace stm32mp::files {

// The path spelled by `utf8`; an empty path when `utf8` is not valid UTF-8 where the OS needs it to be
// (Windows), so that opening it fails as "not found" instead of throwing.
[[nodiscard]] inline std::filesystem::path utf8_path(std::string_view utf8) {
  try {
    return std::filesystem::path(std::u8string(utf8.begin(), utf8.end()));
  } catch (const std::exception&) {
    return {};
  }
}

// `p` as UTF-8 (what reports and messages carry).
[[nodiscard]] inline std::string utf8_string(const std::filesystem::path& p) {
  try {
    const auto u = p.u8string();
    return std::string(u.begin(), u.end());
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace stm32mp::files
