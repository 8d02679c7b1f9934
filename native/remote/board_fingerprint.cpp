#include "remote/board_fingerprint.h"

#include <algorithm>

#include "remote/board_value.h"
#include "remote/rproc_commands.h"

namespace stm32mp::remote {
namespace {

// Printed by the fingerprint command and by the full probe alike, so that a kept fingerprint (from a probe) and a
// new one (from the short command) are read by the same lines: two copies that drifted apart would make every
// relaunch probe in full. Builtins only (`v` reads with `read`, `[` is a builtin in dash and busybox ash).
constexpr std::string_view kProbeLines = R"SH(v fp.boot_id /proc/sys/kernel/random/boot_id
if [ -w /lib/firmware ]; then echo fp.fw_w=yes; else echo fp.fw_w=no; fi
if [ -d /lib/firmware ]; then echo fw.dir=yes; else echo fw.dir=no; fi
v fw.class_path /sys/module/firmware_class/parameters/path
if [ -e /sys/bus/tee/devices/optee-ta-80a4c275-0a47-4905-8285-1486a9771a08 ]; then echo tee.ta=yes; else echo tee.ta=no; fi
if [ -e /etc/systemd/system/multi-user.target.wants/st-m33firmware-load.service ]; then echo demo.enabled=yes; else echo demo.enabled=no; fi
)SH";

// The rest of the fingerprint with the full probe's keys. Leftover names cost a process (h) only when a cut
// upload left one. df's output is split by the shell: 7 header words, then the 6 fields of the one line.
constexpr std::string_view kCommandTail = R"SH(f=/lib/firmware
for t in "$f"/.*.prelaunch-tmp; do
  if [ -e "$t" ]; then printf 'fw.leftover#='; printf '%s' "${t##*/}" | h; echo; fi
done
set -- $(exec df -Pk "$f" 2>/dev/null)
if [ $# -ge 13 ]; then echo "fw.avail_kb=${11}"; fi
echo probe.end=1
)SH";

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string instance_text(const RprocInstance& i) {
  return "remoteproc" + std::to_string(i.index) + " (" + i.name + ")";
}

bool same(const RprocInstance& a, const RprocInstance& b) {
  return a.index == b.index && a.name == b.name && a.state == b.state && a.firmware == b.firmware &&
         a.fw_format == b.fw_format && a.recovery == b.recovery;
}

std::string list(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s.empty() ? "none" : s;
}

// What changed in the instances: one attribute of one instance when that is all, else both listings.
std::string instances_change(const std::vector<RprocInstance>& a, const std::vector<RprocInstance>& b) {
  if (a.size() == b.size()) {
    for (std::size_t n = 0; n < a.size(); ++n) {
      const auto& x = a[n];
      const auto& y = b[n];
      if (same(x, y)) continue;
      if (x.index != y.index || x.name != y.name) break;
      const auto what = [&](const char* attr, const std::string& before, const std::string& now) {
        return instance_text(x) + " " + attr + ": " + before + " -> " + now;
      };
      if (x.state != y.state) return what("state", x.state, y.state);
      if (x.firmware != y.firmware) return what("firmware", x.firmware, y.firmware);
      if (x.fw_format != y.fw_format) return what("fw_format", x.fw_format, y.fw_format);
      return what("recovery", x.recovery, y.recovery);
    }
  }
  const auto names = [](const std::vector<RprocInstance>& v) {
    std::vector<std::string> n;
    for (const auto& i : v) n.push_back("remoteproc" + std::to_string(i.index) + "=" + i.name);
    return list(n);
  };
  return "remoteproc instances: " + names(a) + " -> " + names(b);
}

}  // namespace

std::string_view fingerprint_probe_lines() { return kProbeLines; }

const std::string& fingerprint_command() {
  static const std::string command = std::string(probe_shell_prelude()) + "echo probe.version=1\n" +
                                     std::string(kProbeLines) + std::string(probe_shell_instance_listing()) +
                                     std::string(kCommandTail);
  return command;
}

core::expected<BoardFingerprint, std::string> parse_fingerprint(const ProbeOutput& out) {
  if (out.get("probe.version") != "1" || !out.has("probe.end")) {
    return core::unexpected{std::string("the reply of the fingerprint read was cut short")};
  }
  BoardFingerprint f;
  f.boot_id = capped(trim_end(out.value_or("fp.boot_id", "")), caps::kFileName);
  if (f.boot_id.empty()) return core::unexpected{std::string("the board showed no boot id")};
  f.instances = parse_instances(out);
  f.firmware_class_path = capped(trim_end(out.value_or("fw.class_path", "")), caps::kFileName);
  f.fw_dir = out.get("fw.dir") == "yes";
  f.fw_access_w = out.get("fp.fw_w") == "yes";
  f.fw_leftovers = capped(out.get_all("fw.leftover"), caps::kFileName, caps::kListEntries);
  f.tee_ta = out.get("tee.ta") == "yes";
  f.demo = out.get("demo.enabled") == "yes";
  if (auto kb = whole_number<std::uint64_t>(out.value_or("fw.avail_kb", ""))) f.fw_free_bytes = *kb * 1024;
  return f;
}

std::string fingerprint_change(const BoardFingerprint& a, const BoardFingerprint& b) {
  if (a.boot_id != b.boot_id) return "the boot id changed (the board rebooted)";
  if (a.instances.size() != b.instances.size() ||
      !std::equal(a.instances.begin(), a.instances.end(), b.instances.begin(), same)) {
    return instances_change(a.instances, b.instances);
  }
  const auto shown = [](const std::string& s) { return s.empty() ? std::string("(unset)") : s; };
  if (a.firmware_class_path != b.firmware_class_path) {
    return "firmware_class path: " + shown(a.firmware_class_path) + " -> " + shown(b.firmware_class_path);
  }
  if (a.fw_dir != b.fw_dir) return "/lib/firmware exists: " + yes_no(a.fw_dir) + " -> " + yes_no(b.fw_dir);
  if (a.fw_access_w != b.fw_access_w) {
    return "/lib/firmware writable: " + yes_no(a.fw_access_w) + " -> " + yes_no(b.fw_access_w);
  }
  if (a.fw_leftovers != b.fw_leftovers) {
    return "leftovers of a cut upload: " + list(a.fw_leftovers) + " -> " + list(b.fw_leftovers);
  }
  if (a.tee_ta != b.tee_ta) return "OP-TEE remoteproc TA: " + yes_no(a.tee_ta) + " -> " + yes_no(b.tee_ta);
  if (a.demo != b.demo) return "demo service enabled: " + yes_no(a.demo) + " -> " + yes_no(b.demo);
  return {};
}

}  // namespace stm32mp::remote
