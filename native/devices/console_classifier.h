#pragma once
// Tells from the bytes a board console sent after a carriage return what state the board is in.
#include <string>
#include <string_view>

namespace stm32mp::devices {

enum class ConsoleState {
  shell,       // a Linux shell prompt (root@stm32mp2-…:~#)
  login,       // a getty login prompt
  uboot,       // the U-Boot prompt (STM32MP>)
  log_only,    // kernel / OP-TEE / TF-A log lines but no prompt
  silence,     // nothing at all
  garbage,     // bytes that are not text: usually a baud-rate mismatch
  other_text,  // readable text that is none of the above
};

struct ConsoleReading {
  ConsoleState state = ConsoleState::silence;
  bool log_noise = false;   // kernel/OP-TEE lines interleaved with what answered
  std::string first_line;   // sanitised, for the report
  std::string last_line;    // sanitised: the prompt when there is one
  std::string noise_line;   // sanitised first log line seen
  std::size_t bytes = 0;
};

[[nodiscard]] ConsoleReading classify_console(std::string_view received);
// True when the received bytes end in a prompt (shell, login or U-Boot): reading can stop.
[[nodiscard]] bool ends_with_prompt(std::string_view received);
// Printable form of one line: ANSI escapes removed, other control and non-ASCII bytes as \xNN,
// cut at `max` characters.
[[nodiscard]] std::string sanitise(std::string_view line, std::size_t max = 120);
[[nodiscard]] std::string_view to_string(ConsoleState s);

}  // namespace stm32mp::devices
