#include "remote/rproc_commands.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "ports/board_session.h"
#include "remote/board_value.h"
#include "remote/kernel_log_classifier.h"

namespace stm32mp::remote {
namespace {

constexpr std::string_view kListEnd = R"SH(kn; echo "kmsg.lines=$_n"
echo probe.end=1
)SH";

std::string instance_dump(int index, const std::string& root = kRemoteprocClass) {
  const std::string i = std::to_string(index);
  return "d=" + root + "/remoteproc" + i + "\n" +
         "if [ -d \"$d\" ]; then echo rproc." + i + "=present; for a in name state firmware fw_format recovery; do "
         "if [ -e \"$d/$a\" ]; then v \"rproc." + i + ".$a\" \"$d/$a\"; fi; done; fi\n";
}

std::uint64_t to_u64(const std::string& s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<std::uint64_t> digits(const std::string& s) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return to_u64(s);
}

std::string attr_path(int index, RprocAttr attr, const std::string& root) {
  return root + "/remoteproc" + std::to_string(index) + "/" + to_string(attr);
}

// Opens an `if` that holds only while the index still names the instance the caller resolved.
std::string name_guard(int index, const std::string& name, const std::string& root = kRemoteprocClass) {
  return "rd " + root + "/remoteproc" + std::to_string(index) + "/name; if [ \"$_v\" = " + ports::shell_quote(name) +
         " ]; then\n";
}

// One sysfs write with its outcome under `prefix`: <p>write.rc and <p>write.err= (the shell's own message, on the
// line the script opened for it: no subshell to capture it); leaves the status in $r. `timed` brackets the write
// with the board's clock (<p>t0, <p>t1: bash's $EPOCHREALTIME, else date +%s%N). The kernel's lines are read
// once per command, after its last write (lg), from the position counted once before its first (kn).
std::string write_block(const std::string& p, const std::string& path, const std::string& value, bool timed) {
  std::string s;
  if (timed) s += "t0=${EPOCHREALTIME:-$(exec date +%s%N 2>/dev/null)}\n";
  // printf '%s': the value reaches the attribute byte for byte, without a trailing newline (echo -n
  // is not portable to every /bin/sh); the redirection's own error is printed too.
  s += "printf '" + p + "write.err='; { printf '%s' " + ports::shell_quote(value) + " > " + path + "; } 2>&1; r=$?; echo\n";
  if (timed) {
    s += "t1=${EPOCHREALTIME:-$(exec date +%s%N 2>/dev/null)}\n";
    s += "echo \"" + p + "t0=$t0\"; echo \"" + p + "t1=$t1\"\n";
  }
  s += "echo \"" + p + "write.rc=$r\"\n";
  return s;
}

// The board's clock as printed around a write: nanoseconds (date +%s%N) or seconds.microseconds
// ($EPOCHREALTIME); nothing for a date without %N (seconds only, or a literal N).
std::optional<std::uint64_t> board_clock_ns(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos) {
    if (text.size() <= 12) return std::nullopt;
    return digits(text);
  }
  const auto sec = digits(text.substr(0, dot));
  const auto frac = text.substr(dot + 1);
  const auto us = digits(frac);
  if (!sec || !us || frac.size() != 6) return std::nullopt;
  return *sec * 1000000000u + *us * 1000u;
}

WriteOutcome parse_write(const ProbeOutput& out, int index, const std::string& p) {
  WriteOutcome w;
  w.skipped = out.has("write.skipped");
  if (!w.skipped) {
    w.rc = std::atoi(out.value_or(p + "write.rc", "1").c_str());
    w.error_text = capped(trim_end(out.value_or(p + "write.err", "")), caps::kErrorText);
    w.errno_name = w.rc == 0 ? "" : errno_from_text(w.error_text);
    w.log = capped(split_lines(out.value_or(p + "log", "")), caps::kKernelLine, caps::kKernelLines);
    w.log_position = to_u64(out.value_or("kmsg.before", "0"));
  }
  for (auto& r : parse_instances(out)) {
    if (r.index == index) w.after = r;
  }
  return w;
}

}  // namespace

const char* to_string(RprocAttr a) {
  switch (a) {
    case RprocAttr::firmware: return "firmware";
    case RprocAttr::state: return "state";
    case RprocAttr::recovery: return "recovery";
  }
  return "state";
}

const std::string& list_instances_script() {
  static const std::string script = std::string(probe_shell_prelude()) + "echo probe.version=1\n" +
                                    std::string(probe_shell_instance_listing()) + std::string(kListEnd);
  return script;
}

std::vector<RprocInstance> parse_instances(const ProbeOutput& out) {
  std::vector<RprocInstance> list;
  for (const auto& [key, value] : out.entries()) {
    if (key.rfind("rproc.", 0) != 0 || value != "present") continue;
    int index = -1;
    const auto num = std::string_view(key).substr(6);
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), index);
    if (ec != std::errc() || p != num.data() + num.size()) continue;
    const std::string pre = key + ".";
    RprocInstance r;
    r.index = index;
    r.name = capped(trim_end(out.value_or(pre + "name", "")), caps::kInstanceName);
    r.state = capped(trim_end(out.value_or(pre + "state", "")), caps::kStateWord);
    r.firmware = capped(trim_end(out.value_or(pre + "firmware", "")), caps::kFileName);
    r.fw_format = capped(trim_end(out.value_or(pre + "fw_format", "")), caps::kStateWord);
    r.recovery = capped(trim_end(out.value_or(pre + "recovery", "")), caps::kStateWord);
    list.push_back(std::move(r));
  }
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return list;
}

std::string write_attr_command(int index, RprocAttr attr, const std::string& value, const std::string& name) {
  std::string s(probe_shell_prelude());
  s += "echo probe.version=1\n";
  s += name_guard(index, name);
  s += "kn; echo \"kmsg.before=$_n\"\n";
  s += write_block("", attr_path(index, attr, kRemoteprocClass), value, false);
  s += "lg \"$_n\" ''\n";
  s += "else echo write.skipped=name; fi\n";
  s += instance_dump(index);
  s += "echo probe.end=1\n";
  return s;
}

core::expected<WriteOutcome, std::string> parse_write_outcome(const ProbeOutput& out, int index) {
  if (out.get("probe.version") != "1" || !out.has("probe.end")) {
    return core::unexpected{std::string("the reply of the sysfs write was cut short")};
  }
  return parse_write(out, index, "");
}

std::string load_and_start_command(int index, const std::string& name, const std::string& firmware, int max_stops,
                                   const std::string& root) {
  return std::string(probe_shell_prelude()) + load_and_start_body(index, name, firmware, max_stops, root);
}

std::string load_and_start_body(int index, const std::string& name, const std::string& firmware, int max_stops,
                                const std::string& root) {
  const std::string state = attr_path(index, RprocAttr::state, root);
  std::string s = "echo probe.version=1\n";
  s += name_guard(index, name, root);
  // Stop while running/attached, re-reading the state after each stop (refcounted starts need
  // several, F09), at most max_stops times; what the stops print is not needed, only the state.
  // A stop that leaves it running/attached reports the last stop's error text and the kernel lines
  // since the first stop, so the refusal can be explained (EPERM, the TA's STOP error).
  // The kernel log is counted once, before the first write, and read once, after the last: the lines
  // of a refused write, or of the start, are those since then (a stop's own lines included).
  s += "kn; echo \"kmsg.before=$_n\"\n";
  s += "k=0; rd " + state + "; s=$_v\n";
  s += "while [ \"$k\" -lt " + std::to_string(std::max(max_stops, 0)) +
       " ] && { [ \"$s\" = running ] || [ \"$s\" = attached ]; }; do\n";
  s += "printf 'stop.err='; { printf '%s' stop > " + state + "; } 2>&1; echo; k=$((k+1)); rd " + state + "; s=$_v\n";
  s += "done\n";
  s += "echo \"stop.count=$k\"\n";
  s += "case \"$s\" in running|attached) echo stop.ineffective=1; lg \"$_n\" stop. ;; *)\n";
  s += write_block("", attr_path(index, RprocAttr::firmware, root), firmware, false);
  // start only after the kernel took the name: a refused name must never start the previous image.
  s += "if [ \"$r\" -eq 0 ]; then\n";
  s += write_block("start.", attr_path(index, RprocAttr::state, root), "start", true);
  s += "lg \"$_n\" start.\n";
  s += "if [ \"$r\" -eq 0 ]; then c=0; for t in /dev/ttyRPMSG*; do [ -e \"$t\" ] && c=$((c+1)); done; "
       "echo \"rpmsg.ttys=$c\"; fi\n";
  s += "else lg \"$_n\" ''; fi ;;\nesac\n";
  s += "else echo write.skipped=name; fi\n";
  s += instance_dump(index, root);
  s += "echo probe.end=1\n";
  return s;
}

core::expected<LoadStartOutcome, std::string> parse_load_start_outcome(const ProbeOutput& out, int index) {
  if (out.get("probe.version") != "1" || !out.has("probe.end")) {
    return core::unexpected{std::string("the reply of the firmware and start writes was cut short")};
  }
  LoadStartOutcome o;
  o.stops = std::atoi(out.value_or("stop.count", "0").c_str());
  o.stop_ineffective = out.has("stop.ineffective");
  o.firmware = parse_write(out, index, "");
  if (o.stop_ineffective) {
    o.firmware.rc = -1;  // never written
    o.stop_error_text = capped(trim_end(out.value_or("stop.err", "")), caps::kErrorText);
    o.stop_log = capped(split_lines(out.value_or("stop.log", "")), caps::kKernelLine, caps::kKernelLines);
    return o;
  }
  if (!o.firmware.skipped && o.firmware.rc == 0) {
    if (!out.has("start.write.rc")) {
      return core::unexpected{std::string("the firmware write was accepted but the reply says nothing about start")};
    }
    o.start = parse_write(out, index, "start.");
    const auto t0 = board_clock_ns(out.value_or("start.t0", ""));
    const auto t1 = board_clock_ns(out.value_or("start.t1", ""));
    if (t0 && t1 && *t1 >= *t0) {
      o.start_board_ms = static_cast<std::int64_t>((*t1 - *t0) / 1000000u);
    }
    if (auto ttys = out.get("rpmsg.ttys")) o.rpmsg_ttys = std::atoi(ttys->c_str());
  }
  return o;
}

std::string verify_command(int index, std::uint64_t log_position) {
  std::string s(probe_shell_prelude());
  s += "echo probe.version=1\n";
  s += instance_dump(index);
  s += "lg " + std::to_string(log_position) + " ''\n";
  s += "c=0; for t in /dev/ttyRPMSG*; do [ -e \"$t\" ] && c=$((c+1)); done; echo \"rpmsg.ttys=$c\"\n";
  s += "echo probe.end=1\n";
  return s;
}

std::string kernel_log_window_command() {
  std::string s(probe_shell_prelude());
  s += "echo probe.version=1\n";
  s += "rd /proc/uptime; echo \"uptime=${_v%% *}\"\n";
  s += "dmesg 2>/dev/null | tail -n " + std::to_string(kKernelLogTail) + " | awk '{ print \"log+=\" $0 }'\n";
  s += "echo probe.end=1\n";
  return s;
}

std::string errno_from_text(const std::string& text) {
  static const std::pair<const char*, const char*> kTexts[] = {
      {"Device or resource busy", "EBUSY"}, {"Invalid argument", "EINVAL"}, {"No such file or directory", "ENOENT"},
      {"Input/output error", "EIO"},        {"Operation not permitted", "EPERM"}, {"Permission denied", "EACCES"},
      {"No such device", "ENODEV"},         {"Read-only file system", "EROFS"},   {"Is a directory", "EISDIR"},
      {"Bad address", "EFAULT"},            {"Operation not supported", "EOPNOTSUPP"},
  };
  for (const auto& [needle, name] : kTexts) {
    if (text.find(needle) != std::string::npos) return name;
  }
  return "";
}

}  // namespace stm32mp::remote
