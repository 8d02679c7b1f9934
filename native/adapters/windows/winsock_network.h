#pragma once
#include "ports/network.h"

namespace stm32mp::adapters::windows {

// The Windows counterpart of adapters/posix/posix_network: getaddrinfo on a helper thread (it cannot
// be bounded or cancelled; the thread is abandoned at the deadline and ends on its own), then a
// non-blocking connect (ioctlsocket FIONBIO) per address, polled with select in Deadline::slice() steps.
class WinsockNetwork final : public ports::Network {
 public:
  [[nodiscard]] core::expected<ports::TcpConnection, ports::NetError> connect(const std::string& host, int port,
                                                                              const core::Deadline& deadline,
                                                                              const core::CancelToken& cancel) override;
};

}  // namespace stm32mp::adapters::windows
