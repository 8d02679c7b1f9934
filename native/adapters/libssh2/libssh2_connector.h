#pragma once
#include "ports/ssh_connector.h"

namespace stm32mp::adapters::libssh2 {

// Opens the run's BoardSession with libssh2 1.10: non-blocking handshake, host-key check against an
// OpenSSH known_hosts file, authentication (ssh_authenticator.h).
class Libssh2Connector final : public ports::SshConnector {
 public:
  [[nodiscard]] core::expected<ports::SshConnection, ports::SshFailure> open(std::shared_ptr<ports::TcpStream> stream,
                                                                             const ports::SshOptions& options,
                                                                             const core::Deadline& deadline,
                                                                             const core::CancelToken& cancel) override;
};

}  // namespace stm32mp::adapters::libssh2
