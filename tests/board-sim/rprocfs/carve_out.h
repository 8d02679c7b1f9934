// A device-address range a remote processor may be loaded into (a reserved-memory carve-out of the DT).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace boardsim {

struct CarveOut {
    std::string name;   // DT node name, e.g. "cm33-cube-fw@80100000"
    std::uint64_t da;   // device address (the simulator maps it 1:1 to the physical address)
    std::uint64_t size;
};

// True when [da, da+len) lies inside ONE carve-out, the test rproc_da_to_va() makes.
[[nodiscard]] bool fits_in_carve_outs(const std::vector<CarveOut>& carve_outs, std::uint64_t da, std::uint64_t len);

// The M33's carve-outs on `board` (dk | ev1 | m33td), as the board-sim script writes them in the device tree.
[[nodiscard]] std::vector<CarveOut> m33_carve_outs(const std::string& board);
[[nodiscard]] std::vector<CarveOut> m0_carve_outs();

}  // namespace boardsim
