#pragma once
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/runner.h"
#include "devices/console_addresses.h"
#include "core/step_report.h"
#include "devices/serial_device.h"
#include "ports/device_enumerator.h"
#include "ports/process_table.h"
#include "ports/serial_lines.h"

namespace stm32mp::steps {

struct SerialPortInputs {
  std::string serial;        // preferred serial device as configured (/dev/ttyACM0, COM4, …)
  std::string probe_serial;  // ST-LINK serial number the port must belong to (optional)
  std::optional<bool> production_mode;  // nullopt (no launch file): assume the console is needed
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
  core::Millis console_wait{1500};  // how long the console has to answer the carriage return
  core::Millis settle{150};         // after a prompt: catch log lines interleaving with it
  bool ask_addresses = true;        // on a shell prompt, read the board's IPv4 addresses (observed board_addresses)
};

struct SerialPortPorts {
  ports::DeviceEnumerator& enumerator;
  ports::SerialLines& lines;
  ports::ProcessTable& processes;
};

// Step `serial-port`: checks that the preferred serial device is the board's ST-LINK console,
// that this user can open it, that no other program holds it, and what the console answers.
// `devices` is the devices step's enumeration when it ran; otherwise the step enumerates itself.
// On a shell prompt the board's own IPv4 addresses go to `board_addresses` (for the network step).
[[nodiscard]] core::StepReport check_serial_port(const SerialPortInputs& in, const devices::Enumeration* devices,
                                                 SerialPortPorts& ports, core::StepControl& control,
                                                 std::vector<devices::ConsoleAddress>& board_addresses);

}  // namespace stm32mp::steps
