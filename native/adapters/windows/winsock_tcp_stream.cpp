#include "adapters/windows/winsock_tcp_stream.h"

#include <mutex>

namespace stm32mp::adapters::windows {

void ensure_winsock() {
  static std::once_flag once;
  std::call_once(once, [] {
    WSADATA data{};
    (void)WSAStartup(MAKEWORD(2, 2), &data);  // a failure shows in the first socket() call
  });
}

WinsockTcpStream::~WinsockTcpStream() {
  if (socket_ != INVALID_SOCKET) ::closesocket(socket_);
}

bool WinsockTcpStream::wait(bool want_read, bool want_write, core::Millis timeout) {
  // select, not WSAPoll: WSAPoll misses a failed non-blocking connect on older Windows 10 builds.
  fd_set readable, writable, failed;
  FD_ZERO(&readable);
  FD_ZERO(&writable);
  FD_ZERO(&failed);
  if (want_read) FD_SET(socket_, &readable);
  if (want_write) FD_SET(socket_, &writable);
  FD_SET(socket_, &failed);
  timeval tv{static_cast<long>(timeout.count() / 1000), static_cast<long>((timeout.count() % 1000) * 1000)};
  return ::select(0, &readable, &writable, &failed, &tv) > 0;
}

void WinsockTcpStream::shutdown() {
  if (socket_ != INVALID_SOCKET) ::shutdown(socket_, SD_BOTH);
}

}  // namespace stm32mp::adapters::windows
