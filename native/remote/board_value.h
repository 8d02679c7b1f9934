#pragma once
// Every value read from the board has a cap of its own, applied where its reply is parsed: a board (or a
// machine in the middle of a broken image) that answers a 1 MiB "state" or floods the kernel log costs neither
// memory nor a report the user cannot read. Each cap is far above what a real board prints; a value cut
// short says so ("… (N more bytes not shown)").
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stm32mp::remote::caps {

inline constexpr std::size_t kInstanceName = 64;    // remoteproc name: "m33", "m0", "cm33" …
inline constexpr std::size_t kStateWord = 32;       // state, fw_format, recovery: one word
inline constexpr std::size_t kFileName = 255;       // NAME_MAX: firmware attribute, leftovers, DT node names
inline constexpr std::size_t kPath = 4096;          // PATH_MAX: firmware_class path, mount point
inline constexpr std::size_t kShortText = 256;      // uname -r, the device tree's model, one compatible string
inline constexpr std::size_t kErrorText = 512;      // a shell tool's error (the write's or mv's stderr)
inline constexpr std::size_t kKernelLine = 1024;    // printk's own limit
inline constexpr std::size_t kKernelLines = 512;    // lines kept of one window (the first: the cause comes first)
inline constexpr std::size_t kListEntries = 64;     // compatible strings, leftovers, reserved-memory nodes
inline constexpr std::size_t kBinaryProperty = 4096;  // a device-tree reg / memory-region property

}  // namespace stm32mp::remote::caps

namespace stm32mp::remote {

// `value` cut to `max` bytes at a UTF-8 character boundary, saying how much was left out.
[[nodiscard]] std::string capped(std::string value, std::size_t max);
// At most `count` entries (the first ones), each capped to `max` bytes.
[[nodiscard]] std::vector<std::string> capped(std::vector<std::string> values, std::size_t max, std::size_t count);

// `value` without the newlines, NULs and spaces a sysfs or procfs read leaves at its end.
[[nodiscard]] std::string trim_end(std::string value);

// The number `text` is, when it is one and nothing else (no sign, no space, no trailing text).
template <class T>
[[nodiscard]] std::optional<T> whole_number(std::string_view text) {
  T v{};
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

}  // namespace stm32mp::remote
