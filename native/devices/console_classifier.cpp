#include "devices/console_classifier.h"

#include <cstdio>
#include <regex>
#include <vector>

namespace stm32mp::devices {
namespace {

// Removes ANSI CSI sequences (ESC [ … final byte) such as bash's bracketed-paste codes and colour
// codes: a real board's shell (bash with readline) sends them around its prompt (docs/failures.md F16).
std::string strip_ansi(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\x1b' && i + 1 < in.size() && in[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < in.size() && !(in[j] >= 0x40 && in[j] <= 0x7e)) ++j;
      i = j;
      continue;
    }
    out += in[i];
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\r' || c == '\n') {
      if (!cur.empty()) lines.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

bool is_text_byte(unsigned char c) {
  return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n' || c == '\b' || c == 0x07;
}

const std::regex& shell_prompt() {
  static const std::regex re(R"([A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^#$]*[#$] ?$)");
  return re;
}
const std::regex& login_prompt() {
  static const std::regex re(R"((^|\s)[A-Za-z0-9_.-]* ?login: ?$)");
  return re;
}
const std::regex& uboot_prompt() {
  static const std::regex re(R"(STM32MP> ?$)");
  return re;
}
// Kernel printk with timestamp, OP-TEE (E/TC:0, I/TA: …) and TF-A (NOTICE:, ERROR:) lines.
const std::regex& log_line() {
  static const std::regex re(R"(^(\[ *[0-9]+\.[0-9]+\]|[EIDWF]/T[CA]:|NOTICE: |ERROR: |WARNING: |INFO: ))");
  return re;
}

}  // namespace

std::string sanitise(std::string_view line, std::size_t max) {
  const auto clean = strip_ansi(line);
  std::string out;
  for (unsigned char c : clean) {
    if (out.size() >= max) {
      out += "…";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

bool ends_with_prompt(std::string_view received) {
  const auto lines = split_lines(strip_ansi(received));
  if (lines.empty()) return false;
  const auto& last = lines.back();
  return std::regex_search(last, shell_prompt()) || std::regex_search(last, login_prompt()) ||
         std::regex_search(last, uboot_prompt());
}

ConsoleReading classify_console(std::string_view received) {
  ConsoleReading r;
  r.bytes = received.size();
  if (received.empty()) return r;  // silence
  const auto text = strip_ansi(received);
  std::size_t bad = 0;
  for (unsigned char c : text) bad += is_text_byte(c) ? 0 : 1;
  const auto lines = split_lines(text);
  if (!lines.empty()) {
    r.first_line = sanitise(lines.front());
    r.last_line = sanitise(lines.back());
  }
  for (const auto& l : lines) {
    if (std::regex_search(l, log_line())) {
      r.log_noise = true;
      if (r.noise_line.empty()) r.noise_line = sanitise(l);
    }
  }
  // A baud-rate mismatch turns every byte into noise: mostly non-ASCII bytes, no line structure.
  if (bad * 4 > text.size() || (lines.empty() && !text.empty() && bad > 0)) {
    r.state = ConsoleState::garbage;
    if (r.first_line.empty()) r.first_line = sanitise(text);
    return r;
  }
  if (lines.empty() || text.find_first_not_of(" \t\r\n") == std::string::npos) {
    r.state = ConsoleState::silence;  // only the echo of our CR, or blank lines
    return r;
  }
  const auto& last = lines.back();
  if (std::regex_search(last, shell_prompt())) {
    r.state = ConsoleState::shell;
  } else if (std::regex_search(last, login_prompt())) {
    r.state = ConsoleState::login;
  } else if (std::regex_search(last, uboot_prompt())) {
    r.state = ConsoleState::uboot;
  } else if (r.log_noise) {
    r.state = ConsoleState::log_only;
  } else {
    r.state = ConsoleState::other_text;
  }
  return r;
}

std::string_view to_string(ConsoleState s) {
  switch (s) {
    case ConsoleState::shell: return "shell prompt";
    case ConsoleState::login: return "login prompt";
    case ConsoleState::uboot: return "U-Boot prompt";
    case ConsoleState::log_only: return "log messages, no prompt";
    case ConsoleState::silence: return "silence";
    case ConsoleState::garbage: return "unreadable bytes";
    case ConsoleState::other_text: return "text without a prompt";
  }
  return "?";
}

}  // namespace stm32mp::devices
