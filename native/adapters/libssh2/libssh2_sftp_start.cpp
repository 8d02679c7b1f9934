// Starting SFTP on a Libssh2BoardSession: a probe of the subsystem on a channel of our own (libssh2 1.10
// cannot tell a missing SFTP program from a slow one), then libssh2's own SFTP channel.
#include "adapters/libssh2/board_session_detail.h"
#include "adapters/libssh2/libssh2_board_session.h"

namespace stm32mp::adapters::libssh2 {

using Kind = ports::RemoteError::Kind;
using ports::RemoteError;

std::optional<RemoteError> Libssh2BoardSession::probe_sftp(const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) {
  LIBSSH2_CHANNEL* ch = nullptr;
  auto rc = ssh_->pump(
      [&] {
        ch = libssh2_channel_open_session(ssh_->get());
        if (ch != nullptr) return 0;
        const int e = ssh_->last_errno();
        return e == 0 ? LIBSSH2_ERROR_CHANNEL_FAILURE : e;
      },
      deadline, cancel);
  if (!rc) return interrupted(rc.error(), "starting SFTP");
  if (rc.value() != 0) return library_error(rc.value(), "starting SFTP");
  detail::ChannelGuard guard{*ssh_, ch};

  rc = ssh_->pump([&] { return libssh2_channel_subsystem(ch, "sftp"); }, deadline, cancel);
  if (!rc) return interrupted(rc.error(), "starting SFTP");
  if (rc.value() == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED) {
    return RemoteError{Kind::no_sftp, "the server refused to start its 'sftp' subsystem"};
  }
  if (rc.value() != 0) return library_error(rc.value(), "starting SFTP");

  // SSH_FXP_INIT, version 3: the server's sftp program answers with SSH_FXP_VERSION (type 2).
  static constexpr char kInit[] = {0, 0, 0, 5, 1, 0, 0, 0, 3};
  std::size_t written = 0;
  while (written < sizeof kInit) {
    rc = ssh_->pump([&] { return libssh2_channel_write(ch, kInit + written, sizeof kInit - written); }, deadline, cancel);
    if (!rc) return interrupted(rc.error(), "starting SFTP");
    if (rc.value() < 0) break;  // closed already: the reason is read below
    written += static_cast<std::size_t>(rc.value());
  }
  ports::ExecResult reply;
  for (;;) {
    auto got = read_available(ch, reply);
    if (!got) return got.error();
    if (reply.out.size() >= 5) {
      if (reply.out[4] == 2) return end_probe(ch, guard, deadline, cancel);
      return RemoteError{Kind::failure, "starting SFTP: the server's SFTP program answered with packet type " +
                                            std::to_string(static_cast<unsigned char>(reply.out[4])) + ", not a version"};
    }
    if (libssh2_channel_eof(ch) != 0) break;
    if (*got) continue;
    if (const auto stop = ssh_->wait(deadline, cancel)) {
      ssh_->mark_broken("interrupted while SFTP started");
      return interrupted(*stop, "starting SFTP");
    }
  }
  // The channel ended before a version arrived: the subsystem was accepted but its program is missing
  // or exited. Collect its exit status and complaint (bounded: the channel is closing anyway).
  (void)finish_command(ch, reply, deadline.within(core::Millis{1000}), cancel);
  std::string complaint = reply.err;
  while (!complaint.empty() && (complaint.back() == '\n' || complaint.back() == '\r')) complaint.pop_back();
  std::string message = "the server accepted the 'sftp' subsystem request but its SFTP program ended at once";
  if (reply.exit_status >= 0) message += " (exit status " + std::to_string(reply.exit_status) + ")";
  if (!complaint.empty()) message += ": " + complaint.substr(0, 300);
  return RemoteError{Kind::no_sftp, message};
}

// The probe's channel is ended in full before libssh2 opens the real SFTP channel: end of input, so the
// server's SFTP program exits, then the server's exit status, EOF and CLOSE. libssh2 1.10's channel_free
// returns on the first packet it reads, not on the server's CLOSE; Dropbear 2022.83, sent a new channel
// while it still ends the old one, closes the new one at once, and libssh2_sftp_init then waits for an
// answer that never comes (a 1-in-3 hang until the deadline on the simulated board).
std::optional<RemoteError> Libssh2BoardSession::end_probe(LIBSSH2_CHANNEL* ch, detail::ChannelGuard& guard,
                                                         const core::Deadline& deadline,
                                                         const core::CancelToken& cancel) {
  const auto eof = ssh_->pump([&] { return libssh2_channel_send_eof(ch); }, deadline, cancel);
  if (!eof) return interrupted(eof.error(), "starting SFTP");
  ports::ExecResult ended;
  if (auto e = finish_command(ch, ended, deadline, cancel)) return e;
  // Freed within the caller's deadline: the guard's short budget is for error paths.
  const auto freed = ssh_->pump([&] { return libssh2_channel_free(ch); }, deadline, cancel);
  guard.ch = nullptr;
  if (!freed) return interrupted(freed.error(), "starting SFTP");
  return std::nullopt;
}

std::optional<RemoteError> Libssh2BoardSession::ensure_sftp(const core::Deadline& deadline,
                                                           const core::CancelToken& cancel) {
  if (sftp_ != nullptr) return std::nullopt;
  if (no_sftp_) return no_sftp_;
  if (auto e = probe_sftp(deadline, cancel)) {
    if (e->kind == Kind::no_sftp) no_sftp_ = e;
    return e;
  }
  const auto rc = ssh_->pump(
      [&] {
        sftp_ = libssh2_sftp_init(ssh_->get());
        if (sftp_ != nullptr) return 0;
        const int e = ssh_->last_errno();
        return e == 0 ? LIBSSH2_ERROR_CHANNEL_FAILURE : e;
      },
      deadline, cancel);
  if (!rc) return interrupted(rc.error(), "starting SFTP");
  if (rc.value() != 0) return library_error(rc.value(), "starting SFTP");
  return std::nullopt;
}

}  // namespace stm32mp::adapters::libssh2
