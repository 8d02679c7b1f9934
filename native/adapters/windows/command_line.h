#pragma once
// CreateProcessW takes one command line, not an argv: each program splits it again by the Microsoft C
// runtime's rules (CommandLineToArgvW's). These build and read such lines; pure functions of the text.
#include <string>
#include <vector>

namespace stm32mp::adapters::windows {

// One argument quoted so that the C runtime's split gives it back unchanged: in double quotes when it
// is empty or holds a space, tab or quote; backslashes doubled before a quote, quotes escaped.
[[nodiscard]] std::wstring quote_argument(const std::wstring& arg);
// The arguments quoted and joined by spaces.
[[nodiscard]] std::wstring command_line(const std::vector<std::wstring>& argv);
// The program of a command line as CreateProcessW reads it: the quoted first part, or up to the first
// space or tab (no backslash escapes: a program name holds none).
[[nodiscard]] std::wstring program_of(const std::wstring& line);

}  // namespace stm32mp::adapters::windows
