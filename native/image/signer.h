#pragma once
// Builds a signed remoteproc image in the current OP-TEE format (see signed_image.h), byte for byte
// what sign_rproc_fw.py writes for the same inputs. Two TLV orders exist, and both load (the TA finds
// records by type):
//   st (default)  ST's script (optee-os-stm32mp 4.x, the one that made the _sign.bin in STM32CubeMP2):
//                 SIGNTYPE, [ENCTYPE], HASHTABLE|ENCTABLE, NUM_IMG, IMGTYPE, IMGSIZE, HASHTYPE, [PKEYINFO], platform
//   upstream      OP-TEE/optee_os: SIGNTYPE, NUM_IMG, IMGTYPE, IMGSIZE, HASHTYPE, HASHTABLE, [PKEYINFO], platform
// With an AES key (ST only) every PT_LOAD segment is AES-CBC encrypted in place with its own IV.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
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

enum class TlvOrder { st, upstream };

struct SignRequest {
  SignType sign_type = SignType::rsa_pkcs1_sha256;
  std::size_t signature_size = 0;  // RSA modulus bytes, or 64 for ECDSA P-256
  std::vector<PlatformTlv> platform_tlvs;
  TlvOrder order = TlvOrder::st;
  std::vector<std::uint8_t> key_info;                // PKEYINFO value (--key-info file), empty: none
  std::optional<std::vector<std::uint8_t>> enc_key;  // AES-128/192/256 key: encrypted images (ST order only)
};

using SignFunction = std::function<core::expected<std::vector<std::uint8_t>, std::string>(Bytes to_sign)>;
using HashFunction = std::function<std::array<std::uint8_t, 32>(Bytes)>;
using EncryptFunction =
    std::function<core::expected<std::vector<std::uint8_t>, std::string>(Bytes key, std::span<const std::uint8_t, 16> iv, Bytes plain)>;
using IvFunction = std::function<core::expected<std::array<std::uint8_t, 16>, std::string>()>;

// The crypto the signer needs, as ports (OpenSSL in the CLI; tests give fixed IVs to reproduce a
// reference file byte for byte).
struct SignCrypto {
  HashFunction hash;
  SignFunction sign;
  EncryptFunction encrypt;  // needed with enc_key only
  IvFunction next_iv;       // one call per PT_LOAD segment, in file order
};

struct SignError {
  std::optional<FormatError> format;  // the input is not a loadable ELF
  std::string reason;                 // signing failed
  std::size_t input = 0;              // which input (index into the ELFs) `format` is about
};

[[nodiscard]] core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(const std::vector<Bytes>& elfs,
                                                                                      const SignRequest& request,
                                                                                      const SignCrypto& crypto);

// One ELF, no encryption. `sign` receives header ‖ padded TLV area.
[[nodiscard]] core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(Bytes elf, const SignRequest& request,
                                                                                      const HashFunction& hash,
                                                                                      const SignFunction& sign);

}  // namespace stm32mp::image
