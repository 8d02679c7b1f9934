// Hostile board content (knob hostile=…, issue 15): what a broken or compromised board could serve in sysfs
// and its kernel log, so that an end-to-end test can show the product's report stays bounded and escaped.
//   off       the kernel's own values
//   controls  terminal controls (OSC window title, screen clear, OSC 8 link), binary bytes and huge values:
//             the firmware attribute of every instance and the name of every instance but the M33 (so the
//             run still finds its core) are 64 KiB with controls; each state write logs such a line too
//   endless   the firmware attribute never reaches end of file (every offset has data)
//   megabyte  as controls, with 1 MiB values, and the state of every instance but the M33 too (the size that once
//             made a 44 MB report and a probe past its deadline)
#pragma once

#include <string>

namespace boardsim {

enum class Hostile { off, controls, endless, megabyte };

[[nodiscard]] bool parse_hostile(const std::string& value, Hostile& out);

// The attribute's text on a hostile board: `text` (the kernel's value) is replaced where the mode says so.
void hostile_attribute(Hostile h, const std::string& instance, const std::string& attr, std::string& text);

// True when reads of `attr` never reach end of file.
[[nodiscard]] bool hostile_endless(Hostile h, const std::string& attr);

// A kernel log line full of terminal controls (no newline inside: one printk record).
[[nodiscard]] std::string hostile_log_line();

// Bytes of an endless attribute at `offset` (a repeating pattern, controls included).
[[nodiscard]] char hostile_byte(unsigned long long offset);

}  // namespace boardsim
