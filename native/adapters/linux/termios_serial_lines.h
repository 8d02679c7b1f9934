#pragma once
#include "ports/serial_lines.h"

namespace stm32mp::adapters::linux_os {

// POSIX termios serial lines. Hand-written rather than libserialport (not used elsewhere here, and
// its sp_open takes TIOCEXCL without TIOCNXCL, which on a pty leaves the port busy after close —
// libserialport's sp_open in libserialport.c): a few dozen lines of open/flock/tcsetattr/poll.
class TermiosSerialLines final : public ports::SerialLines {
 public:
  [[nodiscard]] core::expected<std::unique_ptr<ports::SerialLine>, ports::OpenError> open_exclusive(
      const std::string& path) override;
};

}  // namespace stm32mp::adapters::linux_os
