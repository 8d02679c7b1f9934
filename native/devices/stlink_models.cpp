#include "devices/stlink_models.h"

#include <array>

namespace stm32mp::devices {
namespace {

// PIDs as listed by OpenOCD's stlink_usb.c, stlink-org and probe-rs (docs/failures.md F24). V3PWR's PID is
// disputed between sources; both candidates are listed with an unknown VCP count.
constexpr std::array kModels = {
    StlinkModel{0x3744, "ST-LINK/V1", VcpSupport::none},
    StlinkModel{0x3748, "ST-LINK/V2", VcpSupport::none},
    StlinkModel{0x374A, "ST-LINK/V2 (32L audio)", VcpSupport::unknown},
    StlinkModel{0x374B, "ST-LINK/V2-1", VcpSupport::one},
    StlinkModel{0x3752, "ST-LINK/V2-1 (no mass storage)", VcpSupport::one},
    StlinkModel{0x374D, "STLINK-V3 loader (firmware update mode)", VcpSupport::none},
    StlinkModel{0x374E, "STLINK-V3E", VcpSupport::one},
    StlinkModel{0x374F, "STLINK-V3S/V3SET", VcpSupport::one},
    StlinkModel{0x3753, "STLINK-V3 (2 VCPs)", VcpSupport::two},
    StlinkModel{0x3754, "STLINK-V3 (no mass storage)", VcpSupport::one},
    StlinkModel{0x3755, "STLINK-V3", VcpSupport::unknown},
    StlinkModel{0x3757, "STLINK-V3PWR", VcpSupport::unknown},
    StlinkModel{0x3787, "STLINK-V3PWR", VcpSupport::unknown},
};

}  // namespace

std::optional<StlinkModel> find_stlink(std::uint16_t vid, std::uint16_t pid) {
  if (vid != kStVendorId) return std::nullopt;
  for (const auto& m : kModels) {
    if (m.pid == pid) return m;
  }
  return std::nullopt;
}

bool carries_vcp(VcpSupport v) { return v != VcpSupport::none; }

std::string_view to_string(VcpSupport v) {
  switch (v) {
    case VcpSupport::none: return "no";
    case VcpSupport::one: return "yes";
    case VcpSupport::two: return "yes (2)";
    case VcpSupport::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace stm32mp::devices
