#include "pipeline/ports.h"

#include "adapters/libssh2/libssh2_connector.h"
#include "adapters/posix/posix_network.h"

namespace stm32mp::pipeline {

Ports make_system_ports() {
  Ports ports;
  ports.network = std::make_shared<adapters::posix::PosixNetwork>();
  ports.ssh = std::make_shared<adapters::libssh2::Libssh2Connector>();
  return ports;
}

}  // namespace stm32mp::pipeline
