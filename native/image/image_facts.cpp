#include "image/image_facts.h"

#include <filesystem>

#include "files/utf8_path.h"

namespace stm32mp::image {

std::string_view to_string(ImageKind kind) {
  switch (kind) {
    case ImageKind::elf: return "elf";
    case ImageKind::signed_image: return "signed";
    case ImageKind::signed_legacy: return "signed-legacy";
    case ImageKind::other: return "other";
  }
  return "other";
}

std::string ImageFacts::upload_name() const { return files::utf8_string(files::utf8_path(upload_path).filename()); }

std::optional<core::Diagnostic> check_kind_fits(const ImageFacts& facts, std::string_view fw_format) {
  std::string format(fw_format);
  while (!format.empty() && (format.back() == '\n' || format.back() == ' ')) format.pop_back();
  if (format.empty()) return std::nullopt;
  const bool tee = format == "TEE";
  const bool fits = tee ? facts.kind == ImageKind::signed_image : facts.kind == ImageKind::elf;
  if (fits) return std::nullopt;
  const std::string needs = tee ? "a signed image (<P>_CM33_NonSecure_sign.bin)" : "a plain ELF (<P>_CM33_NonSecure.elf)";
  const std::string kernel = tee ? "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006 / Boot failed: -5"
                                 : "Image is corrupted (bad magic) / Boot failed: -22";
  return core::make_diagnostic(core::Code::ImageKindMismatch, {{"upload", facts.upload_path},
                                                               {"kind", std::string(to_string(facts.kind))},
                                                               {"fw_format", format},
                                                               {"needs", needs},
                                                               {"kernel_log", kernel}});
}

}  // namespace stm32mp::image
