#pragma once
#include "ports/network.h"

namespace stm32mp::adapters::posix {

// Resolves with getaddrinfo on a helper thread (getaddrinfo cannot be bounded or cancelled; the
// thread is abandoned when the deadline passes or the run is cancelled and ends on its own later) and
// connects each address with a non-blocking connect() polled in Deadline::slice() steps.
// getaddrinfo_a was the alternative: glibc-only, its gai_cancel cannot stop a request in progress
// either, and it delivers results through signals or its own threads — no simpler.
class PosixNetwork final : public ports::Network {
 public:
  [[nodiscard]] core::expected<ports::TcpConnection, ports::NetError> connect(const std::string& host, int port,
                                                                              const core::Deadline& deadline,
                                                                              const core::CancelToken& cancel) override;
};

}  // namespace stm32mp::adapters::posix
