#include "adapters/libssh2/libssh2_board_session.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "adapters/libssh2/board_session_detail.h"
#include "ports/platform.h"

namespace stm32mp::adapters::libssh2 {
namespace {

using Kind = ports::RemoteError::Kind;
using ports::RemoteError;

constexpr std::size_t kMaxExecOutput = 16u << 20;  // a runaway command must not exhaust memory
// One write to an exec channel: libssh2 sends at most the peer's window and one packet (32 KiB) per
// call; a larger buffer only saves file reads.
constexpr std::size_t kExecChunk = 256u << 10;

// Shell convention (128 + n) for the signals a killed remote command usually reports.
int signal_exit_status(const std::string& name) {
  static const std::pair<const char*, int> kSignals[] = {{"HUP", 1},  {"INT", 2},   {"QUIT", 3}, {"ILL", 4},
                                                          {"ABRT", 6}, {"KILL", 9},  {"SEGV", 11}, {"PIPE", 13},
                                                          {"ALRM", 14}, {"TERM", 15}, {"BUS", 7}};
  for (const auto& [n, v] : kSignals) {
    if (name == n) return 128 + v;
  }
  return 255;
}

}  // namespace

namespace detail {

core::expected<LocalFile, RemoteError> open_local(const std::string& path) {
  LocalFile out;
  out.file.reset(ports::open_for_reading(path));  // UTF-8 names on Windows too
  if (!out.file) return core::unexpected{RemoteError{Kind::failure, "cannot read " + path + ": " + std::strerror(errno)}};
  if (std::fseek(out.file.get(), 0, SEEK_END) != 0) return core::unexpected{RemoteError{Kind::failure, "cannot size " + path}};
  const long size = std::ftell(out.file.get());
  if (size < 0) return core::unexpected{RemoteError{Kind::failure, "cannot size " + path}};
  std::rewind(out.file.get());
  out.size = static_cast<std::uint64_t>(size);
  return out;
}

}  // namespace detail

Libssh2BoardSession::Libssh2BoardSession(std::unique_ptr<SshSession> ssh) : ssh_(std::move(ssh)) {}

Libssh2BoardSession::~Libssh2BoardSession() {
  if (sftp_ != nullptr && !ssh_->broken()) {
    const core::CancelToken never;
    (void)ssh_->pump([&] { return libssh2_sftp_shutdown(sftp_); }, core::Deadline(core::Millis{300}), never);
  }
  // A broken session's SFTP structure is freed with the session (libssh2_session_free).
}

std::optional<RemoteError> Libssh2BoardSession::usable() const {
  if (ssh_ == nullptr || !ssh_->valid()) return RemoteError{Kind::disconnected, "no SSH session"};
  if (ssh_->broken()) return RemoteError{Kind::disconnected, "the SSH session is no longer usable: " + ssh_->broken_reason()};
  return std::nullopt;
}

RemoteError Libssh2BoardSession::interrupted(Interrupt why, const std::string& what) const {
  if (why == Interrupt::cancelled) return {Kind::cancelled, what + ": cancelled"};
  return {Kind::timeout, what + ": no answer from the board before the deadline"};
}

RemoteError Libssh2BoardSession::library_error(long long rc, const std::string& what) {
  std::string text = ssh_->last_error();
  if (is_transport_error(rc)) {
    ssh_->mark_broken("connection lost: " + text);
    const std::string proxy = ssh_->end_reason();
    return {Kind::disconnected,
            what + ": the connection to the board was lost (" + text + (proxy.empty() ? "" : "; " + proxy) + ")"};
  }
  return {Kind::failure, what + ": " + (text.empty() ? "libssh2 error " + std::to_string(rc) : text)};
}


core::expected<LIBSSH2_CHANNEL*, RemoteError> Libssh2BoardSession::start_command(const std::string& command,
                                                                              const core::Deadline& deadline,
                                                                              const core::CancelToken& cancel) {
  LIBSSH2_SESSION* s = ssh_->get();
  LIBSSH2_CHANNEL* ch = nullptr;
  auto rc = ssh_->pump(
      [&] {
        ch = libssh2_channel_open_session(s);
        if (ch != nullptr) return 0;
        const int e = ssh_->last_errno();
        return e == 0 ? LIBSSH2_ERROR_CHANNEL_FAILURE : e;
      },
      deadline, cancel);
  if (!rc) return core::unexpected{interrupted(rc.error(), "opening an SSH channel")};
  if (rc.value() != 0) return core::unexpected{library_error(rc.value(), "opening an SSH channel")};
  rc = ssh_->pump([&] { return libssh2_channel_exec(ch, command.c_str()); }, deadline, cancel);
  if (!rc || rc.value() != 0) {
    const detail::ChannelGuard guard{*ssh_, ch};
    if (!rc) return core::unexpected{interrupted(rc.error(), "starting the remote command")};
    return core::unexpected{library_error(rc.value(), "starting the remote command")};
  }
  return ch;
}

core::expected<bool, RemoteError> Libssh2BoardSession::read_available(LIBSSH2_CHANNEL* ch, ports::ExecResult& result) {
  std::vector<char> buf(32768);
  bool got_data = false;
  // Each read first moves whatever the socket holds into libssh2's packet queue, for either stream: the
  // stderr read can queue stdout's bytes and then say "try again". Waiting on the socket then would wait
  // for bytes already here (a Dropbear sftp-server's lone VERSION packet hung until the deadline). So
  // read until both streams are dry and nothing is queued for this channel.
  // (A second dry pass ends it even so: bytes of an extended stream other than stderr stay queued.)
  for (int dry_passes = 0;;) {
    bool pass_got_data = false;
    for (const int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
      std::string& sink = stream == 0 ? result.out : result.err;
      for (;;) {
        const auto n = libssh2_channel_read_ex(ch, stream, buf.data(), buf.size());
        if (n > 0) {
          pass_got_data = true;
          if (sink.size() < kMaxExecOutput) sink.append(buf.data(), static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) break;
        return core::unexpected{library_error(n, "reading the remote command's output")};
      }
    }
    got_data = got_data || pass_got_data;
    if (pass_got_data) {
      dry_passes = 0;
      continue;
    }
    unsigned long queued = 0;
    (void)libssh2_channel_window_read_ex(ch, &queued, nullptr);
    if (queued == 0 || ++dry_passes > 1) return got_data;
  }
}

std::optional<RemoteError> Libssh2BoardSession::finish_command(LIBSSH2_CHANNEL* ch, ports::ExecResult& result,
                                                              const core::Deadline& deadline,
                                                              const core::CancelToken& cancel) {
  for (;;) {
    auto got = read_available(ch, result);
    if (!got) return got.error();
    if (libssh2_channel_eof(ch) != 0) break;
    if (*got) continue;
    if (const auto stop = ssh_->wait(deadline, cancel)) {
      ssh_->mark_broken("interrupted while a remote command ran");
      return interrupted(*stop, "running the remote command");
    }
  }
  auto rc = ssh_->pump([&] { return libssh2_channel_close(ch); }, deadline, cancel);
  if (!rc) return interrupted(rc.error(), "closing the SSH channel");
  if (rc.value() != 0 && is_transport_error(rc.value())) return library_error(rc.value(), "closing the SSH channel");
  rc = ssh_->pump([&] { return libssh2_channel_wait_closed(ch); }, deadline, cancel);
  if (!rc) return interrupted(rc.error(), "closing the SSH channel");
  if (rc.value() != 0 && is_transport_error(rc.value())) return library_error(rc.value(), "closing the SSH channel");
  // libssh2 1.10 returns 0 also when no exit-status arrived; OpenSSH always sends exit-status or
  // exit-signal, and the exit-signal case is caught here.
  result.exit_status = libssh2_channel_get_exit_status(ch);
  char* signal_name = nullptr;
  std::size_t signal_len = 0;
  if (libssh2_channel_get_exit_signal(ch, &signal_name, &signal_len, nullptr, nullptr, nullptr, nullptr) == 0 &&
      signal_name != nullptr) {
    const std::string name(signal_name, signal_len);
    libssh2_free(ssh_->get(), signal_name);
    result.exit_status = signal_exit_status(name);
    result.err += "[remote command killed by signal " + name + "]\n";
  }
  return std::nullopt;
}

core::expected<ports::ExecResult, RemoteError> Libssh2BoardSession::exec(const std::string& command,
                                                                         const core::Deadline& deadline,
                                                                         const core::CancelToken& cancel) {
  if (auto e = usable()) return core::unexpected{*e};
  ssh_->keepalive();
  auto started = start_command(command, deadline, cancel);
  if (!started) return core::unexpected{started.error()};
  const detail::ChannelGuard guard{*ssh_, *started};
  // Commands that read stdin must see end-of-file, not wait for input that never comes.
  const auto rc = ssh_->pump([&] { return libssh2_channel_send_eof(*started); }, deadline, cancel);
  if (!rc) return core::unexpected{interrupted(rc.error(), "running the remote command")};
  ports::ExecResult result;
  if (auto e = finish_command(*started, result, deadline, cancel)) {
    e->partial_out = std::move(result.out);
    return core::unexpected{*e};
  }
  return result;
}

core::expected<ports::ExecResult, RemoteError> Libssh2BoardSession::exec_with_input(
    const std::string& command, const std::string& header, const std::string& local_path,
    const ports::UploadProgress& progress, const core::Deadline& deadline, const core::CancelToken& cancel) {
  if (auto e = usable()) return core::unexpected{*e};
  detail::LocalFile opened;
  if (!local_path.empty()) {
    auto file = detail::open_local(local_path);
    if (!file) return core::unexpected{file.error()};
    opened = std::move(*file);
  }
  std::FILE* const local = opened.file.get();
  const std::uint64_t total = opened.size;
  ssh_->keepalive();
  auto started = start_command(command, deadline, cancel);
  if (!started) return core::unexpected{started.error()};
  LIBSSH2_CHANNEL* ch = *started;
  const detail::ChannelGuard guard{*ssh_, ch};

  ports::ExecResult result;
  bool ended = false;  // the command closed its side before it read all its input
  // Writes all of [data, data+len) unless the command ends first; output is read between writes so
  // that a command that stopped reading (it could not create its file) ends the transfer at once.
  const auto send = [&](const char* data, std::size_t len) -> std::optional<RemoteError> {
    while (len > 0 && !ended) {
      auto got = read_available(ch, result);
      if (!got) return got.error();
      if (libssh2_channel_eof(ch) != 0) {
        ended = true;
        break;
      }
      const auto n = libssh2_channel_write(ch, data, len);
      if (n > 0) {
        data += n;
        len -= static_cast<std::size_t>(n);
        continue;
      }
      if (n == LIBSSH2_ERROR_CHANNEL_CLOSED || n == LIBSSH2_ERROR_CHANNEL_EOF_SENT) {
        ended = true;
        break;
      }
      if (n != LIBSSH2_ERROR_EAGAIN) return library_error(n, "sending the image to the remote command");
      if (const auto stop = ssh_->wait(deadline, cancel)) {
        ssh_->mark_broken(*stop == Interrupt::cancelled ? "cancelled while sending to a remote command"
                                                        : "timed out while sending to a remote command");
        return interrupted(*stop, "sending the image to the remote command");
      }
    }
    return std::nullopt;
  };
  if (auto e = send(header.data(), header.size())) return core::unexpected{*e};
  if (progress) progress(0, total);
  std::vector<char> chunk(kExecChunk);
  std::uint64_t sent = 0;
  while (local != nullptr && !ended && sent < total) {
    const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), local);
    if (got == 0) {
      ssh_->mark_broken("the local image could not be read during an upload");  // the command saw half of it
      return core::unexpected{RemoteError{Kind::failure, std::ferror(local) != 0
                                                             ? "reading the local image failed"
                                                             : "the local image shrank while it was uploaded"}};
    }
    if (auto e = send(chunk.data(), got)) return core::unexpected{*e};
    if (ended) break;
    sent += got;
    if (progress) progress(std::min(sent, total), total);
  }
  if (libssh2_channel_eof(ch) == 0) {
    const auto rc = ssh_->pump([&] { return libssh2_channel_send_eof(ch); }, deadline, cancel);
    if (!rc) return core::unexpected{interrupted(rc.error(), "ending the remote command's input")};
  }
  if (auto e = finish_command(ch, result, deadline, cancel)) return core::unexpected{*e};
  return result;
}

std::optional<RemoteError> Libssh2BoardSession::rename(const std::string& from, const std::string& to,
                                                      const core::Deadline& deadline, const core::CancelToken& cancel) {
  // Not SSH_FXP_RENAME: OpenSSH's sftp-server implements it with link()+unlink() and fails when `to`
  // exists (the overwrite flags are SFTP v5, ignored by a v3 server), and libssh2 1.10 has no
  // posix-rename@openssh.com (libssh2_sftp_posix_rename_ex arrived in 1.11.1). `mv -f` on one file
  // system is rename(2): atomic replacement. Both paths are shell-quoted; `--` stops option parsing.
  const std::string command = "LC_ALL=C mv -f -- " + ports::shell_quote(from) + " " + ports::shell_quote(to);
  auto ran = exec(command, deadline, cancel);
  if (!ran) return ran.error();
  if (ran.value().exit_status == 0) return std::nullopt;
  std::string text = ran.value().err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) text = "mv exited with status " + std::to_string(ran.value().exit_status);
  return RemoteError{ports::kind_from_shell_error(text), "renaming " + from + " to " + to + ": " + text};
}

}  // namespace stm32mp::adapters::libssh2
