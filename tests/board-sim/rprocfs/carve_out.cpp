#include "carve_out.h"

namespace boardsim {

bool fits_in_carve_outs(const std::vector<CarveOut>& carve_outs, std::uint64_t da, std::uint64_t len) {
    for (const auto& c : carve_outs) {
        if (da < c.da) continue;
        std::uint64_t offset = da - c.da;
        if (offset > c.size || len > c.size - offset) continue;
        return true;
    }
    return false;
}

// Carve-outs from ST's reserved-memory layout for the STM32MP257F "ca35tdcid" boards (Cortex-A35 is the
// trusted domain, Linux loads the M33): arch/arm64/boot/dts/st/stm32mp257f-{dk,ev1}-ca35tdcid-resmem.dtsi.
// ST's current device trees (STM32CubeMP2 v1.2.0, also bytesatwork/linux-stm32mp) put two SCMI pages
// (scmi-cid2-s/ns at 0x0a041000/0x0a042000) before a shorter SRAM1 on the DK as on the EV1; older DK trees
// (digi-embedded/linux) had SRAM1 at 0x0a041000. The simulator follows the current ones and maps
// device address == physical address.
std::vector<CarveOut> m33_carve_outs(const std::string&) {
    return {
        {"cm33-cube-fw@80100000", 0x80100000, 0x800000},  {"cm33-cube-data@80a00000", 0x80a00000, 0x800000},
        {"ipc-shmem-1@81200000", 0x81200000, 0xf8000},    {"vdev0vring0@812f8000", 0x812f8000, 0x1000},
        {"vdev0vring1@812f9000", 0x812f9000, 0x1000},     {"vdev0buffer@812fa000", 0x812fa000, 0x6000},
        {"cm33-sram1@a043000", 0x0a043000, 0x1d000},      {"cm33-sram2@a060000", 0x0a060000, 0x20000},
        {"cm33-retram@a080000", 0x0a080000, 0x1f000},
    };
}

std::vector<CarveOut> m0_carve_outs() {
    return {
        {"cm0-cube-fw@200C0000", 0x200C0000, 0x4000},
        {"cm0-cube-data@200C4000", 0x200C4000, 0x2000},
        {"ipc-shmem-2@200C6000", 0x200C6000, 0x2000},
    };
}

}  // namespace boardsim
