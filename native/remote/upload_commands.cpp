#include "remote/upload_commands.h"

#include <cstdlib>

#include "remote/board_value.h"
#include "remote/probe_output.h"

namespace stm32mp::remote {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Emits exists=, sha= and size= of "$t" (set by the caller) against the expected size and SHA-256 (quoted): the
// SHA-256 decides, so its one process (sha256sum) is all a match costs; equal content has the expected size, which
// is printed as such. Another content's size is measured (wc) only when `report_size` (the temporary file's, for
// UPL005); else it is left out (0). Leaves the digest in $c.
std::string measure(std::uint64_t size, const std::string& sha256, bool report_size) {
  return "c=$(exec sha256sum < \"$t\"); c=${c%% *}\n"
         "echo exists=yes; echo \"sha=$c\"\n"
         "if [ \"$c\" = " + ports::shell_quote(sha256) + " ]; then echo size=" + std::to_string(size) + "; " +
         (report_size ? "else s=$(exec wc -c < \"$t\"); echo \"size=$((s + 0))\"; " : "") + "fi\n";
}

// The part run after the image is in place (then.ran=1 says it started), or nothing.
std::string then_part(const std::string& then) { return then.empty() ? "" : "echo then.ran=1\n" + then; }

// Removes "$t" and reports rm.rc / rm.err#= (hex: the text may quote the file name).
constexpr std::string_view kRemove =
    "e=$(exec rm -f -- \"$t\" 2>&1); r=$?; echo \"rm.rc=$r\"; [ -z \"$e\" ] || { printf 'rm.err#='; printf '%s' \"$e\" | h; echo; }\n";

// What measure() printed (exists=, size=, sha=): shared by both replies.
RemoteCopy read_copy(const ProbeOutput& parsed) {
  RemoteCopy c;
  c.exists = parsed.get("exists") == "yes";
  if (c.exists) {
    c.size = std::strtoull(parsed.value_or("size", "0").c_str(), nullptr, 10);
    c.sha256 = parsed.value_or("sha", "");
  }
  return c;
}

}  // namespace

std::string checksum_command(const std::string& path, std::uint64_t size, const std::string& sha256,
                             const std::string& then) {
  std::string s(probe_shell_prelude());
  s += "t=" + ports::shell_quote(path) + "\n";
  s += "if [ -f \"$t\" ]; then\n";
  s += measure(size, sha256, false);
  if (!then.empty()) s += "if [ \"$c\" = " + ports::shell_quote(sha256) + " ]; then\n" + then_part(then) + "fi\n";
  s += "else echo exists=no; fi\necho end=1\n";
  return s;
}

core::expected<RemoteCopy, std::string> parse_checksum(std::string_view out) {
  auto parsed = ProbeOutput::parse(out);
  if (!parsed || !parsed->has("end")) {
    return core::unexpected{"unexpected reply to the checksum command: " + std::string(out.substr(0, 200))};
  }
  return read_copy(*parsed);
}

std::string_view exec_upload_command() {
  // sync FILE (coreutils >= 8.24) flushes that file only; an older or BusyBox sync without file
  // arguments flushes everything instead.
  return "LC_ALL=C; export LC_ALL; umask 022; IFS= read -r t || exit 97; cat > \"$t\" && "
         "{ sync -- \"$t\" 2>/dev/null || sync; }";
}

std::string_view remove_by_input_command() {
  return "LC_ALL=C; export LC_ALL; IFS= read -r t || exit 97; rm -f -- \"$t\"";
}

std::string commit_upload_command(const std::string& tmp, const std::string& real, std::uint64_t size,
                                  const std::string& sha256, const std::string& then) {
  std::string s(probe_shell_prelude());
  s += "t=" + ports::shell_quote(tmp) + "\n";
  s += "f=" + ports::shell_quote(real) + "\n";
  s += "if [ -f \"$t\" ]; then\n";
  s += measure(size, sha256, true);
  // The rename runs only after the comparison held, in the same shell: nothing between the check
  // and rename(2) waits for the network.
  s += "if [ \"$c\" = " + ports::shell_quote(sha256) + " ]; then\n";
  s += "echo match=yes\n";
  s += "e=$(exec mv -f -- \"$t\" \"$f\" 2>&1); r=$?; echo \"mv.rc=$r\"; [ -z \"$e\" ] || { printf 'mv.err#='; printf '%s' \"$e\" | h; echo; }\n";
  s += "if [ \"$r\" -ne 0 ]; then\n";
  s += kRemove;
  if (!then.empty()) s += "else\n" + then_part(then);
  s += "fi\n";
  s += "else\necho match=no\n";
  s += kRemove;
  s += "fi\n";
  s += "else echo exists=no; fi\necho end=1\n";
  return s;
}

core::expected<UploadCommit, std::string> parse_commit_upload(std::string_view out) {
  auto parsed = ProbeOutput::parse(out);
  if (!parsed || !parsed->has("end")) {
    return core::unexpected{"unexpected reply to the check-and-rename command: " + std::string(out.substr(0, 200))};
  }
  UploadCommit c;
  c.temp = read_copy(*parsed);
  if (!c.temp.exists) {
    c.temp_removed = true;  // nothing left to remove
    return c;
  }
  c.matched = parsed->get("match") == "yes";
  if (c.matched) {
    const auto rc = parsed->get("mv.rc");
    if (!rc) return core::unexpected{std::string("the check-and-rename reply lacks mv.rc")};
    c.renamed = *rc == "0";
    if (!c.renamed) {
      c.mv_error = capped(trim(parsed->value_or("mv.err", "")), caps::kErrorText);
      if (c.mv_error.empty()) c.mv_error = "mv exited with status " + *rc;
    }
  }
  if (!c.renamed) {
    c.temp_removed = parsed->get("rm.rc") == "0";
    c.rm_error = trim(parsed->value_or("rm.err", ""));
    if (!c.temp_removed && c.rm_error.empty()) c.rm_error = "rm exited with status " + parsed->value_or("rm.rc", "(none)");
  }
  return c;
}

bool then_started(std::string_view partial_out) {
  // Printed only after the comparison held (and, in the commit command, after mv returned 0).
  return partial_out.rfind("then.ran=1\n", 0) == 0 || partial_out.find("\nthen.ran=1\n") != std::string_view::npos;
}

}  // namespace stm32mp::remote
