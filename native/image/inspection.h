#pragma once
// One firmware file as the `image` step and `inspect` see it: read it, tell its kind, decode it, and
// turn every format problem into a diagnostic with field and offset.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/expected.h"
#include "core/step_report.h"
#include "image/elf_reader.h"
#include "image/image_facts.h"
#include "image/signed_image.h"
#include "image/source.h"

namespace stm32mp::image {

inline constexpr std::uint64_t kMaxImageSize = 64ULL << 20;  // larger than any Cortex-M memory by far

// The whole file, or a reason (missing, unreadable, a directory, larger than kMaxImageSize).
[[nodiscard]] core::expected<std::vector<std::uint8_t>, std::string> read_image_file(const std::string& path);

// What a non-image file looks like: "Intel HEX", "raw binary (…)", "empty file", … (from its first 64 bytes)
[[nodiscard]] std::string describe_other_format(const Source& file);

// One ELF inside a signed image (NUM_IMG of them), decoded.
struct EmbeddedElf {
  ElfInfo elf;
  std::uint64_t offset = 0;  // in the file
  std::uint64_t size = 0;    // IMGSIZE (padded)
};

struct Inspection {
  std::string path;
  // The file, open, read where it lies (never held whole: a 64 MiB image costs its tables, not its size). The step's
  // checks read it again (segment hashes, signature, vector word); shared, so that an Inspection can be copied.
  std::shared_ptr<const Source> source;
  std::uint64_t size = 0;  // when it was opened
  ImageKind kind = ImageKind::other;
  std::optional<SignedImage> signed_image;
  std::optional<ElfInfo> elf;  // the plain ELF, or the first image embedded in a signed one
  std::uint64_t elf_offset = 0;  // where `elf` lies in the file
  std::uint64_t elf_size = 0;
  std::vector<EmbeddedElf> images;  // signed: every embedded ELF, in file order (images[0] is `elf`)
  std::string sha256;          // of the whole file
  bool readable = false;

  bool change_reported = false;  // the file changed while it was read, and the report says so

  // The plain ELF, or the first embedded one, addressed from its own offset 0. Only when `elf` is set.
  [[nodiscard]] SliceSource elf_source() const { return SliceSource(*source, elf_offset, elf_size); }
};

// Reads and decodes `path`; adds facts (prefixed "<role>.") and format diagnostics to `report`. A cancel during the
// read leaves it unread, without a finding.
[[nodiscard]] Inspection inspect_file(const std::string& path, const std::string& role, core::StepReport& report,
                                      const core::CancelToken* cancel = nullptr);

// When the file changed while it was read (source->failure()), says so once in `report` (IMG-unreadable) and
// marks it unreadable: what was decoded or hashed then describes no file. True when it did.
bool report_if_changed(Inspection& in, core::StepReport& report);

// What later steps need of the file to upload (`upload`: the signed image when given, else the ELF).
[[nodiscard]] ImageFacts facts_of(const Inspection& upload, const std::string& elf_path);

// The same facts without the image step (--skip image): reads and hashes `path` once, or says why it
// cannot be read. Format problems do not stop it: the facts then hold what could be decoded.
[[nodiscard]] core::expected<ImageFacts, std::string> read_image_facts(const std::string& path,
                                                                       const std::string& elf_path);

// The diagnostic for a format problem of `path`.
[[nodiscard]] core::Diagnostic format_diagnostic(const std::string& path, const FormatError& e);

}  // namespace stm32mp::image
