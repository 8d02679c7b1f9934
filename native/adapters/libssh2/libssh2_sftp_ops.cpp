// The SFTP half of Libssh2BoardSession: uploads, stat, remove (starting SFTP: libssh2_sftp_start.cpp).
#include <algorithm>
#include <cstring>
#include <vector>

#include "adapters/libssh2/board_session_detail.h"
#include "adapters/libssh2/libssh2_board_session.h"

namespace stm32mp::adapters::libssh2 {
namespace {

using Kind = ports::RemoteError::Kind;
using ports::RemoteError;

// libssh2 1.10 splits one sftp_write into 30000-byte SFTP packets, sends them all and returns when the
// first is acknowledged; the caller slides its buffer by the acknowledged count. A window of 35
// packets (~1 MiB) keeps enough writes outstanding to fill a link (libssh2's src/sftp.c, sftp_write).
constexpr std::size_t kSftpPacket = 30000;
constexpr std::size_t kUploadWindow = 35 * kSftpPacket;

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

RemoteError Libssh2BoardSession::sftp_error(long long rc, const std::string& what, const std::string& path,
                                            std::uint64_t bytes_needed, const core::Deadline& deadline,
                                            const core::CancelToken& cancel) {
  if (rc != LIBSSH2_ERROR_SFTP_PROTOCOL) return library_error(rc, what);
  const unsigned long status = libssh2_sftp_last_error(sftp_);
  switch (status) {
    case LIBSSH2_FX_NO_SUCH_FILE:
    case LIBSSH2_FX_NO_SUCH_PATH:
      return {Kind::no_such_file, what + ": no such file or directory: " + path};
    // The kind says what happened; the message only where (every report names the kind once).
    case LIBSSH2_FX_PERMISSION_DENIED:
      return {Kind::permission_denied, what};
    case LIBSSH2_FX_WRITE_PROTECT:
      return {Kind::read_only, what};
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
    case LIBSSH2_FX_QUOTA_EXCEEDED:
      return {Kind::no_space, what};
    case LIBSSH2_FX_FAILURE:
      break;
    default:
      return {Kind::failure, what + ": SFTP status " + std::to_string(status) + " for " + path};
  }
  // SSH_FX_FAILURE: OpenSSH's sftp-server maps every errno it has no SFTP v3 status for (ENOSPC, EROFS,
  // EDQUOT, EIO …) to FAILURE. Ask the file system what it is.
  const std::string dir = parent_dir(path);
  LIBSSH2_SFTP_STATVFS st{};
  const auto probe = ssh_->pump(
      [&] { return libssh2_sftp_statvfs(sftp_, dir.c_str(), dir.size(), &st); }, deadline, cancel);
  if (!probe) return interrupted(probe.error(), what);
  if (probe.value() != 0) return {Kind::failure, what + ": the board's SFTP server reported a failure for " + path};
  const std::uint64_t free_bytes = st.f_bavail * st.f_frsize;
  if ((st.f_flag & LIBSSH2_SFTP_ST_RDONLY) != 0) {
    return {Kind::read_only, what + ": the file system holding " + dir + " is mounted read-only"};
  }
  if (free_bytes < std::max<std::uint64_t>(bytes_needed, st.f_frsize)) {
    return {Kind::no_space, what + ": the file system holding " + dir + " has " + std::to_string(free_bytes) +
                                " bytes free, " + std::to_string(bytes_needed) + " more needed"};
  }
  return {Kind::failure, what + ": the board's SFTP server reported a failure for " + path + " (" +
                             std::to_string(free_bytes) + " bytes free, not read-only)"};
}

std::optional<RemoteError> Libssh2BoardSession::upload(const std::string& local_path, const std::string& remote_path,
                                                      const ports::UploadProgress& progress,
                                                      const core::Deadline& deadline, const core::CancelToken& cancel) {
  if (auto e = usable()) return e;
  auto local = detail::open_local(local_path);
  if (!local) return local.error();
  const std::uint64_t total = local->size;

  ssh_->keepalive();
  if (auto e = ensure_sftp(deadline, cancel)) return e;

  LIBSSH2_SFTP_HANDLE* handle = nullptr;
  const auto opened = ssh_->pump(
      [&] {
        handle = libssh2_sftp_open_ex(sftp_, remote_path.c_str(), static_cast<unsigned>(remote_path.size()),
                                      LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC, 0644,
                                      LIBSSH2_SFTP_OPENFILE);
        if (handle != nullptr) return 0;
        const int e = ssh_->last_errno();
        return e == 0 ? LIBSSH2_ERROR_SFTP_PROTOCOL : e;
      },
      deadline, cancel);
  if (!opened) return interrupted(opened.error(), "creating " + remote_path);
  if (opened.value() != 0) return sftp_error(opened.value(), "creating " + remote_path, remote_path, total, deadline, cancel);

  auto error = upload_open(handle, local->file.get(), total, remote_path, progress, deadline, cancel);
  if (ssh_->broken()) return error;  // the handle dies with the session
  // Close even after an error so the server releases the file; a close error matters only when all
  // else went well (a delayed ENOSPC can surface here).
  const auto closed = ssh_->pump([&] { return libssh2_sftp_close_handle(handle); },
                                 error ? deadline.within(core::Millis{1000}) : deadline, cancel);
  if (error) return error;
  if (!closed) return interrupted(closed.error(), "closing " + remote_path);
  if (closed.value() != 0) return sftp_error(closed.value(), "closing " + remote_path, remote_path, 0, deadline, cancel);
  if (fsync_unsupported_) {
    // The server lacks fsync@openssh.com (Dropbear, OpenSSH < 6.3): flush the whole file system instead.
    auto synced = exec("sync", deadline, cancel);
    if (!synced) return synced.error();
  }
  return std::nullopt;
}

std::optional<RemoteError> Libssh2BoardSession::upload_open(LIBSSH2_SFTP_HANDLE* handle, std::FILE* local,
                                                           std::uint64_t total, const std::string& remote_path,
                                                           const ports::UploadProgress& progress,
                                                           const core::Deadline& deadline,
                                                           const core::CancelToken& cancel) {
  // window[begin, end) holds the bytes from the first unacknowledged one on; libssh2 remembers which of
  // them it already queued and skips those, so only new bytes are appended behind them.
  std::vector<char> window(2 * kUploadWindow);
  std::size_t begin = 0;
  std::size_t end = 0;
  std::uint64_t acked = 0;
  bool eof = false;
  if (progress) progress(0, total);
  while (acked < total) {
    if (!eof && end - begin < kUploadWindow) {
      if (begin > 0) {
        std::memmove(window.data(), window.data() + begin, end - begin);
        end -= begin;
        begin = 0;
      }
      const std::size_t want = kUploadWindow - end;
      const std::size_t got = std::fread(window.data() + end, 1, want, local);
      end += got;
      if (got < want) {
        if (std::ferror(local) != 0) return RemoteError{Kind::failure, "reading the local image failed"};
        eof = true;
      }
    }
    if (end == begin) return RemoteError{Kind::failure, "the local image shrank while it was uploaded"};
    const auto written = ssh_->pump([&] { return libssh2_sftp_write(handle, window.data() + begin, end - begin); },
                                    deadline, cancel);
    if (!written) return interrupted(written.error(), "writing " + remote_path);
    if (written.value() < 0) {
      return sftp_error(written.value(), "writing " + remote_path, remote_path, total - acked, deadline, cancel);
    }
    begin += static_cast<std::size_t>(written.value());
    acked += static_cast<std::uint64_t>(written.value());
    if (progress && written.value() > 0) progress(acked, total);
  }
  const auto synced = ssh_->pump([&] { return libssh2_sftp_fsync(handle); }, deadline, cancel);
  if (!synced) return interrupted(synced.error(), "syncing " + remote_path);
  if (synced.value() != 0) {
    if (synced.value() == LIBSSH2_ERROR_SFTP_PROTOCOL && libssh2_sftp_last_error(sftp_) == LIBSSH2_FX_OP_UNSUPPORTED) {
      fsync_unsupported_ = true;
    } else {
      return sftp_error(synced.value(), "syncing " + remote_path, remote_path, 0, deadline, cancel);
    }
  }
  return std::nullopt;
}

core::expected<ports::RemoteFileInfo, RemoteError> Libssh2BoardSession::stat(const std::string& remote_path,
                                                                             const core::Deadline& deadline,
                                                                             const core::CancelToken& cancel) {
  if (auto e = usable()) return core::unexpected{*e};
  ssh_->keepalive();
  if (auto e = ensure_sftp(deadline, cancel)) return core::unexpected{*e};
  LIBSSH2_SFTP_ATTRIBUTES attrs{};
  const auto rc = ssh_->pump(
      [&] {
        return libssh2_sftp_stat_ex(sftp_, remote_path.c_str(), static_cast<unsigned>(remote_path.size()),
                                    LIBSSH2_SFTP_STAT, &attrs);
      },
      deadline, cancel);
  if (!rc) return core::unexpected{interrupted(rc.error(), "reading the attributes of " + remote_path)};
  if (rc.value() != 0) {
    return core::unexpected{sftp_error(rc.value(), "reading the attributes of " + remote_path, remote_path, 0, deadline, cancel)};
  }
  ports::RemoteFileInfo info;
  info.size = (attrs.flags & LIBSSH2_SFTP_ATTR_SIZE) != 0 ? attrs.filesize : 0;
  info.permissions = (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) != 0 ? static_cast<std::uint32_t>(attrs.permissions) : 0;
  return info;
}

std::optional<RemoteError> Libssh2BoardSession::remove(const std::string& remote_path, const core::Deadline& deadline,
                                                      const core::CancelToken& cancel) {
  if (auto e = usable()) return e;
  ssh_->keepalive();
  if (auto e = ensure_sftp(deadline, cancel)) return e;
  const auto rc = ssh_->pump(
      [&] { return libssh2_sftp_unlink_ex(sftp_, remote_path.c_str(), static_cast<unsigned>(remote_path.size())); },
      deadline, cancel);
  if (!rc) return interrupted(rc.error(), "removing " + remote_path);
  if (rc.value() != 0) return sftp_error(rc.value(), "removing " + remote_path, remote_path, 0, deadline, cancel);
  return std::nullopt;
}

}  // namespace stm32mp::adapters::libssh2
