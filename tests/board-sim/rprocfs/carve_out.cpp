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

}  // namespace boardsim
