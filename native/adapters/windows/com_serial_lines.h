#pragma once
#include "ports/serial_lines.h"

namespace stm32mp::adapters::windows {

// COM ports through the Win32 comm API. Windows opens a COM port exclusively by itself (share mode 0):
// a second opener gets ERROR_ACCESS_DENIED, which is "busy" here — there are no permissions or
// groups to get wrong. Paths are what the user names: COM40, com40 or \\.\COM40.
class ComSerialLines final : public ports::SerialLines {
 public:
  [[nodiscard]] core::expected<std::unique_ptr<ports::SerialLine>, ports::OpenError> open_exclusive(
      const std::string& path) override;
  [[nodiscard]] bool open_is_exclusive() const override { return true; }
  // \\.\COM40 for COM40 (needed from COM10 on; harmless below), other paths unchanged.
  [[nodiscard]] static std::string device_path(const std::string& path);
};

}  // namespace stm32mp::adapters::windows
