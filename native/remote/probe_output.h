#pragma once
// The structured reply of a fixed board-side script: one `key=value` line per fact.
//
// Escaping rule (the board's shell has no portable way to escape arbitrary bytes, but every
// OpenSTLinux image has od and tr): values the script produces itself (numbers, yes/no) are sent
// plain as `key=value`; anything read from a board file or name (sysfs attributes, device-tree
// properties, file names, kernel log lines) is sent as `key#=<lowercase hex of the raw bytes>`, so
// newlines, NULs, quotes or `$()` in a value can never break a line or be mistaken for a key.
// Text that comes in lines (the kernel log: dmesg ends every record with a newline) is sent one
// `key+=<line>` per line, printed by one awk for all of them instead of od and tr per value; the
// parser joins them into one value, each line ending in "\n". One-line values read by the shell's
// own `read` (sysfs attributes) are sent plain: `read` stops at the first newline.
// Keys may repeat (e.g. one `fw.leftover#=` per leftover file).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.h"

namespace stm32mp::remote {

class ProbeOutput {
 public:
  // Parses the whole reply; an error names the first malformed line. Blank lines are ignored.
  [[nodiscard]] static core::expected<ProbeOutput, std::string> parse(std::string_view text);

  [[nodiscard]] std::optional<std::string> get(std::string_view key) const;  // last value of key
  [[nodiscard]] std::vector<std::string> get_all(std::string_view key) const;
  [[nodiscard]] std::string value_or(std::string_view key, std::string fallback) const;
  [[nodiscard]] bool has(std::string_view key) const { return get(key).has_value(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  // A value found by other means than its own line (the target probe's batched device-tree read).
  void add(std::string key, std::string value) { entries_.emplace_back(std::move(key), std::move(value)); }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Lowercase hex ("6d3333") → bytes; nullopt on odd length or a non-hex digit.
[[nodiscard]] std::optional<std::string> hex_decode(std::string_view hex);

// The shell fragment that defines h (stdin → hex), rd/v (one sysfs line by the shell's own read), kn and lg
// (the kernel log's count, and its lines after a count), shared by every fixed script so that all of them
// speak the format above.
[[nodiscard]] std::string_view probe_shell_prelude();

// The fragment that lists every remoteproc instance as rproc.N=present and rproc.N.<attr>=value lines
// (name, state, firmware, fw_format, recovery); needs the prelude's v.
[[nodiscard]] std::string_view probe_shell_instance_listing();

}  // namespace stm32mp::remote
