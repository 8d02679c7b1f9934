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

}  // namespace stm32mp::adapters::posix
