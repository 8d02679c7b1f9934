#pragma once
// Turns the kernel log lines printed after a remoteproc sysfs write into the catalogue's cause
// (shared/reference/stm32mp-remoteproc-facts.md §b.3 message formats, §e F01–F21), with the lines
// that prove it. Pure: the caller fetched the lines (dmesg after the remembered position).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "remote/image_input.h"

namespace stm32mp::remote {

enum class LogCause {
  none,               // nothing recognised
  bad_magic,          // F01: ELF loader got a non-ELF (a signed .bin on an ELF-mode instance)
  tee_rejected,       // F02 (plain ELF) / F03 (signed image): TA_RPROC_FW_CMD_LOAD_FW failed
  tee_unavailable,    // F11: the OP-TEE remoteproc TA cannot be reached
  wrong_instance,     // F04: "powering up <other>" — the write went to another processor
  bad_phdr,           // F05: a segment outside the instance's carve-outs
  elf_rejected,       // other ELF loader / resource-table errors (too small, class, truncated, …)
  firmware_not_found, // F06: Direct firmware load … failed with error -2
  firmware_unreadable,// loading <path> failed with error N (not ENOENT)
  busy,               // F07: can't change firmware while running
  firewall_panic,     // F20: OP-TEE firewall (IAC/RISAF) exception or panic
  start_failed,       // the driver's start op failed ("can't start rproc")
};

[[nodiscard]] const char* to_string(LogCause c);

struct LogVerdict {
  LogCause cause = LogCause::none;
  std::vector<std::string> evidence;     // the decisive lines, in log order
  std::optional<int> boot_error;         // "Boot failed: N"
  std::optional<std::uint32_t> tee_error;
  std::string powered_up;                // name in "powering up <name>"
  std::string bad_phdr_da;               // "0x80100000"
  std::string bad_phdr_mem;
  std::string detail;                    // the loader's own message for elf_rejected / firmware_unreadable
  bool up = false;                       // "remote processor <wanted> is now up" seen
  bool no_resource_table = false;        // "no resource table found for this firmware" seen
};

// `wanted` is the instance name we meant to start (m33).
[[nodiscard]] LogVerdict classify_kernel_log(const std::vector<std::string>& lines, const std::string& wanted);

// Splits dmesg output into lines (without the trailing newline; empty lines dropped).
[[nodiscard]] std::vector<std::string> split_lines(const std::string& text);

// Seconds of a "[  123.456789] …" timestamp, nullopt when the line has none.
[[nodiscard]] std::optional<double> kernel_timestamp(const std::string& line);

// The lines printed in the last `window_s` seconds before `now_s` (the board's uptime, the clock of the
// kernel's timestamps): from the first line stamped at or after now_s - window_s on. Lines without a
// timestamp (OP-TEE's "E/TA: …") belong to the line before them.
[[nodiscard]] std::vector<std::string> lines_since(const std::vector<std::string>& lines, double now_s, double window_s);

}  // namespace stm32mp::remote
