#include "adapters/windows/command_line.h"

namespace stm32mp::adapters::windows {

std::wstring quote_argument(const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
  std::wstring out = L"\"";
  std::size_t backslashes = 0;
  for (const wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    // Backslashes are literal except before a quote: there each one is doubled and the quote escaped.
    out.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    backslashes = 0;
    out.push_back(c);
  }
  out.append(backslashes * 2, L'\\');  // the closing quote must not be escaped by the argument's own
  out.push_back(L'"');
  return out;
}

std::wstring command_line(const std::vector<std::wstring>& argv) {
  std::wstring line;
  for (const auto& arg : argv) {
    if (!line.empty()) line.push_back(L' ');
    line += quote_argument(arg);
  }
  return line;
}

std::wstring program_of(const std::wstring& line) {
  std::size_t start = line.find_first_not_of(L" \t");
  if (start == std::wstring::npos) return L"";
  if (line[start] == L'"') {
    const auto end = line.find(L'"', start + 1);
    return line.substr(start + 1, end == std::wstring::npos ? std::wstring::npos : end - start - 1);
  }
  const auto end = line.find_first_of(L" \t", start);
  return line.substr(start, end == std::wstring::npos ? std::wstring::npos : end - start);
}

}  // namespace stm32mp::adapters::windows
