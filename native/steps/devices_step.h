#pragma once
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "devices/serial_device.h"
#include "ports/device_enumerator.h"

namespace stm32mp::steps {

struct DevicesInputs {
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
};

// Step `devices`: lists USB serial devices and ST-LINK probes with their VCP nodes. What it found
// goes to `found` for the serial-port step.
[[nodiscard]] core::StepReport check_devices(const DevicesInputs& in, ports::DeviceEnumerator& enumerator,
                                             core::StepControl& control,
                                             std::optional<devices::Enumeration>& found);

// One line per serial device for reports: "STLINK-V3 - ST-Link VCP Ctrl, cdc_acm, 0483:374e, …".
[[nodiscard]] std::string describe_line(const devices::SerialDevice& d);

}  // namespace stm32mp::steps
