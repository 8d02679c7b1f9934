#include "adapters/posix/posix_tcp_stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace stm32mp::adapters::posix {

PosixTcpStream::~PosixTcpStream() {
  if (fd_ >= 0) ::close(fd_);
}

bool PosixTcpStream::wait(bool want_read, bool want_write, core::Millis timeout) {
  pollfd p{};
  p.fd = fd_;
  p.events = static_cast<short>((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0));
  // EINTR counts as a spurious wake-up: the caller re-checks its deadline and cancel token anyway.
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

void PosixTcpStream::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void PosixTcpStream::abort() {
  if (fd_ < 0) return;
  // connect(2) to AF_UNSPEC dissolves a TCP connection on Linux (tcp_disconnect): a reset is sent and
  // the send queue is purged, while the descriptor stays open, so its number is never reused under
  // libssh2. Elsewhere it may fail; the shutdown still ends the session.
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  (void)::connect(fd_, &unspec, sizeof unspec);
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace stm32mp::adapters::posix
