#pragma once
#include "core/expected.h"
#include "files/input_file.h"
#include <map>
#include <optional>
#include <string>

namespace stm32mp::config {

// The attributes of an STM32CubeIDE (Eclipse) .launch file that the pre-launch steps care about.
// Keys as STM32CubeIDE writes them: CDT's gdbjtag prefix plus ST's additions (launch_file.cpp lists them).
struct LaunchFile {
  std::string type;                          // <launchConfiguration type="…">
  std::map<std::string, std::string> attributes;  // every string/boolean/int attribute, by key

  [[nodiscard]] std::optional<std::string> attribute(const std::string& key) const;
  [[nodiscard]] std::optional<std::string> serial_device() const;    // serialDeviceLoader
  [[nodiscard]] std::optional<std::string> board_address() const;    // inetAddrLoader
  [[nodiscard]] std::optional<bool> production_mode() const;         // loadImageThruSerialDevice
  [[nodiscard]] std::optional<std::string> program() const;          // PROGRAM_NAME
  [[nodiscard]] std::optional<std::string> project() const;          // PROJECT_ATTR
  [[nodiscard]] std::optional<std::string> connection() const;       // connectionSelected
};

struct LaunchFileError {
  enum class Kind { unreadable, malformed, input };  // input: not a regular file or too large (`input` says which)
  Kind kind;
  std::string reason;
  files::InputFileError input{};
};

// Caps far above any real launch file (a few KiB, ~100 attributes): a hostile one costs neither time nor memory.
inline constexpr std::uintmax_t kMaxLaunchFileBytes = 2U << 20;
inline constexpr std::size_t kMaxLaunchFileElements = 20000;   // counted as '<' before parsing
inline constexpr std::size_t kMaxLaunchAttributeBytes = 64U << 10;

namespace keys {
inline constexpr const char* kSerialDevice = "org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader";
inline constexpr const char* kBoardAddress = "org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader";
inline constexpr const char* kThroughLinux = "org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice";
inline constexpr const char* kConnection = "org.eclipse.cdt.debug.gdbjtag.core.connectionSelected";
inline constexpr const char* kProgram = "org.eclipse.cdt.launch.PROGRAM_NAME";
inline constexpr const char* kProject = "org.eclipse.cdt.launch.PROJECT_ATTR";
}  // namespace keys

// `cancel`: honoured between two chunks of the read (then Kind::input, input.kind cancelled, no finding).
[[nodiscard]] core::expected<LaunchFile, LaunchFileError> read_launch_file(const std::string& path,
                                                                           const core::CancelToken* cancel = nullptr);
[[nodiscard]] core::expected<LaunchFile, LaunchFileError> parse_launch_xml(const std::string& xml);

}  // namespace stm32mp::config
