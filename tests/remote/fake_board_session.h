#pragma once
// A scripted BoardSession for the remote steps' unit tests: each exec pops the next scripted reply
// (checking the command contains an expected fragment), uploads/renames/removes act on an in-memory
// /lib/firmware and can be made to fail. End-to-end tests use the real libssh2 session and board-sim.
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ports/board_session.h"

namespace stm32mp::testing {

struct ScriptedExec {
  std::string expect;  // a fragment the command must contain ("" = any)
  core::expected<ports::ExecResult, ports::RemoteError> reply = ports::ExecResult{0, "", ""};
};

class FakeBoardSession final : public ports::BoardSession {
 public:
  std::deque<ScriptedExec> script;
  std::vector<std::string> commands;       // every exec, in order
  std::vector<std::string> operations;     // "upload <path>", "rename <a> <b>", "remove <p>"
  std::map<std::string, std::string> files;  // remote path → content
  std::optional<ports::RemoteError> upload_error;
  std::uint64_t upload_error_after = 0;    // bytes written to the temp file before the error
  std::optional<ports::RemoteError> rename_error;
  std::optional<ports::RemoteError> remove_error;
  std::function<void()> during_upload;     // e.g. cancel the run mid-transfer
  std::vector<std::string> inputs;         // the header of every exec_with_input, in order
  std::optional<ports::RemoteError> sftp_error;  // every SFTP call fails so (e.g. Kind::no_sftp)

  // Round trips so far: a step's exec count is part of its contract (tests fail on more).
  [[nodiscard]] std::size_t execs() const { return commands.size(); }

  void expect(std::string fragment, std::string out, int status = 0) {
    script.push_back({std::move(fragment), ports::ExecResult{status, std::move(out), ""}});
  }
  void expect_error(std::string fragment, ports::RemoteError::Kind kind, std::string message = "") {
    script.push_back({std::move(fragment), core::unexpected{ports::RemoteError{kind, std::move(message)}}});
  }

  core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string& command, const core::Deadline&,
                                                             const core::CancelToken&) override {
    commands.push_back(command);
    if (script.empty()) {
      return core::unexpected{ports::RemoteError{ports::RemoteError::Kind::failure, "fake: unexpected exec " + command.substr(0, 120)}};
    }
    auto next = std::move(script.front());
    script.pop_front();
    if (!next.expect.empty() && command.find(next.expect) == std::string::npos) {
      return core::unexpected{ports::RemoteError{ports::RemoteError::Kind::failure,
                                                 "fake: command lacks '" + next.expect + "': " + command.substr(0, 200)}};
    }
    return next.reply;
  }

  std::optional<ports::RemoteError> upload(const std::string& local_path, const std::string& remote_path,
                                           const ports::UploadProgress& progress, const core::Deadline&,
                                           const core::CancelToken& cancel) override;

  // Pops the next scripted reply like exec; a successful one (status 0) of a command that got a file
  // stores it under the path in the header, a failed transfer leaves half of it there.
  core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(const std::string& command,
                                                                        const std::string& header,
                                                                        const std::string& local_path,
                                                                        const ports::UploadProgress& progress,
                                                                        const core::Deadline& deadline,
                                                                        const core::CancelToken& cancel) override;

  core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string& remote_path, const core::Deadline&,
                                                                 const core::CancelToken&) override {
    auto it = files.find(remote_path);
    if (it == files.end()) return core::unexpected{ports::RemoteError{ports::RemoteError::Kind::no_such_file, ""}};
    return ports::RemoteFileInfo{it->second.size(), 0644};
  }

  std::optional<ports::RemoteError> remove(const std::string& remote_path, const core::Deadline&,
                                           const core::CancelToken&) override {
    operations.push_back("remove " + remote_path);
    if (sftp_error) return sftp_error;
    if (remove_error) return remove_error;
    if (files.erase(remote_path) == 0) return ports::RemoteError{ports::RemoteError::Kind::no_such_file, ""};
    return std::nullopt;
  }

  std::optional<ports::RemoteError> rename(const std::string& from, const std::string& to, const core::Deadline&,
                                           const core::CancelToken&) override {
    operations.push_back("rename " + from + " " + to);
    if (rename_error) return rename_error;
    auto it = files.find(from);
    if (it == files.end()) return ports::RemoteError{ports::RemoteError::Kind::no_such_file, from};
    files[to] = it->second;
    files.erase(from);
    return std::nullopt;
  }
};

// Builds the replies of the fixed scripts (the formats of remote/probe_output.h: `key#=hex`, and one `key+=line`
// per kernel log line).
std::string hex_of(const std::string& bytes);
std::string kv_hex(const std::string& key, const std::string& bytes);
std::string kv_lines(const std::string& key, const std::vector<std::string>& lines);

struct FakeInstance {
  int index;
  std::string name;
  std::string state = "offline";
  std::string firmware = "rproc-fw";
  std::string fw_format = "ELF";
  std::string recovery = "enabled";
};

std::string instance_lines(const FakeInstance& i);
std::string list_reply(const std::vector<FakeInstance>& instances);
std::string write_reply(int rc, const std::string& error_text, const std::vector<std::string>& log,
                        const std::optional<FakeInstance>& after, std::uint64_t log_before = 100);
// A guarded write held back because remoteproc<index>/name no longer names the instance.
std::string skipped_reply(const std::optional<FakeInstance>& after);
// The reply of remote::load_and_start_command: the firmware write and, when `start` is given (the
// script writes start only after an accepted firmware write), the start write.
struct StartReply {
  int rc = 0;
  std::string error_text;
  std::vector<std::string> log;
  std::string t0 = "1700000000100000000";  // date +%s%N around the write; "" = the board's date has no %N
  std::string t1 = "1700000000135000000";
  int ttys = 1;
};
std::string load_start_reply(int fw_rc, const std::string& fw_error, const std::vector<std::string>& fw_log,
                             const std::optional<StartReply>& start, const std::optional<FakeInstance>& after,
                             int stops = 0);
// The load command stopped `stops` times and the instance is still running/attached: nothing written.
std::string stop_ineffective_reply(int stops, const FakeInstance& after, const std::string& stop_error = "",
                                   const std::vector<std::string>& stop_log = {});
std::string verify_reply(const FakeInstance& i, const std::vector<std::string>& log, int ttys);
std::string checksum_reply(bool exists, std::uint64_t size = 0, const std::string& sha = "");
// Replies of remote::commit_upload_command (check the temporary file, then rename or remove it).
std::string commit_renamed_reply(std::uint64_t size, const std::string& sha);
std::string commit_mismatch_reply(std::uint64_t size, const std::string& sha, const std::string& rm_error = "");
std::string commit_mv_failed_reply(std::uint64_t size, const std::string& sha, const std::string& mv_error,
                                   const std::string& rm_error = "");
std::string commit_missing_reply();

}  // namespace stm32mp::testing
