#pragma once
// The fixed remoteproc commands of the remoteproc and verify steps. The only variable parts are an
// instance index the tool formats itself (an int) and, for the firmware name, a basename passed
// through ports::shell_quote — never raw user text.
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "remote/probe_output.h"
#include "remote/target_facts.h"

namespace stm32mp::remote {

enum class RprocAttr { firmware, state, recovery };

[[nodiscard]] const char* to_string(RprocAttr a);

// Lists every instance (rproc.N=present, rproc.N.name#=…) plus kmsg.lines.
[[nodiscard]] const std::string& list_instances_script();
[[nodiscard]] std::vector<RprocInstance> parse_instances(const ProbeOutput& out);

// Writes `value` to /sys/class/remoteproc/remoteproc<index>/<attr> (printf '%s', no newline), then
// reports write.rc, write.err (the shell's error text), the kernel log lines printed since just
// before the write (log#=), the log position before the write (kmsg.before), and the instance's
// attributes after it (rproc.<index>.*).
[[nodiscard]] std::string write_attr_command(int index, RprocAttr attr, const std::string& value);

struct WriteOutcome {
  int rc = 0;                        // exit status of the write (0 = the kernel accepted it)
  std::string error_text;            // e.g. "sh: 1: printf: printf: write error: Device or resource busy"
  std::string errno_name;            // EBUSY, EINVAL, ENOENT, EIO, EPERM, EACCES or ""
  std::vector<std::string> log;      // kernel log lines printed after the write started
  std::uint64_t log_position = 0;    // line count before the write
  std::optional<RprocInstance> after;
};

[[nodiscard]] core::expected<WriteOutcome, std::string> parse_write_outcome(const ProbeOutput& out, int index);

// Reads one instance, the kernel log after `log_position`, and how many /dev/ttyRPMSG* exist.
[[nodiscard]] std::string verify_command(int index, std::uint64_t log_position);

// The errno behind a shell's write error text ("…: Device or resource busy" → "EBUSY").
[[nodiscard]] std::string errno_from_text(const std::string& text);

}  // namespace stm32mp::remote
