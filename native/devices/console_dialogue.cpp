#include "devices/console_dialogue.h"

#include <chrono>
#include <string_view>

namespace stm32mp::devices {
namespace {

// Asks the board for its IPv4 addresses with a fixed, read-only command, so that a later failed
// connection can name the address the board really has. Best effort: no answer, no addresses.
// `transcript` receives what the console sent meanwhile (the answer, and any log line interleaving with it).
std::vector<ConsoleAddress> query_board_addresses(ports::SerialLine& line, const DialogueTiming& timing,
                                                  const core::Deadline& deadline, const core::CancelToken& cancel,
                                                  std::string& transcript) {
  if (line.write(std::string(kAddressQuery) + "\r")) return {};
  const auto wait = deadline.within(timing.console_wait);
  std::string received;
  while (!cancel.cancelled() && !wait.expired()) {
    auto got = line.read_some(wait, cancel);
    if (!got) return {};
    received += *got;
    // The answer is complete when the prompt shows again after the echoed command line.
    const auto echoed = received.find(kAddressQuery);
    if (echoed != std::string::npos && ends_with_prompt(std::string_view(received).substr(echoed + kAddressQuery.size()))) {
      break;
    }
  }
  transcript = received;
  return parse_ip_addr_output(received);
}

}  // namespace

ConsoleDialogue talk_to_console(ports::SerialLine& line, const DialogueTiming& timing, const core::Deadline& deadline,
                                const core::CancelToken& cancel) {
  ConsoleDialogue out;
  const auto fail = [&out](const char* operation, std::string reason) {
    out.failed_operation = operation;
    out.failure = std::move(reason);
    return out;
  };
  if (auto err = line.configure_115200_8n1()) return fail("setting 115200 8N1", *err);
  const auto started = core::SteadyClock::now();
  if (auto err = line.write("\r")) return fail("sending a carriage return", *err);
  const auto wait = deadline.within(timing.console_wait);
  std::string received;
  std::optional<core::Deadline> settle;
  while (!cancel.cancelled()) {
    const auto& until = settle ? *settle : wait;
    if (until.expired()) break;
    auto got = line.read_some(until, cancel);
    if (!got) return fail("reading the console", got.error());
    received += *got;
    if (!settle && ends_with_prompt(received)) {
      out.answer_ms = std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - started).count();
      // A shell prompt with the address query to follow needs no settle: the query's answer is read until the
      // prompt shows again, and log lines interleaving with it are caught there.
      if (timing.ask_addresses && classify_console(received).state == ConsoleState::shell) break;
      settle = deadline.within(timing.settle);
    }
  }
  if (cancel.cancelled()) {
    out.cancelled = true;
    return out;
  }
  out.reading = classify_console(received);
  if (out.reading.state == ConsoleState::shell && timing.ask_addresses) {
    std::string transcript;
    out.addresses = query_board_addresses(line, timing, deadline, cancel, transcript);
    if (const auto during = classify_console(transcript); during.log_noise && !out.reading.log_noise) {
      out.reading.log_noise = true;
      out.reading.noise_line = during.noise_line;
    }
  }
  return out;
}

}  // namespace stm32mp::devices
