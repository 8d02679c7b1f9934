#include "image/memory_map.h"

#include <algorithm>
#include <limits>

namespace stm32mp::image {
namespace {

// STM32MP25 Cortex-M33 (non-secure, Cortex-A35 is TDCID: the "ca35tdcid" flash layouts) memory map.
// Source: STMicroelectronics/linux arch/arm64/boot/dts/st/stm32mp257f-{dk,ev1}-ca35tdcid-resmem.dtsi
// (ST's XLmx-generated files, as carried in digi-embedded/linux; the DHCOS SoM patch on linux-stm32 has
// the DK's values). DDR carve-outs are at the same address for the M33 and for Linux (da == pa,
// e.g. "bad phdr da 0x80100000"). The M33 SRAM nodes are those the dtsi names cm33_*.
// SRAM1: ST's current device trees (STM32CubeMP2 v1.2.0, also in bytesatwork/linux-stm32mp) put two
// SCMI shared-memory pages (scmi-cid2-s/ns @0xa041000, 0xa042000) before it on the DK as on the EV1,
// so cm33_sram1 starts at 0xa043000 on both. Older DK device trees (before the SCMI pages moved
// there) had it at 0xa041000: a board still running one shows it in its own reserved-memory, which
// the target step reads and which wins over this table.
struct Sram1 {
  std::uint64_t start;
  std::uint64_t size;
};
constexpr Sram1 kSram1AfterScmi{0x0a043000, 0x1d000};

std::vector<MemoryRegion> mp25_m33_regions(Sram1 sram1) {
  return {
      {"cm33_cube_fw", 0x80100000, 0x800000},  {"cm33_cube_data", 0x80a00000, 0x800000},
      {"ipc_shmem_1", 0x81200000, 0xf8000},    {"vdev0vring0", 0x812f8000, 0x1000},
      {"vdev0vring1", 0x812f9000, 0x1000},     {"vdev0buffer", 0x812fa000, 0x6000},
      {"cm33_sram1", sram1.start, sram1.size}, {"cm33_sram2", 0x0a060000, 0x20000},
      {"cm33_retram", 0x0a080000, 0x1f000},
  };
}

std::vector<BoardProfile> make_profiles() {
  const std::vector<std::string> m33_archs{"v8-M.mainline", "v8-M.baseline"};
  return {
      {"STM32MP257F-DK M33 non-secure (ca35tdcid)", "m33", "Cortex-M33", m33_archs,
       {"st,stm32mp257f-dk"}, mp25_m33_regions(kSram1AfterScmi),
       "STM32CubeMP2 v1.2.0 device tree, stm32mp257f-dk-ca35tdcid-resmem.dtsi (cm33-sram1 at 0x0a043000 after the SCMI pages)"},
      // Built-in profiles judge an image before any board is reached; once the target step has read the
      // board's own /proc/device-tree/reserved-memory, that wins (a board may run another layout).
      {"STM32MP257F-EV1 M33 non-secure (ca35tdcid)", "m33", "Cortex-M33", m33_archs,
       {"st,stm32mp257f-ev1"}, mp25_m33_regions(kSram1AfterScmi),
       "STM32CubeMP2 v1.2.0 device tree, stm32mp257f-ev1-ca35tdcid-resmem.dtsi (cm33-sram1 at 0x0a043000 after the SCMI pages)"},
      // STM32MP157 Cortex-M4, in the M4's device addresses: RETRAM 0x00000000 (pa 0x38000000) and
      // MCU SRAM 0x10000000 (pa 0x30000000 / 0x10000000), then the IPC buffers. Source: the
      // reserved-memory of arch/arm/boot/dts/st/stm32mp15xx-dkx.dtsi and the da↔pa table of
      // drivers/remoteproc/stm32_rproc.c (STMicroelectronics/linux).
      {"STM32MP157 M4", "m4", "Cortex-M4", {"v7E-M"},
       {"st,stm32mp157c-dk2", "st,stm32mp157a-dk1", "st,stm32mp157c-ev1", "st,stm32mp157f-dk2", "st,stm32mp157"},
       {{"retram", 0x00000000, 0x10000},
        {"mcuram2", 0x10000000, 0x40000},
        {"vdev0vring0", 0x10040000, 0x1000},
        {"vdev0vring1", 0x10041000, 0x1000},
        {"vdev0buffer", 0x10042000, 0x4000},
        {"mcuram", 0x30000000, 0x40000}},
       "STMicroelectronics/linux stm32mp15xx-dkx.dtsi reserved-memory; stm32_rproc.c address translation"},
  };
}

std::uint64_t distance(const Segment& s, const MemoryRegion& r) {
  const std::uint64_t a = s.paddr;
  const std::uint64_t b = a + s.memsz;
  if (b <= r.start) return r.start - b;
  if (a >= r.end()) return a - r.end();
  return 0;  // overlapping
}

}  // namespace

std::vector<OutsideSegment> segments_outside(const std::vector<Segment>& segments, const std::vector<MemoryRegion>& regions) {
  std::vector<OutsideSegment> out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& s = segments[i];
    if (s.type != kPtLoad || s.memsz == 0) continue;
    const std::uint64_t start = s.paddr;
    const std::uint64_t end = start + s.memsz;  // 64-bit: no wrap
    const bool inside = std::any_of(regions.begin(), regions.end(),
                                    [&](const MemoryRegion& r) { return start >= r.start && end <= r.end(); });
    if (inside) continue;
    OutsideSegment o{i, s, {}};
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for (const auto& r : regions) {
      if (const auto d = distance(s, r); d < best) {
        best = d;
        o.nearest_region = r.name;
      }
    }
    out.push_back(o);
  }
  return out;
}

const std::vector<BoardProfile>& builtin_profiles() {
  static const std::vector<BoardProfile> profiles = make_profiles();
  return profiles;
}

const BoardProfile* find_profile_by_compatible(std::string_view property) {
  // Most specific entry first: walk the list and return the first profile that claims an entry.
  std::size_t pos = 0;
  while (pos < property.size()) {
    auto end = property.find('\0', pos);
    if (end == std::string_view::npos) end = property.size();
    const auto entry = property.substr(pos, end - pos);
    for (const auto& p : builtin_profiles()) {
      if (std::find(p.compatibles.begin(), p.compatibles.end(), entry) != p.compatibles.end()) return &p;
    }
    pos = end + 1;
  }
  return nullptr;
}

const BoardProfile* find_profile_by_remoteproc(std::string_view remoteproc) {
  for (const auto& p : builtin_profiles()) {
    if (p.remoteproc == remoteproc) return &p;
  }
  return nullptr;
}

}  // namespace stm32mp::image
