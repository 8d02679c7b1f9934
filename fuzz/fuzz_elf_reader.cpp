// libFuzzer target: image::read_elf on arbitrary bytes, then everything a caller does with the result.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "image/elf_reader.h"
#include "image/memory_map.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const image::Bytes bytes(data, size);
  const auto elf = image::read_elf(bytes);
  if (!elf) {
    fuzz::require_diagnostic(elf.error());
    return 0;
  }
  (void)image::word_at(bytes, elf->segments, elf->entry);
  if (elf->vector_table) (void)image::word_at(bytes, elf->segments, *elf->vector_table + 4);
  for (const auto& p : image::builtin_profiles()) (void)image::segments_outside(elf->segments, p.regions);
  for (const auto& s : elf->segments) (void)image::describe(s);
  return 0;
}
