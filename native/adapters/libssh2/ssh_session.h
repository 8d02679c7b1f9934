#pragma once
// One libssh2 session in non-blocking mode over a connected TCP stream. libssh2 1.10's own timeouts
// have 1-second granularity and a fixed 60 s packet timeout, so every call runs non-blocking and each
// wait is a poll on the socket for at most Deadline::kCancelPollSlice: a cancel is seen within one slice.
#include <libssh2.h>

#include <memory>
#include <optional>
#include <string>

#include "adapters/libssh2/banner_watch.h"
#include "core/cancellation.h"
#include "core/expected.h"
#include "ports/network.h"

namespace stm32mp::adapters::libssh2 {

// Why a pumped call stopped before libssh2 gave a result.
enum class Interrupt { timeout, cancelled };

// What libssh2's callbacks reach through the session's abstract pointer.
struct CallbackContext {
  void* keyboard_interactive = nullptr;  // the keyboard-interactive answers while that login runs
  // The bounds of the call being pumped: the receive callback stops reading past them, so that a call
  // libssh2 never returns from while bytes keep coming (the banner loop) still ends in time.
  const core::Deadline* deadline = nullptr;
  const core::CancelToken* cancel = nullptr;
  BannerWatch banner;
};

class SshSession {
 public:
  // libssh2's callbacks (receive, keyboard-interactive) get callbacks() through libssh2_session_abstract.
  explicit SshSession(std::shared_ptr<ports::TcpStream> stream);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  [[nodiscard]] bool valid() const { return session_ != nullptr; }
  [[nodiscard]] LIBSSH2_SESSION* get() const { return session_; }
  [[nodiscard]] libssh2_socket_t socket() const { return static_cast<libssh2_socket_t>(stream_->native_handle()); }

  // Calls `op` until it returns something other than LIBSSH2_ERROR_EAGAIN, polling the socket in
  // the directions libssh2 is blocked on between calls. An interrupt leaves libssh2's state machine
  // for that call half-way, so the session is marked broken: later calls fail fast.
  template <class Op>
  [[nodiscard]] core::expected<long long, Interrupt> pump(Op&& op, const core::Deadline& deadline,
                                                          const core::CancelToken& cancel) {
    const Bounds bounds(*context_, deadline, cancel);
    for (;;) {
      const auto rc = static_cast<long long>(op());
      if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
      if (const auto stop = wait(deadline, cancel)) {
        mark_broken(*stop == Interrupt::cancelled ? "cancelled in the middle of an SSH operation"
                                                  : "timed out in the middle of an SSH operation");
        return core::unexpected{*stop};
      }
    }
  }

  // libssh2's text for its last error ("" when none).
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] int last_errno() const;

  void mark_broken(std::string why);
  [[nodiscard]] bool broken() const { return broken_; }
  [[nodiscard]] const std::string& broken_reason() const { return broken_reason_; }

  // Sends a keepalive when one is due (only between operations: libssh2 keeps no partial packet then).
  void keepalive();

  // One wait slice on the socket; an interrupt when the deadline passed or the run was cancelled.
  [[nodiscard]] std::optional<Interrupt> wait(const core::Deadline& deadline, const core::CancelToken& cancel);

  [[nodiscard]] CallbackContext& callbacks() { return *context_; }
  // Why the transport ended, when it knows (a proxy program that exited); "" otherwise.
  [[nodiscard]] std::string end_reason() const { return stream_->end_reason(); }

 private:
  // Gives the receive callback the bounds of one pumped call, and takes them back after it.
  struct Bounds {
    CallbackContext& c;
    const core::Deadline* deadline;
    const core::CancelToken* cancel;
    Bounds(CallbackContext& ctx, const core::Deadline& d, const core::CancelToken& k)
        : c(ctx), deadline(ctx.deadline), cancel(ctx.cancel) {
      c.deadline = &d;
      c.cancel = &k;
    }
    ~Bounds() {
      c.deadline = deadline;
      c.cancel = cancel;
    }
    Bounds(const Bounds&) = delete;
    Bounds& operator=(const Bounds&) = delete;
  };

  std::unique_ptr<CallbackContext> context_ = std::make_unique<CallbackContext>();  // stable address for libssh2
  std::shared_ptr<ports::TcpStream> stream_;
  LIBSSH2_SESSION* session_ = nullptr;
  bool broken_ = false;
  std::string broken_reason_;
};

// True for the libssh2 errors that mean the transport is gone (link cut, server killed).
[[nodiscard]] bool is_transport_error(long long rc);

}  // namespace stm32mp::adapters::libssh2
