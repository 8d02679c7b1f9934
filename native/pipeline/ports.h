#pragma once
// The outside world as the steps see it: one interface per kind of thing the steps talk to
// (native/ports/). Front ends fill this bundle with real adapters (make_system_ports) or with fakes.
#include <memory>

#include "ports/child_processes.h"
#include "ports/network.h"
#include "ports/ssh_connector.h"

#include "ports/device_enumerator.h"
#include "ports/process_table.h"
#include "ports/serial_lines.h"

namespace stm32mp::pipeline {

struct Ports {
  // Each area adds the ports its steps use, as std::shared_ptr<ports::X>, with its adapter set in
  // make_system_ports (pipeline/system_ports.cpp).
  std::shared_ptr<ports::Network> network;     // network, ssh (TCP connect with deadline)
  std::shared_ptr<ports::SshConnector> ssh;    // ssh (opens the BoardSession)
  std::shared_ptr<ports::ChildProcesses> child_processes;  // network (ssh -G, ProxyJump/ProxyCommand); null: none
  std::shared_ptr<ports::DeviceEnumerator> device_enumerator;  // devices, serial-port
  std::shared_ptr<ports::SerialLines> serial_lines;            // serial-port
  std::shared_ptr<ports::ProcessTable> process_table;          // serial-port (who holds a port)
};

// The real adapters for this platform (CMake picks the platform's system_ports file).
[[nodiscard]] Ports make_system_ports();

}  // namespace stm32mp::pipeline
