#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/runner.h"
#include "core/step_report.h"
#include "devices/console_addresses.h"
#include "ports/network.h"

namespace stm32mp::steps {

struct NetworkInputs {
  NetworkInputs() = default;
  NetworkInputs(std::string board_host, int board_port, std::vector<devices::ConsoleAddress> addresses_on_console = {})
      : host(std::move(board_host)), port(board_port), console_addresses(std::move(addresses_on_console)) {}

  std::string host;  // empty: the step is skipped
  int port = 22;
  // What the board's serial console says its addresses are, when the serial-port step reached a shell;
  // offered when the connection fails.
  std::vector<devices::ConsoleAddress> console_addresses;
};

// Step `network`: resolves the board's name and opens TCP to its SSH port within the step's deadline.
// The open connection goes to `connection` for the ssh step (no second connect).
[[nodiscard]] core::StepReport check_network(const NetworkInputs& inputs, ports::Network& network,
                                             core::StepControl& control,
                                             std::shared_ptr<ports::TcpStream>& connection);

// The diagnosis of a failed connect; shared with the ssh step, which connects on its own when the
// network step was not part of the run (--only ssh).
void add_network_failure(core::StepReport& report, const ports::NetError& error, const NetworkInputs& inputs);

// 192.168.7.0/24: the board's side of the USB network gadget (F18).
[[nodiscard]] bool is_usb_gadget_address(const std::string& host);

}  // namespace stm32mp::steps
