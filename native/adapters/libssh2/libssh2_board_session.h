#pragma once
#include <libssh2.h>
#include <libssh2_sftp.h>

#include <memory>

#include "adapters/libssh2/ssh_session.h"
#include "ports/board_session.h"

namespace stm32mp::adapters::libssh2 {

namespace detail {
struct ChannelGuard;
}

// The BoardSession of a run: one authenticated libssh2 session, one SFTP channel opened on first use
// and reused by every remote step. Not thread-safe (the runner calls it from one thread); the cancel
// token may be set from any thread. After a timeout or cancel in the middle of an operation the
// session is broken and every later call fails fast with Kind::disconnected.
class Libssh2BoardSession final : public ports::BoardSession {
 public:
  explicit Libssh2BoardSession(std::unique_ptr<SshSession> ssh);
  ~Libssh2BoardSession() override;
  Libssh2BoardSession(const Libssh2BoardSession&) = delete;
  Libssh2BoardSession& operator=(const Libssh2BoardSession&) = delete;

  [[nodiscard]] core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string& command,
                                                                           const core::Deadline& deadline,
                                                                           const core::CancelToken& cancel) override;
  [[nodiscard]] std::optional<ports::RemoteError> upload(const std::string& local_path, const std::string& remote_path,
                                                         const ports::UploadProgress& progress,
                                                         const core::Deadline& deadline,
                                                         const core::CancelToken& cancel) override;
  [[nodiscard]] core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(
      const std::string& command, const std::string& header, const std::string& local_path,
      const ports::UploadProgress& progress, const core::Deadline& deadline, const core::CancelToken& cancel) override;
  [[nodiscard]] core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string& remote_path,
                                                                               const core::Deadline& deadline,
                                                                               const core::CancelToken& cancel) override;
  [[nodiscard]] std::optional<ports::RemoteError> remove(const std::string& remote_path, const core::Deadline& deadline,
                                                         const core::CancelToken& cancel) override;
  [[nodiscard]] std::optional<ports::RemoteError> rename(const std::string& from, const std::string& to,
                                                         const core::Deadline& deadline,
                                                         const core::CancelToken& cancel) override;

  // True once an upload found that the server lacks fsync@openssh.com (then `sync` is run instead).
  [[nodiscard]] bool fsync_unsupported() const { return fsync_unsupported_; }

 private:
  [[nodiscard]] std::optional<ports::RemoteError> usable() const;
  [[nodiscard]] std::optional<ports::RemoteError> ensure_sftp(const core::Deadline& deadline,
                                                              const core::CancelToken& cancel);
  // Starts the sftp subsystem on a channel of our own and waits for SSH_FXP_VERSION. libssh2 1.10's
  // sftp_init never notices that the channel closed (Dropbear without /usr/lib/sftp-server: the shell
  // exits 127) and returns "again" until the deadline; here a closed channel ends the wait at once.
  [[nodiscard]] std::optional<ports::RemoteError> probe_sftp(const core::Deadline& deadline,
                                                             const core::CancelToken& cancel);
  // Ends the probe's channel in full (see the .cpp) and frees it.
  [[nodiscard]] std::optional<ports::RemoteError> end_probe(LIBSSH2_CHANNEL* ch, detail::ChannelGuard& guard,
                                                            const core::Deadline& deadline,
                                                            const core::CancelToken& cancel);
  // Opens a session channel and starts `command` on it; the caller frees the channel (ChannelGuard).
  [[nodiscard]] core::expected<LIBSSH2_CHANNEL*, ports::RemoteError> start_command(const std::string& command,
                                                                                  const core::Deadline& deadline,
                                                                                  const core::CancelToken& cancel);
  // Reads what is available on stdout/stderr without waiting; true when something arrived.
  [[nodiscard]] core::expected<bool, ports::RemoteError> read_available(LIBSSH2_CHANNEL* ch, ports::ExecResult& result);
  // Reads until end-of-file, closes the channel and fills in the exit status.
  [[nodiscard]] std::optional<ports::RemoteError> finish_command(LIBSSH2_CHANNEL* ch, ports::ExecResult& result,
                                                                 const core::Deadline& deadline,
                                                                 const core::CancelToken& cancel);
  [[nodiscard]] ports::RemoteError interrupted(Interrupt why, const std::string& what) const;
  [[nodiscard]] ports::RemoteError library_error(long long rc, const std::string& what);
  // Maps the SFTP status of a failed request on `path`. OpenSSH's sftp-server reports ENOSPC and EROFS
  // both as SSH_FX_FAILURE, so a FAILURE is told apart by a statvfs of the file's directory.
  [[nodiscard]] ports::RemoteError sftp_error(long long rc, const std::string& what, const std::string& path,
                                              std::uint64_t bytes_needed, const core::Deadline& deadline,
                                              const core::CancelToken& cancel);
  [[nodiscard]] std::optional<ports::RemoteError> upload_open(LIBSSH2_SFTP_HANDLE* handle, std::FILE* local,
                                                              std::uint64_t total, const std::string& remote_path,
                                                              const ports::UploadProgress& progress,
                                                              const core::Deadline& deadline,
                                                              const core::CancelToken& cancel);

  std::unique_ptr<SshSession> ssh_;
  LIBSSH2_SFTP* sftp_ = nullptr;
  std::optional<ports::RemoteError> no_sftp_;  // remembered: every later SFTP call fails at once
  bool fsync_unsupported_ = false;
};

}  // namespace stm32mp::adapters::libssh2
