#pragma once
// A listening loopback socket on an ephemeral port, for the Windows tests' servers.
#include <winsock2.h>

#include "adapters/windows/winsock_tcp_stream.h"

namespace stm32mp::adapters::windows {

struct Listener {
  SOCKET s = INVALID_SOCKET;
  int port = 0;
  Listener() {
    ensure_winsock();
    s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(s, 4);
    int len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() { ::closesocket(s); }
};

}  // namespace stm32mp::adapters::windows
