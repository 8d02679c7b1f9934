#pragma once
// Builds a signed remoteproc image in the current OP-TEE format (see signed_image.h), byte for byte
// what OP-TEE's scripts/sign_rproc_fw.py writes for one input ELF: TLVs SIGNTYPE, NUM_IMG, IMGTYPE,
// IMGSIZE, HASHTYPE, HASHTABLE, then the platform TLVs in the order given.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "image/byte_view.h"
#include "image/format_error.h"
#include "image/signed_image.h"

namespace stm32mp::image {

struct PlatformTlv {
  std::uint32_t type = 0;             // 0x10000..0x1FFFF
  std::vector<std::uint8_t> value;    // "0x…" values: 4 bytes LE; others: the UTF-8 text
};

// Parses a --plat-tlv pair: NAME (BOOTADDR, BOOTSEC) or numeric ID in 0x10000..0x1FFFF, and a value
// ("0x80100000" → u32 LE, like sign_rproc_fw.py; anything else → its bytes). Error: the reason.
[[nodiscard]] core::expected<PlatformTlv, std::string> parse_platform_tlv(const std::string& id, const std::string& value);

struct SignRequest {
  SignType sign_type = SignType::rsa_pkcs1_sha256;
  std::size_t signature_size = 0;  // RSA modulus bytes, or 64 for ECDSA P-256
  std::vector<PlatformTlv> platform_tlvs;
};

using SignFunction = std::function<core::expected<std::vector<std::uint8_t>, std::string>(Bytes to_sign)>;
using HashFunction = std::function<std::array<std::uint8_t, 32>(Bytes)>;

struct SignError {
  std::optional<FormatError> format;  // the input is not a loadable ELF
  std::string reason;                 // signing failed
};

// The whole output file. `sign` receives header ‖ padded TLV area.
[[nodiscard]] core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(Bytes elf, const SignRequest& request,
                                                                                      const HashFunction& hash,
                                                                                      const SignFunction& sign);

}  // namespace stm32mp::image
