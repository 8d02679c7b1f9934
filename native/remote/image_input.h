#pragma once
// The facts about the image to load that the remote steps need. Filled from the image step's facts
// when present (pipeline wiring), else read here from the file named by --signed / --elf so the
// remote steps also work with --skip image.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"

namespace stm32mp::remote {

enum class ImageKind { elf, signed_image, unknown };

[[nodiscard]] const char* to_string(ImageKind k);

struct LoadSegment {
  std::uint64_t paddr = 0;
  std::uint64_t memsz = 0;
};

struct ImageInput {
  std::string local_path;
  std::string name;               // basename written to the board and to the firmware attribute
  std::uint64_t size = 0;
  std::string sha256;             // lowercase hex
  ImageKind kind = ImageKind::unknown;
  std::vector<LoadSegment> segments;  // PT_LOAD with memsz > 0 (of the embedded ELF for signed images)
  std::optional<bool> has_resource_table;
};

// Reads, hashes and classifies `path` (first bytes: 7f 45 4c 46 = ELF, 68 a4 43 35 = signed TEE image).
[[nodiscard]] core::expected<ImageInput, std::string> read_image_input(const std::string& path);

}  // namespace stm32mp::remote
