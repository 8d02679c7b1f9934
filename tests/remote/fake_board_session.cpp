#include "remote/fake_board_session.h"

#include <fstream>
#include <iterator>

namespace stm32mp::testing {

std::optional<ports::RemoteError> FakeBoardSession::upload(const std::string& local_path, const std::string& remote_path,
                                                           const ports::UploadProgress& progress, const core::Deadline&,
                                                           const core::CancelToken& cancel) {
  operations.push_back("upload " + remote_path);
  if (sftp_error) return sftp_error;
  std::ifstream in(local_path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (during_upload) during_upload();
  if (upload_error) {
    files[remote_path] = data.substr(0, upload_error_after);  // what a real server keeps: a partial file
    if (progress) progress(upload_error_after, data.size());
    return upload_error;
  }
  if (cancel.cancelled()) {
    files[remote_path] = data.substr(0, data.size() / 2);
    return ports::RemoteError{ports::RemoteError::Kind::cancelled, "cancelled"};
  }
  files[remote_path] = data;
  if (progress) {
    progress(data.size() / 2, data.size());
    progress(data.size(), data.size());
  }
  return std::nullopt;
}

core::expected<ports::ExecResult, ports::RemoteError> FakeBoardSession::exec_with_input(
    const std::string& command, const std::string& header, const std::string& local_path,
    const ports::UploadProgress& progress, const core::Deadline& deadline, const core::CancelToken& cancel) {
  inputs.push_back(header);
  const std::string path = header.substr(0, header.find('\n'));
  std::string data;
  if (!local_path.empty()) {
    std::ifstream in(local_path, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (during_upload) during_upload();
  }
  auto reply = exec(command, deadline, cancel);
  if (local_path.empty()) {
    if (reply && reply->exit_status == 0) files.erase(path);
    return reply;
  }
  if (cancel.cancelled() && reply) reply = core::unexpected{ports::RemoteError{ports::RemoteError::Kind::cancelled, "cancelled"}};
  if (reply && reply->exit_status == 0) {
    files[path] = data;
    if (progress) progress(data.size(), data.size());
  } else {
    files[path] = data.substr(0, data.size() / 2);
    if (progress) progress(data.size() / 2, data.size());
  }
  return reply;
}

std::string hex_of(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned char c : bytes) {
    s.push_back(kHex[c >> 4]);
    s.push_back(kHex[c & 15]);
  }
  return s;
}

std::string kv_hex(const std::string& key, const std::string& bytes) { return key + "#=" + hex_of(bytes) + "\n"; }

std::string kv_lines(const std::string& key, const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += key + "+=" + l + "\n";
  return s;
}

// A write's error as the script prints it: the shell's message on the line opened for it, then echo's newline.
std::string write_error(const std::string& key, const std::string& text) {
  return key + "=" + text + (text.empty() ? "\n" : "\n\n");
}

std::string instance_lines(const FakeInstance& i) {
  const std::string p = "rproc." + std::to_string(i.index);
  return p + "=present\n" + kv_hex(p + ".name", i.name + "\n") + kv_hex(p + ".state", i.state + "\n") +
         kv_hex(p + ".firmware", i.firmware + "\n") + kv_hex(p + ".fw_format", i.fw_format + "\n") +
         kv_hex(p + ".recovery", i.recovery + "\n");
}

std::string list_reply(const std::vector<FakeInstance>& instances) {
  std::string s = "probe.version=1\n";
  for (const auto& i : instances) s += instance_lines(i);
  return s + "kmsg.lines=100\nprobe.end=1\n";
}

std::string write_reply(int rc, const std::string& error_text, const std::vector<std::string>& log,
                        const std::optional<FakeInstance>& after, std::uint64_t log_before) {
  std::string s = "probe.version=1\nkmsg.before=" + std::to_string(log_before) + "\n" + write_error("write.err", error_text) +
                  "write.rc=" + std::to_string(rc) + "\n" + kv_lines("log", log);
  if (after) s += instance_lines(*after);
  return s + "probe.end=1\n";
}

std::string skipped_reply(const std::optional<FakeInstance>& after) {
  return "probe.version=1\nwrite.skipped=name\n" + (after ? instance_lines(*after) : std::string()) + "probe.end=1\n";
}

std::string stop_ineffective_reply(int stops, const FakeInstance& after, const std::string& stop_error,
                                   const std::vector<std::string>& stop_log) {
  return "probe.version=1\nkmsg.before=100\n" + write_error("stop.err", stop_error) + "stop.count=" + std::to_string(stops) +
         "\nstop.ineffective=1\n" + kv_lines("stop.log", stop_log) + instance_lines(after) + "probe.end=1\n";
}

std::string load_start_reply(int fw_rc, const std::string& fw_error, const std::vector<std::string>& fw_log,
                             const std::optional<StartReply>& start, const std::optional<FakeInstance>& after, int stops) {
  std::string s = "probe.version=1\nkmsg.before=100\nstop.count=" + std::to_string(stops) + "\n" +
                  write_error("write.err", fw_error) + "write.rc=" + std::to_string(fw_rc) + "\n";
  if (!start) s += kv_lines("log", fw_log);
  if (start) {
    s += write_error("start.write.err", start->error_text) + "start.t0=" + start->t0 + "\nstart.t1=" + start->t1 +
         "\nstart.write.rc=" + std::to_string(start->rc) + "\n" + kv_lines("start.log", start->log);
    if (start->rc == 0) s += "rpmsg.ttys=" + std::to_string(start->ttys) + "\n";
  }
  if (after) s += instance_lines(*after);
  return s + "probe.end=1\n";
}

std::string verify_reply(const FakeInstance& i, const std::vector<std::string>& log, int ttys) {
  return "probe.version=1\n" + instance_lines(i) + kv_lines("log", log) + "rpmsg.ttys=" + std::to_string(ttys) +
         "\nprobe.end=1\n";
}

std::string checksum_reply(bool exists, std::uint64_t size, const std::string& sha) {
  if (!exists) return "exists=no\nend=1\n";
  return "exists=yes\nsize=" + std::to_string(size) + "\nsha=" + sha + "\nend=1\n";
}

}  // namespace stm32mp::testing

namespace stm32mp::testing {

namespace {
std::string measured(std::uint64_t size, const std::string& sha) {
  return "exists=yes\nsize=" + std::to_string(size) + "\nsha=" + sha + "\n";
}
std::string removal(const std::string& rm_error) {
  return "rm.rc=" + std::string(rm_error.empty() ? "0" : "1") + "\n" + (rm_error.empty() ? "" : kv_hex("rm.err", rm_error));
}
}  // namespace

std::string commit_renamed_reply(std::uint64_t size, const std::string& sha) {
  return measured(size, sha) + "match=yes\nmv.rc=0\nend=1\n";
}

std::string commit_mismatch_reply(std::uint64_t size, const std::string& sha, const std::string& rm_error) {
  return measured(size, sha) + "match=no\n" + removal(rm_error) + "end=1\n";
}

std::string commit_mv_failed_reply(std::uint64_t size, const std::string& sha, const std::string& mv_error,
                                   const std::string& rm_error) {
  return measured(size, sha) + "match=yes\nmv.rc=1\n" + kv_hex("mv.err", mv_error) + removal(rm_error) + "end=1\n";
}

std::string commit_missing_reply() { return "exists=no\nend=1\n"; }

}  // namespace stm32mp::testing
