#pragma once
// Turns the kernel log lines printed after a remoteproc sysfs write into the catalogue's cause
// (docs/failures.md: F01–F25, each with the kernel's message formats and its sources), with the lines
// that prove it. Pure: the caller fetched the lines (dmesg after the remembered position, a boot log
// or a capture a user saved). The formats are those of mainline, ST's kernel fork and both revisions
// of the upstream "remoteproc TEE" series (remoteproc_core.c, remoteproc_elf_loader.c, tee_remoteproc.c).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  tee_start_failed,   // the TA loaded the image but its START command failed
  tee_bad_state,      // LOAD answered BAD_STATE: the TA still holds an image (a start failed before)
  carveout,           // F05 family: the carve-outs could not be registered/allocated/matched
  prepare_failed,     // "can't prepare rproc" (the driver's prepare op, e.g. its memory regions)
  subdevices_failed,  // virtio/rpmsg subdevices could not be prepared or started
  deleted,            // the rproc is being removed (driver unbound)
  stop_failed,        // a stop write failed: "can't stop rproc: N" (with the TA's STOP line if any)
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
  std::string tee_command;               // LOAD_FW, START_FW, STOP, … of the failed TA invoke
  std::optional<int> loader_error;       // firmware loader's errno ("… failed with error -26")
  bool dotdot_refused = false;           // "Firmware load for '…' refused, path contains '..' component"
  std::optional<int> stop_error;         // "can't stop rproc: N"
  std::string boot_addr_misaligned;      // ST's "Boot address is … no aligned on mask …" line
  bool up = false;                       // "remote processor <wanted> is now up" seen
  bool no_resource_table = false;        // "no resource table found for this firmware" seen
};

// Why the firmware loader failed, from its errno (and the '..' refusal): the one table of loader
// errnos (drivers/base/firmware_loader/main.c, fs/kernel_read_file.c).
[[nodiscard]] std::string firmware_loader_reason(int error, bool dotdot_refused);

// What a prepare_failed / subdevices_failed / deleted verdict means, in words.
[[nodiscard]] std::string setup_failure_reason(LogCause cause);

// Why a stop failed: the TA's STOP error when it printed one, else the driver's errno
// ("can't stop rproc: -1" or the write's own errno name).
[[nodiscard]] std::string stop_failure_reason(const LogVerdict& v, const std::string& errno_name);

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
