#include "adapters/libssh2/ssh_session.h"

#include <cerrno>
#include <mutex>

#ifdef _WIN32
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

namespace stm32mp::adapters::libssh2 {
namespace {

void init_library_once() {
  // libssh2_init is not thread-safe; the JNI bridge may start runs from several threads.
  static std::once_flag once;
  std::call_once(once, [] { (void)libssh2_init(0); });
}

constexpr int kKeepaliveSeconds = 10;

// libssh2's socket reads, bounded: past the pumped call's deadline or after a cancel nothing more is
// read ("try again", so the pump's own wait reports the interrupt), and bytes before the SSH banner are
// counted so that a server flooding lines ends the handshake instead of keeping it busy for ever.
ssize_t bounded_recv(libssh2_socket_t socket, void* buffer, std::size_t length, int flags, void** abstract) {
  auto* ctx = static_cast<CallbackContext*>(*abstract);
  if ((ctx->cancel != nullptr && ctx->cancel->cancelled()) || (ctx->deadline != nullptr && ctx->deadline->expired())) {
    return -EAGAIN;
  }
  if (ctx->banner.flooded()) return -ECONNABORTED;
#ifdef _WIN32
  const int n = ::recv(socket, static_cast<char*>(buffer), static_cast<int>(length), flags);
  if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK ? -EAGAIN : -ECONNRESET;
#else
  const ssize_t n = ::recv(socket, buffer, length, flags);
  if (n < 0) return -errno;
#endif
  if (n > 0 && !ctx->banner.banner_seen()) (void)ctx->banner.feed(static_cast<const unsigned char*>(buffer), static_cast<std::size_t>(n));
  return n;
}

}  // namespace

SshSession::SshSession(std::shared_ptr<ports::TcpStream> stream) : stream_(std::move(stream)) {
  init_library_once();
  session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, context_.get());
  if (session_ == nullptr) return;
  libssh2_session_callback_set(session_, LIBSSH2_CALLBACK_RECV, reinterpret_cast<void*>(&bounded_recv));
  libssh2_session_set_blocking(session_, 0);
  // Non-blocking sessions must send keepalives themselves (keepalive()); want_reply so that a dead
  // peer shows up as a send/receive error instead of silence.
  libssh2_keepalive_config(session_, 1, kKeepaliveSeconds);
}

SshSession::~SshSession() {
  if (session_ == nullptr) return;
  if (!broken_) {
    // A polite goodbye, bounded: the destructor must never hang on a dead link.
    const core::CancelToken never;
    const core::Deadline soon(core::Millis{300});
    (void)pump([&] { return libssh2_session_disconnect_ex(session_, SSH_DISCONNECT_BY_APPLICATION, "bye", ""); },
               soon, never);
  }
  // With the socket shut down every send libssh2_session_free still attempts fails at once.
  stream_->shutdown();
  for (int i = 0; i < 50 && libssh2_session_free(session_) == LIBSSH2_ERROR_EAGAIN; ++i) {
  }
}

std::string SshSession::last_error() const {
  if (session_ == nullptr) return "libssh2 session could not be created";
  char* msg = nullptr;
  int len = 0;
  (void)libssh2_session_last_error(session_, &msg, &len, 0);
  return msg != nullptr ? std::string(msg, static_cast<std::size_t>(len)) : std::string();
}

int SshSession::last_errno() const { return session_ == nullptr ? 0 : libssh2_session_last_errno(session_); }

void SshSession::mark_broken(std::string why) {
  if (broken_) return;
  broken_reason_ = std::move(why);
  broken_ = true;
  // Never used again: its unsent bytes are dropped at once instead of draining over the link.
  stream_->abort();
}

void SshSession::keepalive() {
  if (session_ == nullptr || broken_) return;
  int next = 0;
  if (libssh2_keepalive_send(session_, &next) == LIBSSH2_ERROR_SOCKET_SEND) mark_broken("the connection to the board is gone");
}

std::optional<Interrupt> SshSession::wait(const core::Deadline& deadline, const core::CancelToken& cancel) {
  if (cancel.cancelled()) return Interrupt::cancelled;
  if (deadline.expired()) return Interrupt::timeout;
  const int dirs = libssh2_session_block_directions(session_);
  bool want_read = (dirs & LIBSSH2_SESSION_BLOCK_INBOUND) != 0;
  const bool want_write = (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0;
  if (!want_read && !want_write) want_read = true;
  (void)stream_->wait(want_read, want_write, deadline.slice());
  if (cancel.cancelled()) return Interrupt::cancelled;
  return std::nullopt;
}

bool is_transport_error(long long rc) {
  switch (rc) {
    case LIBSSH2_ERROR_SOCKET_NONE:
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_BANNER_SEND:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_BAD_SOCKET:
      return true;
    default:
      return false;
  }
}

}  // namespace stm32mp::adapters::libssh2
