#pragma once
// Why a file is not the image it should be, precisely enough for a diagnostic: which field, at
// which file offset, what was found and what was expected.
#include <cstdint>
#include <string>

namespace stm32mp::image {

enum class FormatProblem {
  truncated,        // a structure runs past the end of the file
  wrong_class,      // ELF, but not ELFCLASS32
  wrong_endian,     // ELF, but big-endian
  wrong_machine,    // ELF, but not EM_ARM
  wrong_type,       // ELF, but not ET_EXEC
  bad_segment,      // a program header the loader would reject (filesz > memsz)
  not_an_image,     // not an ELF nor a signed image (raw binary, Intel HEX, …)
  signed_header,    // signed image: header or size rule broken
  signed_tlv,       // signed image: a known TLV is missing or malformed
  signed_legacy,    // signed image in the older 56-byte-header format
  signed_beta,      // signed image in ST's 3.19-beta layout (24-byte header, TLVs after the images)
};

struct FormatError {
  FormatProblem problem = FormatProblem::not_an_image;
  std::string field;         // e.g. "e_ident[EI_CLASS]", "header.tlv_len", "TLV SIGNTYPE"
  std::uint64_t offset = 0;  // file offset of that field
  std::string found;         // what the file holds there
  std::string expected;      // what a loadable image holds there
};

}  // namespace stm32mp::image
