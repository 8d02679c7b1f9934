#pragma once
// The exchange with the board's serial console, as the serial-port step holds it: a carriage return,
// the answer read until a prompt shows, and on a shell prompt one fixed read-only command for the board's IPv4
// addresses, whose answer also shows the log lines that interleave with the prompt (other prompts get a short
// settle for them instead). Only talking and reading: the step turns the outcome into diagnostics. Every read is
// bounded by the caller's deadline and honours its cancel token.
#include <optional>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "devices/console_addresses.h"
#include "devices/console_classifier.h"
#include "ports/serial_lines.h"

namespace stm32mp::devices {

struct DialogueTiming {
  core::Millis console_wait{1500};  // how long the console has to answer the carriage return
  core::Millis settle{150};         // after a prompt that no address query follows: catch interleaving log lines
  bool ask_addresses = true;  // on a shell prompt, ask for the board's IPv4 addresses
};

struct ConsoleDialogue {
  std::string failed_operation;  // "setting 115200 8N1", "sending a carriage return", "reading the console"; "" = ok
  std::string failure;           // the line's error text when failed_operation is set
  bool cancelled = false;        // the run was cancelled: `reading` is not classified
  std::optional<long long> answer_ms;  // time to the first prompt
  ConsoleReading reading;
  std::vector<ConsoleAddress> addresses;  // from the address query on a shell prompt (best effort)
};

[[nodiscard]] ConsoleDialogue talk_to_console(ports::SerialLine& line, const DialogueTiming& timing,
                                              const core::Deadline& deadline, const core::CancelToken& cancel);

}  // namespace stm32mp::devices
