#pragma once
// One ELF32 program header, as the loaders (Linux remoteproc, the OP-TEE TA) see it.
#include <cstdint>
#include <string>
#include <vector>

namespace stm32mp::image {

inline constexpr std::uint32_t kPtLoad = 1;

struct Segment {
  std::uint32_t type = 0;
  std::uint32_t offset = 0;
  std::uint32_t vaddr = 0;
  std::uint32_t paddr = 0;  // the device address remoteproc loads to ("da" in "bad phdr da …")
  std::uint32_t filesz = 0;
  std::uint32_t memsz = 0;
  std::uint32_t flags = 0;
  std::uint32_t align = 0;
  friend bool operator==(const Segment&, const Segment&) = default;
};

// "0x80100000" (8 hex digits, lower case): the form dmesg and readelf use.
[[nodiscard]] std::string hex32(std::uint64_t v);
// "R E", "RW " like readelf.
[[nodiscard]] std::string segment_flags(std::uint32_t flags);
// One line per segment: "LOAD paddr=0x80100000 vaddr=0x80100000 filesz=0x98 memsz=0x98 R E".
[[nodiscard]] std::string describe(const Segment& s);

}  // namespace stm32mp::image
