#pragma once
// The human listing of `stm32mp-prelaunch devices`: the data (devices::Enumeration) stays apart from
// this renderer, which is golden-tested (tests/golden/devices_table*.txt).
#include <string>

#include "devices/serial_device.h"

namespace stm32mp::devices {

// A table of the serial devices (node, description, VID:PID, USB serial, access), each ST-LINK VCP marked
// and its /dev/serial/by-id name under it, then one line per ST-LINK probe with its VCP nodes.
[[nodiscard]] std::string render_devices_table(const Enumeration& e);

}  // namespace stm32mp::devices
