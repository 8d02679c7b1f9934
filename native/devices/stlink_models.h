#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace stm32mp::devices {

inline constexpr std::uint16_t kStVendorId = 0x0483;

// How many virtual COM ports (USB CDC-ACM interfaces) a model exposes; unknown where no public
// source confirms it (OpenOCD's stlink_usb.c, stlink-org, probe-rs: docs/failures.md F24).
enum class VcpSupport { none, one, two, unknown };

struct StlinkModel {
  std::uint16_t pid;
  std::string_view name;
  VcpSupport vcp;
};

// The ST-LINK model for a USB VID:PID, or nullopt when it is not an ST-LINK.
[[nodiscard]] std::optional<StlinkModel> find_stlink(std::uint16_t vid, std::uint16_t pid);
[[nodiscard]] bool carries_vcp(VcpSupport v);
[[nodiscard]] std::string_view to_string(VcpSupport v);

}  // namespace stm32mp::devices
