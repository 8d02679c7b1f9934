#pragma once
// What the `image` step learned, for the steps after it (pipeline::RunState::image):
//  - `target` compares `kind` with the board's fw_format (check_kind_fits: TEE needs a signed image,
//    ELF needs a plain ELF — failures F01/F02) and `segments` with the board's reserved-memory
//    (image::segments_outside with regions read from /proc/device-tree/reserved-memory);
//  - `upload` sends `upload_path` and checks the copy against `upload_size` / `upload_sha256`;
//  - `remoteproc`/`verify` expect rpmsg/trace only when `has_resource_table`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "image/segment.h"

namespace stm32mp::image {

enum class ImageKind {
  elf,            // plain ELF32 ARM executable: for an rproc in ELF mode
  signed_image,   // current OP-TEE signed format: for an rproc in TEE mode
  signed_legacy,  // older 56-byte-header signed format: accepted by neither current loader
  other,          // anything else (raw binary, Intel HEX, ELF64, truncated…)
};

// "elf", "signed", "signed-legacy", "other" (stable: used in facts and JSON).
[[nodiscard]] std::string_view to_string(ImageKind kind);

struct ImageFacts {
  ImageKind kind = ImageKind::other;  // kind of the file to upload
  std::string upload_path;            // the signed image when given, else the ELF
  std::uint64_t upload_size = 0;      // bytes
  std::string upload_sha256;          // lower-case hex of the whole file
  std::string elf_path;               // the ELF being debugged (symbols), "" when not given
  std::uint32_t entry = 0;            // e_entry of the ELF that is loaded (embedded one for signed)
  std::vector<Segment> segments;      // its program headers (all types; PT_LOAD are the loaded ones)
  bool has_resource_table = false;    // ".resource_table" present
  std::optional<std::uint32_t> boot_addr;  // BOOTADDR TLV of a signed image
  std::string cpu_arch;               // Tag_CPU_arch ("v8-M.mainline"), "" when unknown

  // The basename written to /lib/firmware and to the remoteproc's firmware attribute.
  [[nodiscard]] std::string upload_name() const;
};

// A signed image of either format: what an rproc in ELF mode refuses as "bad magic".
[[nodiscard]] constexpr bool is_signed(ImageKind kind) {
  return kind == ImageKind::signed_image || kind == ImageKind::signed_legacy;
}

// The board's firmware format (content of /sys/class/remoteproc/remoteprocN/fw_format: "TEE" or
// "ELF") against the kind of image to upload. Returns an IMG022 diagnostic when they do not fit,
// nullopt when they do or when the format is unknown (empty).
[[nodiscard]] std::optional<core::Diagnostic> check_kind_fits(const ImageFacts& facts, std::string_view fw_format);

}  // namespace stm32mp::image
