#pragma once
// Reader for the firmware ELF files remoteproc loads: ELFCLASS32, little-endian, EM_ARM, ET_EXEC.
// Checks what Linux's rproc_elf_sanity_check / rproc_elf_load_segments and OP-TEE's e32 parser check,
// and reports the first violation with field and offset. Never reads outside the given bytes: it reads
// the headers and tables it decodes through a Source, never the segments' contents.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "image/byte_view.h"
#include "image/format_error.h"
#include "image/segment.h"
#include "image/source.h"

namespace stm32mp::image {

struct SectionRange {
  std::uint32_t addr = 0;
  std::uint32_t size = 0;
};

struct ElfInfo {
  std::uint16_t type = 0;
  std::uint16_t machine = 0;
  std::uint32_t entry = 0;
  std::vector<Segment> segments;               // every program header, in file order
  std::optional<SectionRange> resource_table;  // the ".resource_table" section
  // A ".resource_table" section smaller than the table's 16-byte header (0: empty): present, but
  // the kernel says "header-less resource table" and runs without one.
  std::optional<std::uint64_t> undersized_resource_table;
  std::optional<std::uint32_t> vector_table;   // the ".isr_vector" section address
  std::string vector_table_section;         // ".isr_vectors" (ST's MP2 scripts, the kernel's name) or ".isr_vector"
  bool has_symbols = false;                    // a ".symtab" (stripped files have none)
  std::string cpu_arch;                        // Tag_CPU_arch from .ARM.attributes ("v8-M.mainline"), "" if absent

  [[nodiscard]] std::size_t loadable_count() const;
};

[[nodiscard]] core::expected<ElfInfo, FormatError> read_elf(const Source& file);
[[nodiscard]] core::expected<ElfInfo, FormatError> read_elf(Bytes file);

// Names for diagnostics: "EM_ARM (40)", "EM_X86_64 (62)", "ET_DYN (3)".
[[nodiscard]] std::string machine_name(std::uint16_t machine);
[[nodiscard]] std::string elf_type_name(std::uint16_t type);

// The word at device address `da` in the file contents of a PT_LOAD segment (for vector tables).
[[nodiscard]] std::optional<std::uint32_t> word_at(const Source& file, const std::vector<Segment>& segments, std::uint32_t da);
[[nodiscard]] std::optional<std::uint32_t> word_at(Bytes file, const std::vector<Segment>& segments, std::uint32_t da);

}  // namespace stm32mp::image
