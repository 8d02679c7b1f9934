#pragma once
#include <winsock2.h>

#include "ports/network.h"

namespace stm32mp::adapters::windows {

// Owns a connected, non-blocking Winsock socket (libssh2 takes the SOCKET as its libssh2_socket_t).
class WinsockTcpStream final : public ports::TcpStream {
 public:
  explicit WinsockTcpStream(SOCKET s) : socket_(s) {}
  ~WinsockTcpStream() override;
  WinsockTcpStream(const WinsockTcpStream&) = delete;
  WinsockTcpStream& operator=(const WinsockTcpStream&) = delete;

  [[nodiscard]] std::intptr_t native_handle() const override { return static_cast<std::intptr_t>(socket_); }
  bool wait(bool want_read, bool want_write, core::Millis timeout) override;
  void shutdown() override;

 private:
  SOCKET socket_;
};

// WSAStartup once per process (Winsock refuses every call before it); WSACleanup is left to exit.
void ensure_winsock();

}  // namespace stm32mp::adapters::windows
