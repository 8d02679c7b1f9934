#pragma once
// One authenticated connection to Linux on the board (SSH exec + SFTP), as the remote steps see it.
// The libssh2 adapter (native/adapters/libssh2/) implements it; unit tests use fakes. Every call
// takes a deadline and the run's cancel token and returns within Deadline::kCancelPollSlice of either.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"

namespace stm32mp::ports {

struct RemoteError {
  enum class Kind {
    timeout,            // the deadline passed
    cancelled,          // the cancel token was set
    disconnected,       // the connection dropped (link cut, server killed)
    no_space,           // ENOSPC / SSH_FX_FAILURE on write with a full file system
    read_only,          // EROFS
    permission_denied,  // EACCES / SSH_FX_PERMISSION_DENIED
    no_such_file,       // ENOENT / SSH_FX_NO_SUCH_FILE
    no_sftp,            // the server has no SFTP subsystem (refused, or its SFTP server exited at once)
    failure,            // anything else the server reported
  };
  Kind kind = Kind::failure;
  std::string message;  // what the library / server said, for the observed facts
  // exec only: what the command had printed on stdout before the failure. A command that goes on after its first
  // part (the upload's check and rename, then the load) has said how that part ended even when the rest is lost.
  std::string partial_out = {};
};

struct ExecResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

struct RemoteFileInfo {
  std::uint64_t size = 0;
  std::uint32_t permissions = 0;
};

using UploadProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

class BoardSession {
 public:
  virtual ~BoardSession() = default;

  // Runs a fixed command. Callers never splice unquoted user input into it (see shell_quote).
  [[nodiscard]] virtual core::expected<ExecResult, RemoteError> exec(const std::string& command,
                                                                     const core::Deadline& deadline,
                                                                     const core::CancelToken& cancel) = 0;

  // Writes local_path to exactly remote_path over SFTP (created or truncated, mode 0644), then fsyncs it.
  [[nodiscard]] virtual std::optional<RemoteError> upload(const std::string& local_path, const std::string& remote_path,
                                                          const UploadProgress& progress, const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) = 0;

  // Runs a fixed command whose stdin carries `header`, then the bytes of `local_path` (none when it is
  // empty), then end-of-file: the upload path of a board without SFTP, and the way a name reaches a
  // command without ever being part of it. `progress` counts the file's bytes only.
  [[nodiscard]] virtual core::expected<ExecResult, RemoteError> exec_with_input(
      const std::string& command, const std::string& header, const std::string& local_path,
      const UploadProgress& progress, const core::Deadline& deadline, const core::CancelToken& cancel) = 0;

  [[nodiscard]] virtual core::expected<RemoteFileInfo, RemoteError> stat(const std::string& remote_path,
                                                                         const core::Deadline& deadline,
                                                                         const core::CancelToken& cancel) = 0;

  [[nodiscard]] virtual std::optional<RemoteError> remove(const std::string& remote_path, const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) = 0;

  // Atomically replaces `to` by `from` (POSIX rename semantics, overwriting).
  [[nodiscard]] virtual std::optional<RemoteError> rename(const std::string& from, const std::string& to,
                                                          const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) = 0;
};

// Single-quotes `text` for a POSIX shell ('it'\''s'), so that any byte sequence reaches the remote
// command as one literal word.
[[nodiscard]] std::string shell_quote(const std::string& text);

// A shell tool's error text on the board (run with LC_ALL=C, e.g. mv's stderr) → the kind the upload step
// diagnoses: read-only, no space, permission denied, no such file, else failure.
[[nodiscard]] RemoteError::Kind kind_from_shell_error(const std::string& text);

}  // namespace stm32mp::ports
