// Checks a signed remote-processor image the way OP-TEE's remoteproc TA (UUID 80a4c275-…) does before it
// installs the firmware: header, size rule, signature over header+TLVs with the board's public key, and the
// SHA-256 of every loadable segment from the signed hash table. Independent of the host-side signer in
// native/image on purpose: the simulator is the oracle those tools are tested against.
#pragma once

#include "carve_out.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace boardsim {

// GlobalPlatform TEE Internal Core API result codes.
inline constexpr std::uint32_t kTeeSuccess = 0;
inline constexpr std::uint32_t kTeeErrorGeneric = 0xFFFF0000;
inline constexpr std::uint32_t kTeeErrorAccessDenied = 0xFFFF0001;
inline constexpr std::uint32_t kTeeErrorBadFormat = 0xFFFF0005;
inline constexpr std::uint32_t kTeeErrorBadParameters = 0xFFFF0006;
inline constexpr std::uint32_t kTeeErrorNoData = 0xFFFF000B;  // TEE_ERROR_NO_DATA (tee_api_defines.h)
inline constexpr std::uint32_t kTeeErrorNotSupported = 0xFFFF000A;
inline constexpr std::uint32_t kTeeErrorSecurity = 0xFFFF000F;
inline constexpr std::uint32_t kTeeErrorSignatureInvalid = 0xFFFF3072;

struct TeeCheckResult {
    std::uint32_t tee_err = kTeeSuccess;
    std::string ta_message;  // what the TA would print on the secure console (E/TA: …)
};

// pta_ecdsa: the board's OP-TEE verifies ECDSA P-256 signatures (ST's CFG_REMOTEPROC_PUB_KEY_VERIFY=y, default
// n). Without it the PTA answers an ECDSA image TEE_ERROR_NOT_SUPPORTED whatever the key (upstream's PTA is RSA
// only; ST's 4.x verifies ECDSA only with that option), so only the key TYPE is refused.
[[nodiscard]] TeeCheckResult check_signed_image(std::span<const std::uint8_t> image, const std::string& public_key_pem_path,
                                                const std::vector<CarveOut>& carve_outs, bool pta_ecdsa = false);

}  // namespace boardsim
