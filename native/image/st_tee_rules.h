#pragma once
// What ST's OP-TEE (optee-os-stm32mp 4.x: ta/remoteproc/src/remoteproc_core.c and
// core/pta/stm32mp/remoteproc_pta.c) will refuse or do differently in a signed image that the format
// itself allows: a missing HASHTYPE, platform TLVs other than BOOTADDR/BOOTSEC, BOOTSEC's value,
// the PKEYINFO key, the signing key's type and size, several resource tables.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "image/byte_view.h"
#include "image/signed_image.h"

namespace stm32mp::image {

// PKEYINFO as ST's PTA parses it (fixed DER prefixes, no ASN.1 parser).
struct PkeyInfo {
  enum class Kind { rsa2048, ec_p256, unreadable } kind = Kind::unreadable;
  std::string reason;                   // why unreadable
  std::vector<std::uint8_t> hash_input;  // RSA: modulus(256) ‖ e(3); EC: X(32) ‖ Y(32): SHA-256 of it is oem_rproc_pkh
};

[[nodiscard]] PkeyInfo decode_pkey_info(Bytes der);
[[nodiscard]] std::string describe(const PkeyInfo& info);

// The diagnostics for `s` (IMG024–IMG028), in file order. `path` names the file in them.
[[nodiscard]] std::vector<core::Diagnostic> judge_for_st_tee(const SignedImage& s, const std::string& path);

}  // namespace stm32mp::image
