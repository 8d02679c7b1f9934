#pragma once
#include "ports/device_enumerator.h"

namespace stm32mp::adapters::windows {

// COM ports and ST-LINK probes from the device tree (device_tree.h). `sysfs_root` has no meaning on
// Windows except one: a path ending in .json names a recorded tree to read instead of the live one
// (tests; wine cannot enumerate). `dev_root` is unused.
class WindowsDeviceEnumerator final : public ports::DeviceEnumerator {
 public:
  [[nodiscard]] core::expected<devices::Enumeration, std::string> enumerate(const std::string& sysfs_root,
                                                                           const std::string& dev_root) override;
  // A COM port absent from the tree does not exist as far as the steps are concerned; anything else
  // (a Linux path in a launch file made on Linux) is described for the user.
  [[nodiscard]] ports::NodeInfo inspect(const std::string& path, const std::string& sysfs_root) override;
};

}  // namespace stm32mp::adapters::windows
