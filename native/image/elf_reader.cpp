#include "image/elf_reader.h"

#include <algorithm>
#include <string_view>

namespace stm32mp::image {
namespace {

// ELF32 layout (System V ABI, ARM ELF supplement). Offsets of the fields this reader needs.
constexpr std::uint64_t kEhdrSize = 52;
constexpr std::uint64_t kPhdrSize = 32;
constexpr std::uint64_t kShdrSize = 40;
constexpr std::uint16_t kEtExec = 2;
constexpr std::uint16_t kEmArm = 40;
constexpr std::uint32_t kShtSymtab = 2;
constexpr std::uint32_t kShtArmAttributes = 0x70000003;

FormatError error(FormatProblem p, std::string field, std::uint64_t offset, std::string found, std::string expected) {
  return FormatError{p, std::move(field), offset, std::move(found), std::move(expected)};
}

FormatError truncated(std::string what, std::uint64_t offset, std::uint64_t length, std::uint64_t file_size) {
  return error(FormatProblem::truncated, std::move(what), offset,
               "file ends at " + hex32(file_size),
               hex32(length) + " bytes from " + hex32(offset) + " (to " + hex32(offset + length) + ")");
}

struct Section {
  std::uint32_t name = 0;
  std::uint32_t type = 0;
  std::uint32_t addr = 0;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

// Longer than any name looked for (".resource_table", ".isr_vectors"): a name is read up to this many
// bytes, so that a string table of megabytes costs a few bytes per section, never its size.
constexpr std::uint64_t kMaxSectionName = 64;
// Real .ARM.attributes hold a few hundred bytes; a larger one is not read (its arch stays unknown).
constexpr std::uint64_t kMaxAttributes = 64U << 10;

// A NUL-terminated name inside the section-name string table, or "" when it is out of bounds (or longer
// than kMaxSectionName, which no name looked for is).
std::string section_name(const Source& file, const Section& strtab, std::uint32_t name) {
  if (name >= strtab.size || !fits(file, strtab.offset, strtab.size)) return {};
  const auto rest = file.read(std::uint64_t{strtab.offset} + name, std::min<std::uint64_t>(kMaxSectionName, strtab.size - name));
  if (!rest) return {};
  const auto nul = std::find(rest->begin(), rest->end(), std::uint8_t{0});
  if (nul == rest->end()) return {};
  return {rest->begin(), nul};
}

std::optional<std::uint64_t> read_uleb128(Bytes b, std::uint64_t& pos) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!fits(b, pos, 1)) return std::nullopt;
    const auto byte = b[static_cast<std::size_t>(pos++)];
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

bool skip_ntbs(Bytes b, std::uint64_t& pos) {
  while (fits(b, pos, 1)) {
    if (b[static_cast<std::size_t>(pos++)] == 0) return true;
  }
  return false;
}

std::string cpu_arch_name(std::uint64_t v) {
  // Tag_CPU_arch values from the ARM "Addenda to the ABI" (build attributes).
  switch (v) {
    case 10: return "v7";
    case 11: return "v6-M";
    case 12: return "v6S-M";
    case 13: return "v7E-M";
    case 14: return "v8-A";
    case 16: return "v8-M.baseline";
    case 17: return "v8-M.mainline";
    case 21: return "v8.1-M.mainline";
    default: return "Tag_CPU_arch " + std::to_string(v);
  }
}

// Tag_CPU_arch of the "aeabi" vendor subsection of .ARM.attributes; "" when absent or malformed.
// Hand-written because no Debian library reads ARM build attributes; it reads tags in order
// until Tag_CPU_arch (6) and gives up on anything unexpected.
std::string read_cpu_arch(const Source& file, const Section& s) {
  if (s.size > kMaxAttributes) return {};
  const auto bytes = file.read(s.offset, s.size);
  const auto data = bytes ? std::optional<Bytes>(Bytes(*bytes)) : std::nullopt;
  if (!data || data->empty() || (*data)[0] != 'A') return {};
  std::uint64_t pos = 1;
  const auto sub_len = read_u32(*data, pos);
  if (!sub_len || *sub_len < 4 || !fits(*data, pos, *sub_len)) return {};
  const auto sub = data->subspan(static_cast<std::size_t>(pos), *sub_len);
  std::uint64_t p = 4;
  const auto vendor_start = p;
  if (!skip_ntbs(sub, p)) return {};
  const std::string_view vendor(reinterpret_cast<const char*>(sub.data() + vendor_start), static_cast<std::size_t>(p - vendor_start - 1));
  if (vendor != "aeabi") return {};
  while (fits(sub, p, 5)) {
    const auto tag = sub[static_cast<std::size_t>(p)];
    const auto len = read_u32(sub, p + 1);
    if (!len || *len < 5 || !fits(sub, p, *len)) return {};
    if (tag != 1) {  // only Tag_File attributes
      p += *len;
      continue;
    }
    const auto attrs = sub.subspan(static_cast<std::size_t>(p + 5), *len - 5);
    std::uint64_t q = 0;
    while (q < attrs.size()) {
      const auto t = read_uleb128(attrs, q);
      if (!t) return {};
      if (*t == 6) {
        const auto v = read_uleb128(attrs, q);
        return v ? cpu_arch_name(*v) : std::string();
      }
      // String tags: 4, 5, 67 and odd tags above 32 (65 included); 32 is a uleb + string.
      if (*t == 4 || *t == 5 || *t == 67 || (*t > 32 && (*t % 2) == 1)) {
        if (!skip_ntbs(attrs, q)) return {};
      } else if (*t == 32) {
        if (!read_uleb128(attrs, q) || !skip_ntbs(attrs, q)) return {};
      } else if (!read_uleb128(attrs, q)) {
        return {};
      }
    }
    return {};
  }
  return {};
}

// Sections are optional for loading (Linux needs them only for the resource table), but a section
// header table that points outside the file is rejected by Linux ("Image is too small").
std::optional<FormatError> read_sections(const Source& file, Bytes ehdr, ElfInfo& info) {
  const auto shoff = *read_u32(ehdr, 32);
  const auto shentsize = *read_u16(ehdr, 46);
  const auto shnum = *read_u16(ehdr, 48);
  const auto shstrndx = *read_u16(ehdr, 50);
  // Linux's rproc_elf_sanity_check demands room for one section header at e_shoff even when there
  // are none ("Image is too small"); drivers/remoteproc/remoteproc_elf_loader.c.
  if (!fits(file, shoff, kShdrSize)) return truncated("section header at e_shoff", shoff, kShdrSize, file.size());
  if (shnum == 0) return std::nullopt;
  if (shentsize != kShdrSize) {
    return error(FormatProblem::bad_segment, "e_shentsize", 46, std::to_string(shentsize), "40 (sizeof(Elf32_Shdr))");
  }
  if (!fits(file, shoff, std::uint64_t{shnum} * kShdrSize)) {
    return truncated("section header table (e_shoff, e_shnum)", shoff, std::uint64_t{shnum} * kShdrSize, file.size());
  }
  // At most 65535 × 40 bytes (e_shnum is 16-bit): the format bounds this read.
  const auto table = file.read(shoff, std::uint64_t{shnum} * kShdrSize);
  if (!table) return std::nullopt;  // the file changed under us: failure() says so
  const Bytes t(*table);
  std::vector<Section> sections;
  sections.reserve(shnum);
  for (std::uint32_t i = 0; i < shnum; ++i) {
    const auto base = std::uint64_t{i} * kShdrSize;
    sections.push_back({*read_u32(t, base), *read_u32(t, base + 4), *read_u32(t, base + 12),
                        *read_u32(t, base + 16), *read_u32(t, base + 20)});
  }
  if (shstrndx >= shnum) return std::nullopt;  // names unknown: no resource table can be found
  const auto& strtab = sections[shstrndx];
  for (const auto& s : sections) {
    const auto name = section_name(file, strtab, s.name);
    // Smaller than the 16-byte header (version, num, reserved[2]): Linux says "header-less resource
    // table" and runs without one, so it counts as absent.
    if (name == ".resource_table" && s.size >= 16) info.resource_table = SectionRange{s.addr, s.size};
    if (name == ".resource_table" && s.size < 16) info.undersized_resource_table = s.size;
    // ST's MP2 linker scripts name it .isr_vectors, and that is the name ST's stm32_rproc.c
    // (stm32_rproc_get_vect_table) looks for to set the boot address in ELF mode; CubeMX scripts of
    // other families (and MP1) say .isr_vector. Both are read; .isr_vectors wins.
    if (name == ".isr_vectors" || (name == ".isr_vector" && info.vector_table_section != ".isr_vectors")) {
      info.vector_table = s.addr;
      info.vector_table_section = name;
    }
    if (s.type == kShtSymtab) info.has_symbols = true;
    if (s.type == kShtArmAttributes) info.cpu_arch = read_cpu_arch(file, s);
  }
  return std::nullopt;
}

}  // namespace

std::size_t ElfInfo::loadable_count() const {
  return static_cast<std::size_t>(std::count_if(segments.begin(), segments.end(), [](const Segment& s) { return s.type == kPtLoad; }));
}

std::string machine_name(std::uint16_t machine) {
  std::string name;
  switch (machine) {
    case 3: name = "EM_386"; break;
    case 8: name = "EM_MIPS"; break;
    case 40: name = "EM_ARM"; break;
    case 62: name = "EM_X86_64"; break;
    case 183: name = "EM_AARCH64"; break;
    case 243: name = "EM_RISCV"; break;
    default: name = "machine"; break;
  }
  return name + " (" + std::to_string(machine) + ")";
}

std::string elf_type_name(std::uint16_t type) {
  static constexpr const char* kNames[] = {"ET_NONE", "ET_REL", "ET_EXEC", "ET_DYN", "ET_CORE"};
  return std::string(type < 5 ? kNames[type] : "type") + " (" + std::to_string(type) + ")";
}

core::expected<ElfInfo, FormatError> read_elf(Bytes bytes) { return read_elf(MemorySource(bytes)); }

core::expected<ElfInfo, FormatError> read_elf(const Source& file) {
  static constexpr std::uint8_t kMagic[] = {0x7F, 'E', 'L', 'F'};
  // The ELF header, or as much of it as the file holds: every check below reads fields of it.
  const auto head = file.read(0, std::min<std::uint64_t>(file.size(), kEhdrSize)).value_or(std::vector<std::uint8_t>{});
  const Bytes ehdr(head);
  if (!fits(ehdr, 0, 4)) return core::unexpected{truncated("e_ident[EI_MAG0..3]", 0, 4, file.size())};
  if (!std::equal(std::begin(kMagic), std::end(kMagic), ehdr.begin())) {
    return core::unexpected{error(FormatProblem::not_an_image, "e_ident[EI_MAG0..3]", 0, "not 7f 45 4c 46", "7f 45 4c 46 (\\x7fELF)")};
  }
  if (!fits(ehdr, 0, 6)) return core::unexpected{truncated("e_ident", 0, 16, file.size())};
  if (ehdr[4] != 1) {
    return core::unexpected{error(FormatProblem::wrong_class, "e_ident[EI_CLASS]", 4,
                                  ehdr[4] == 2 ? "2 (ELFCLASS64)" : std::to_string(ehdr[4]), "1 (ELFCLASS32)")};
  }
  if (ehdr[5] != 1) {
    return core::unexpected{error(FormatProblem::wrong_endian, "e_ident[EI_DATA]", 5,
                                  ehdr[5] == 2 ? "2 (ELFDATA2MSB, big-endian)" : std::to_string(ehdr[5]),
                                  "1 (ELFDATA2LSB, little-endian)")};
  }
  if (!fits(ehdr, 0, kEhdrSize)) return core::unexpected{truncated("ELF header (Elf32_Ehdr)", 0, kEhdrSize, file.size())};

  ElfInfo info;
  info.type = *read_u16(ehdr, 16);
  info.machine = *read_u16(ehdr, 18);
  info.entry = *read_u32(ehdr, 24);
  if (info.machine != kEmArm) {
    return core::unexpected{error(FormatProblem::wrong_machine, "e_machine", 18, machine_name(info.machine), machine_name(kEmArm))};
  }
  if (info.type != kEtExec) {
    return core::unexpected{error(FormatProblem::wrong_type, "e_type", 16, elf_type_name(info.type), elf_type_name(kEtExec))};
  }

  const auto phoff = *read_u32(ehdr, 28);
  const auto phentsize = *read_u16(ehdr, 42);
  const auto phnum = *read_u16(ehdr, 44);
  if (phnum > 0 && phentsize != kPhdrSize) {
    return core::unexpected{error(FormatProblem::bad_segment, "e_phentsize", 42, std::to_string(phentsize), "32 (sizeof(Elf32_Phdr))")};
  }
  if (!fits(file, phoff, std::uint64_t{phnum} * kPhdrSize)) {
    return core::unexpected{truncated("program header table (e_phoff, e_phnum)", phoff, std::uint64_t{phnum} * kPhdrSize, file.size())};
  }
  // At most 65535 × 32 bytes (e_phnum is 16-bit): the format bounds this read.
  const auto table = file.read(phoff, std::uint64_t{phnum} * kPhdrSize).value_or(std::vector<std::uint8_t>{});
  const Bytes t(table);
  if (t.size() != std::uint64_t{phnum} * kPhdrSize) return info;  // the file changed under us: failure() says so
  for (std::uint32_t i = 0; i < phnum; ++i) {
    const auto base = phoff + std::uint64_t{i} * kPhdrSize;
    const auto at = std::uint64_t{i} * kPhdrSize;
    Segment s{*read_u32(t, at), *read_u32(t, at + 4), *read_u32(t, at + 8), *read_u32(t, at + 12),
              *read_u32(t, at + 16), *read_u32(t, at + 20), *read_u32(t, at + 24), *read_u32(t, at + 28)};
    if (s.type == kPtLoad) {
      // The same two checks as rproc_elf_load_segments: "bad phdr filesz" and "truncated fw".
      if (s.filesz > s.memsz) {
        return core::unexpected{error(FormatProblem::bad_segment, "segment " + std::to_string(i) + " p_filesz", base + 16,
                                      hex32(s.filesz), "at most p_memsz " + hex32(s.memsz))};
      }
      if (!fits(file, s.offset, s.filesz)) {
        return core::unexpected{truncated("segment " + std::to_string(i) + " contents (p_offset, p_filesz)", s.offset, s.filesz, file.size())};
      }
    }
    info.segments.push_back(s);
  }
  if (auto e = read_sections(file, ehdr, info)) return core::unexpected{*e};
  return info;
}

std::optional<std::uint32_t> word_at(Bytes file, const std::vector<Segment>& segments, std::uint32_t da) {
  return word_at(MemorySource(file), segments, da);
}

std::optional<std::uint32_t> word_at(const Source& file, const std::vector<Segment>& segments, std::uint32_t da) {
  for (const auto& s : segments) {
    if (s.type != kPtLoad || da < s.paddr) continue;
    const std::uint64_t rel = std::uint64_t{da} - s.paddr;
    if (rel + 4 > s.filesz) continue;
    if (auto w = read_u32(file, std::uint64_t{s.offset} + rel)) return w;
  }
  return std::nullopt;
}

}  // namespace stm32mp::image
