#include "remote/rproc_commands.h"

#include <algorithm>
#include <charconv>

#include "ports/board_session.h"
#include "remote/kernel_log_classifier.h"

namespace stm32mp::remote {
namespace {

constexpr std::string_view kListEnd = R"SH(echo "kmsg.lines=$(dmesg 2>/dev/null | wc -l | tr -d ' ')"
echo probe.end=1
)SH";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string instance_dump(int index) {
  const std::string i = std::to_string(index);
  return "d=/sys/class/remoteproc/remoteproc" + i + "\n" +
         "if [ -d \"$d\" ]; then echo rproc." + i + "=present; for a in name state firmware fw_format recovery; do "
         "if [ -e \"$d/$a\" ]; then x \"rproc." + i + ".$a\" \"$d/$a\"; fi; done; fi\n";
}

std::uint64_t to_u64(const std::string& s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
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
    r.name = trim(out.value_or(pre + "name", ""));
    r.state = trim(out.value_or(pre + "state", ""));
    r.firmware = trim(out.value_or(pre + "firmware", ""));
    r.fw_format = trim(out.value_or(pre + "fw_format", ""));
    r.recovery = trim(out.value_or(pre + "recovery", ""));
    list.push_back(std::move(r));
  }
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return list;
}

std::string write_attr_command(int index, RprocAttr attr, const std::string& value) {
  const std::string path = "/sys/class/remoteproc/remoteproc" + std::to_string(index) + "/" + to_string(attr);
  std::string s(probe_shell_prelude());
  s += "echo probe.version=1\n";
  s += "n=$(dmesg 2>/dev/null | wc -l | tr -d ' ')\n";
  s += "echo \"kmsg.before=$n\"\n";
  // printf '%s': the value reaches the attribute byte for byte, without a trailing newline (echo -n
  // is not portable to every /bin/sh); the redirection's own error is captured too.
  s += "e=$( { printf '%s' " + ports::shell_quote(value) + " > " + path + "; } 2>&1 ); r=$?\n";
  s += "echo \"write.rc=$r\"\n";
  s += "printf 'write.err#='; printf '%s' \"$e\" | h; echo\n";
  s += "printf 'log#='; dmesg 2>/dev/null | tail -n +$((n+1)) | h; echo\n";
  s += instance_dump(index);
  s += "echo probe.end=1\n";
  return s;
}

core::expected<WriteOutcome, std::string> parse_write_outcome(const ProbeOutput& out, int index) {
  if (out.get("probe.version") != "1" || !out.has("probe.end")) {
    return core::unexpected{std::string("the reply of the sysfs write was cut short")};
  }
  WriteOutcome w;
  w.rc = std::atoi(out.value_or("write.rc", "1").c_str());
  w.error_text = trim(out.value_or("write.err", ""));
  w.errno_name = w.rc == 0 ? "" : errno_from_text(w.error_text);
  w.log = split_lines(out.value_or("log", ""));
  w.log_position = to_u64(out.value_or("kmsg.before", "0"));
  for (auto& r : parse_instances(out)) {
    if (r.index == index) w.after = r;
  }
  return w;
}

std::string verify_command(int index, std::uint64_t log_position) {
  std::string s(probe_shell_prelude());
  s += "echo probe.version=1\n";
  s += instance_dump(index);
  s += "printf 'log#='; dmesg 2>/dev/null | tail -n +" + std::to_string(log_position + 1) + " | h; echo\n";
  s += "c=0; for t in /dev/ttyRPMSG*; do [ -e \"$t\" ] && c=$((c+1)); done; echo \"rpmsg.ttys=$c\"\n";
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
