#pragma once
// UTF-8 ⇄ UTF-16 at the Windows API boundary (the engine speaks UTF-8 everywhere), and the system's
// text for an error code.
#include <string>

namespace stm32mp::adapters::windows {

[[nodiscard]] std::wstring widen(const std::string& utf8);
[[nodiscard]] std::string narrow(const std::wstring& utf16);
// FormatMessage's text for a GetLastError/WSAGetLastError code, trailing ".\r\n" removed, with the number.
[[nodiscard]] std::string error_text(unsigned long code);

}  // namespace stm32mp::adapters::windows
