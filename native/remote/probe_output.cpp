#include "remote/probe_output.h"

#include <algorithm>

namespace stm32mp::remote {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

core::expected<ProbeOutput, std::string> ProbeOutput::parse(std::string_view text) {
  ProbeOutput out;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (end == text.size()) break;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return core::unexpected{"line " + std::to_string(line_no) + " is not key=value: " + std::string(line.substr(0, 80))};
    }
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key.back() == '+') {
      // KEY+=LINE: one more line of KEY's multi-line value (appended to the last KEY, or a new one).
      key.remove_suffix(1);
      auto it = std::find_if(out.entries_.rbegin(), out.entries_.rend(), [&](const auto& e) { return e.first == key; });
      if (it == out.entries_.rend()) {
        out.entries_.emplace_back(std::string(key), std::string());
        it = out.entries_.rbegin();
      }
      it->second.append(value).push_back('\n');
    } else if (key.back() == '#') {
      key.remove_suffix(1);
      auto decoded = hex_decode(value);
      if (!decoded) {
        return core::unexpected{"line " + std::to_string(line_no) + " (" + std::string(key) + ") has a malformed hex value"};
      }
      out.entries_.emplace_back(std::string(key), std::move(*decoded));
    } else {
      out.entries_.emplace_back(std::string(key), std::string(value));
    }
    if (end == text.size()) break;
  }
  return out;
}

std::optional<std::string> ProbeOutput::get(std::string_view key) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return std::nullopt;
}

std::vector<std::string> ProbeOutput::get_all(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : entries_) {
    if (k == key) values.push_back(v);
  }
  return values;
}

std::string ProbeOutput::value_or(std::string_view key, std::string fallback) const {
  auto v = get(key);
  return v ? *v : std::move(fallback);
}

std::string_view probe_shell_prelude() {
  // LC_ALL=C: byte-wise tools and untranslated error texts (the write errors are matched by text).
  // h costs two processes per value (od, tr): only for values that may hold any byte (the names of leftover
  // files, an mv or rm error quoting one). One-line text attributes (sysfs) are read by the shell itself
  // (rd, v): no process at all, and `read` stops at the first newline, so a value can never add a line.
  return "LC_ALL=C; export LC_ALL\n"
         "h() { od -An -v -tx1 | tr -d ' \\n'; }\n"
         "rd() { _v=; { IFS= read -r _v < \"$1\"; } 2>/dev/null; }\n"
         "v() { _v=; [ -r \"$2\" ] && rd \"$2\"; printf '%s=%s\\n' \"$1\" \"$_v\"; }\n"
         // kn: the kernel log's line count in $_n. lg N P: its lines after line N, one `Plog+=LINE` each. One
         // process each (dmesg; `exec` keeps bash from forking twice for a command with a redirection): the shell
         // splits the text at newlines itself (set -f: a line is never a glob), and dmesg ends every line, so a
         // line can never hold a newline. Empty lines are not counted, by either function alike. (The scripts run with
         // the default IFS: whatever changes it unsets it after, which restores the default.)
         "kn() { _a=$(exec dmesg 2>/dev/null); IFS='\n'; set -f; set -- $_a; unset IFS; set +f; _n=$#; }\n"
         "lg() { _k=$1 _p=$2; _a=$(exec dmesg 2>/dev/null); IFS='\n'; set -f; set -- $_a; unset IFS; set +f\n"
         "  if [ \"$#\" -gt \"$_k\" ]; then shift \"$_k\"; for _l; do printf '%slog+=%s\\n' \"$_p\" \"$_l\"; done; fi; }\n";
}

std::string_view probe_shell_instance_listing() {
  return R"SH(for d in /sys/class/remoteproc/remoteproc*; do
  [ -d "$d" ] || continue
  i=${d#/sys/class/remoteproc/remoteproc}
  case "$i" in ''|*[!0-9]*) continue ;; esac
  echo "rproc.$i=present"
  for a in name state firmware fw_format recovery; do
    if [ -e "$d/$a" ]; then v "rproc.$i.$a" "$d/$a"; fi
  done
done
)SH";
}

}  // namespace stm32mp::remote
