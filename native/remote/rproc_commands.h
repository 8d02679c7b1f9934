#pragma once
// The fixed remoteproc commands of the remoteproc and verify steps. The only variable parts are an
// instance index the tool formats itself (an int) and, for the firmware name, a basename passed
// through ports::shell_quote — never raw user text.
#include <cstdint>
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
// attributes after it (rproc.<index>.*). The write happens only while remoteproc<index>/name still
// reads `name` (instances are renumbered when drivers probe again, F04): otherwise the reply says
// write.skipped=name and shows what the index is now.
[[nodiscard]] std::string write_attr_command(int index, RprocAttr attr, const std::string& value, const std::string& name);

struct WriteOutcome {
  bool skipped = false;              // the name guard held the write back: `after` shows the index now
  int rc = 0;                        // exit status of the write (0 = the kernel accepted it)
  std::string error_text;            // e.g. "sh: 1: printf: printf: write error: Device or resource busy"
  std::string errno_name;            // EBUSY, EINVAL, ENOENT, EIO, EPERM, EACCES or ""
  std::vector<std::string> log;      // kernel log lines printed after the write started
  std::uint64_t log_position = 0;    // line count before the write
  std::optional<RprocInstance> after;
};

[[nodiscard]] core::expected<WriteOutcome, std::string> parse_write_outcome(const ProbeOutput& out, int index);

// One round trip for "stop, load and start" (under the same name guard): stops the instance while it
// is running or attached (at most `max_stops` times, re-reading the state after each: refcounted
// starts, F09; stop.count=), then — unless it is still running/attached (stop.ineffective=1) —
// writes `firmware` to the firmware attribute and, only if the kernel accepted it, remembers the
// log position and writes start, timing the start write on the board ($EPOCHREALTIME, else date +%s%N). Reports both
// writes (the start's keys under start.*), the number of /dev/ttyRPMSG* after a successful start,
// and the instance after the last write.
// `root` is the remoteproc class directory; only tests point it elsewhere (a plain path, not quoted).
inline constexpr const char* kRemoteprocClass = "/sys/class/remoteproc";
[[nodiscard]] std::string load_and_start_command(int index, const std::string& name, const std::string& firmware,
                                                 int max_stops, const std::string& root = kRemoteprocClass);
// The same without the prelude (remote/probe_output.h): the `then` part of the upload's last command
// (remote/upload_commands.h), which has the prelude already. Its keys are none of the upload's.
[[nodiscard]] std::string load_and_start_body(int index, const std::string& name, const std::string& firmware,
                                              int max_stops, const std::string& root = kRemoteprocClass);

struct LoadStartOutcome {
  int stops = 0;                       // stop writes made before the firmware write
  bool stop_ineffective = false;       // still running/attached after them: nothing else was written
  std::string stop_error_text;         // with stop_ineffective: the last stop write's error text
  std::vector<std::string> stop_log;   // with stop_ineffective: kernel lines since the first stop
  WriteOutcome firmware;               // its `after` is the instance after the last write made
  std::optional<WriteOutcome> start;   // absent when start was never written (firmware refused or skipped)
  std::optional<std::int64_t> start_board_ms;  // the start write measured on the board; absent without date %N
  std::optional<int> rpmsg_ttys;       // counted right after a successful start
};

[[nodiscard]] core::expected<LoadStartOutcome, std::string> parse_load_start_outcome(const ProbeOutput& out, int index);

// Reads one instance, the kernel log after `log_position`, and how many /dev/ttyRPMSG* exist.
[[nodiscard]] std::string verify_command(int index, std::uint64_t log_position);

// For the diagnosis of a launch that already failed (nothing is written): the board's uptime (uptime=,
// the clock of the kernel log's timestamps) and the last kKernelLogTail lines of the kernel log (log#=).
inline constexpr int kKernelLogTail = 1000;
[[nodiscard]] std::string kernel_log_window_command();

// The errno behind a shell's write error text ("…: Device or resource busy" → "EBUSY").
[[nodiscard]] std::string errno_from_text(const std::string& text);

}  // namespace stm32mp::remote
