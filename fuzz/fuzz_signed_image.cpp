// libFuzzer target: image::read_signed_image on arbitrary bytes, then the embedded ELF(s) the way the
// image step reads them.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "image/elf_reader.h"
#include "image/signed_image.h"
#include "image/st_tee_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const image::Bytes bytes(data, size);
  (void)image::is_legacy_signed(bytes);
  const auto img = image::read_signed_image(bytes);
  if (!img) {
    fuzz::require_diagnostic(img.error());
    return 0;
  }
  (void)img->unknown_tlvs();
  (void)image::judge_for_st_tee(*img, "fuzz");  // ST's TA/PTA rules, PKEYINFO's DER walk included
  for (const auto& t : img->tlvs) (void)image::tlv_name(t.type);
  for (const auto& e : img->images) {
    // read_signed_image guarantees the image lies in the file; slice() would return nullopt otherwise.
    const auto sub = image::slice(bytes, e.offset, e.size);
    if (!sub) __builtin_trap();
    const auto elf = image::read_elf(*sub);
    if (!elf) fuzz::require_diagnostic(elf.error());
  }
  return 0;
}
