#pragma once
// Where a remote core's firmware may be loaded: the carve-outs (reserved-memory regions) the board's
// device tree gives the remoteproc instance. Linux answers "bad phdr da 0x… mem 0x…" for a PT_LOAD
// segment that does not fit in one of them, OP-TEE "Fails to clear segment" (failures F04/F05).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/segment.h"

namespace stm32mp::image {

// A reserved-memory region: from a built-in profile, or read from the board's device tree by the target
// step (remote/target_probe.cpp), which also fills `phandle` and `owners`.
struct MemoryRegion {
  MemoryRegion() = default;
  MemoryRegion(std::string region_name, std::uint64_t region_start, std::uint64_t region_size)
      : name(std::move(region_name)), start(region_start), size(region_size) {}

  std::string name;         // the reserved-memory node name ("cm33_cube_fw", "cm33-cube-fw@80100000")
  std::uint64_t start = 0;  // device address as the remote core sees it
  std::uint64_t size = 0;
  std::optional<std::uint32_t> phandle;  // the node's phandle, when something refers to it
  std::vector<std::string> owners;       // instances whose DT node lists it in memory-region (m33, m0…)
  [[nodiscard]] std::uint64_t end() const { return start + size; }  // exclusive
  // [addr, addr + len) inside the region, without overflow for any 64-bit input.
  [[nodiscard]] bool contains(std::uint64_t addr, std::uint64_t len) const {
    return addr >= start && len <= size && addr - start <= size - len;
  }
};

struct BoardProfile {
  std::string name;                      // "STM32MP257F-DK M33 non-secure (ca35tdcid)"
  std::string remoteproc;                // remoteproc instance name: "m33", "m4"
  std::string core;                      // "Cortex-M33"
  std::vector<std::string> cpu_archs;    // Tag_CPU_arch names a firmware for this core carries
  std::vector<std::string> compatibles;  // /proc/device-tree/compatible entries that select it
  std::vector<MemoryRegion> regions;
  std::string source;                    // where the addresses come from
};

struct OutsideSegment {
  std::size_t index = 0;  // index in the program header table
  Segment segment;
  std::string nearest_region;  // the region the segment overlaps or is closest to ("" when none)
};

// PT_LOAD segments with memsz > 0 whose [paddr, paddr + memsz) does not lie inside a single region
// (that is the loader's rule: one carve-out must hold the whole segment).
[[nodiscard]] std::vector<OutsideSegment> segments_outside(const std::vector<Segment>& segments,
                                                           const std::vector<MemoryRegion>& regions);

// The built-in profiles (STM32MP257F-DK, STM32MP257F-EV1, STM32MP157).
[[nodiscard]] const std::vector<BoardProfile>& builtin_profiles();
// Profile for a /proc/device-tree/compatible content (NUL-separated list, most specific first).
[[nodiscard]] const BoardProfile* find_profile_by_compatible(std::string_view compatible_property);
// Default profile for a remoteproc instance name ("m33" → STM32MP257F-DK, "m4" → STM32MP157).
[[nodiscard]] const BoardProfile* find_profile_by_remoteproc(std::string_view remoteproc);

}  // namespace stm32mp::image
