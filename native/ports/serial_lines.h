#pragma once
// Serial lines as the serial-port step uses them: open exclusively, set 115200 8N1, talk, close.
#include <memory>
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"

namespace stm32mp::ports {

struct OpenError {
  enum class Kind { not_found, permission, busy, locked, other };
  Kind kind = Kind::other;
  int error_number = 0;
  std::string text;  // strerror text, e.g. "Permission denied"
};

class SerialLine {
 public:
  virtual ~SerialLine() = default;
  // 115200 baud, 8 data bits, no parity, 1 stop bit, no flow control, raw. Error text on failure.
  [[nodiscard]] virtual std::optional<std::string> configure_115200_8n1() = 0;
  [[nodiscard]] virtual std::optional<std::string> write(const std::string& bytes) = 0;
  // Waits for bytes until `deadline` (in cancel-aware slices) and returns what arrived, possibly
  // nothing; an error text when the line broke (EOF/EIO on disconnect).
  [[nodiscard]] virtual core::expected<std::string, std::string> read_some(const core::Deadline& deadline,
                                                                          const core::CancelToken& cancel) = 0;
};

class SerialLines {
 public:
  virtual ~SerialLines() = default;
  // Opens read/write, non-blocking, and takes the exclusive advisory lock other serial programs use
  // (flock); Kind::locked when another process holds that lock.
  [[nodiscard]] virtual core::expected<std::unique_ptr<SerialLine>, OpenError> open_exclusive(const std::string& path) = 0;
  // True when a successful open_exclusive already proves nobody else has the port open (Windows COM
  // ports); POSIX opens succeed beside programs that do not lock, so the step looks for holders too.
  [[nodiscard]] virtual bool open_is_exclusive() const { return false; }
};

}  // namespace stm32mp::ports
