#pragma once
// Which reserved-memory regions a remote processor may load into, and whether an image's segments
// fit them (failures F04/F05, docs/failures.md). The device tree links a processor to its carve-outs by
// phandle: its node's memory-region lists the phandles of reserved-memory nodes (MemoryRegion::owners,
// filled by the target probe). When a board's DT does not show that link, ownership falls back to the
// node names ST's DTs use (cm33-cube-fw@80100000, cm0-cube-data@200C4000).
#include <cstdint>
#include <string>
#include <vector>

#include "image/memory_map.h"
#include "image/segment.h"

namespace stm32mp::image {

// "m33" for cm33-*, "m0" for cm0-*, "m4" for mcuram*/retram*/cm4*, "secure" for op-tee/tfm, "system" for
// TF-A/SCMI/DMA/display buffers, else "" (unknown: treated as available to every instance).
[[nodiscard]] std::string region_owner(const std::string& node);

// The regions `instance` may use: those its DT node lists in memory-region; without that, the ones its
// name claims plus the unclaimed (owner "") ones.
[[nodiscard]] std::vector<MemoryRegion> regions_for(const std::vector<MemoryRegion>& all, const std::string& instance);

struct SegmentFit {
  std::vector<Segment> outside;  // loaded segments (PT_LOAD, memsz > 0) not inside any allowed region
  std::string fits_instance;     // another instance whose regions hold every segment (F04), or ""
  [[nodiscard]] bool ok() const { return outside.empty(); }
};

// Only the loaded segments (PT_LOAD with memsz > 0) count.
[[nodiscard]] SegmentFit check_segments(const std::vector<Segment>& segments, const std::vector<MemoryRegion>& all,
                                        const std::string& instance);

// "0x80100000+0x1000, …" (loaded segments) and "cm33-cube-fw@80100000 [0x80100000..0x80900000), …"
[[nodiscard]] std::string segments_text(const std::vector<Segment>& segments);
[[nodiscard]] std::string regions_text(const std::vector<MemoryRegion>& regions);

}  // namespace stm32mp::image
