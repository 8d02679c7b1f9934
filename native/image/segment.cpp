#include "image/segment.h"

#include <fmt/format.h>

namespace stm32mp::image {

std::string hex32(std::uint64_t v) { return fmt::format("0x{:08x}", v); }

std::string segment_flags(std::uint32_t flags) {
  std::string f;
  f += (flags & 4U) ? 'R' : ' ';
  f += (flags & 2U) ? 'W' : ' ';
  f += (flags & 1U) ? 'E' : ' ';
  return f;
}

std::string describe(const Segment& s) {
  return fmt::format("{} paddr={} vaddr={} filesz={:#x} memsz={:#x} {}", s.type == kPtLoad ? "LOAD" : fmt::format("type {:#x}", s.type),
                     hex32(s.paddr), hex32(s.vaddr), s.filesz, s.memsz, segment_flags(s.flags));
}

}  // namespace stm32mp::image
