#include "remote/tee_error.h"

#include <array>
#include <utility>

namespace stm32mp::remote {

TeeErrorInfo decode_tee_error(std::uint32_t code) {
  // Values from the GlobalPlatform TEE Internal Core API (tee_api_defines.h in OP-TEE); meanings
  // from what the remoteproc TA and the stm32mp PTA do when they return them (ta/remoteproc/src/
  // remoteproc_core.c, core/pta/stm32mp/remoteproc_pta.c; upstream 2025, ST 4.0.0-based tree, ST
  // 3.9/3.19-beta). Where versions differ the meaning names the version.
  static constexpr std::array<std::pair<std::uint32_t, TeeErrorInfo>, 25> kTable{{
      {0xF0100001, {"TEE_ERROR_CORRUPT_OBJECT", "ST's OP-TEE 3.x (3.9 MP1, 3.19-beta MP2) found the signed image's header or TLVs malformed: the file is not in the format that release expects"}},
      {0xFFFF0000, {"TEE_ERROR_GENERIC", "the TA failed without a specific reason"}},
      {0xFFFF0001, {"TEE_ERROR_ACCESS_DENIED", "a segment falls outside the memories OP-TEE assigns to the coprocessor"}},
      {0xFFFF0002, {"TEE_ERROR_CANCEL", "the operation was cancelled"}},
      {0xFFFF0003, {"TEE_ERROR_ACCESS_CONFLICT", "the coprocessor resource is in use"}},
      {0xFFFF0004, {"TEE_ERROR_EXCESS_DATA", "the image is larger than the TA accepts"}},
      {0xFFFF0005, {"TEE_ERROR_BAD_FORMAT", "the image inside the signed container is not a valid ELF"}},
      {0xFFFF0006, {"TEE_ERROR_BAD_PARAMETERS", "the file is not a signed image in the format this OP-TEE expects (wrong magic/version/sizes, or a plain ELF; upstream and ST 4.x)"}},
      {0xFFFF0007, {"TEE_ERROR_BAD_STATE", "the TA is not in a state that allows this command: after a failed start it still holds the previous image (ST's TA refuses a new load until the board is rebooted)"}},
      {0xFFFF0008, {"TEE_ERROR_ITEM_NOT_FOUND", "the TA or PTA does not know this coprocessor id"}},
      {0xFFFF0009, {"TEE_ERROR_NOT_IMPLEMENTED", "this OP-TEE does not implement the request: on ST's PTA, a platform TLV other than BOOTADDR/BOOTSEC"}},
      {0xFFFF000A, {"TEE_ERROR_NOT_SUPPORTED", "the signature or hash algorithm is not supported by this OP-TEE (stock builds verify RSA-2048 PKCS#1 v1.5 + SHA-256; ECDSA only with its PTA option)"}},
      {0xFFFF000B, {"TEE_ERROR_NO_DATA", "a mandatory TLV is missing, or a segment has no entry in the signed hash table"}},
      {0xFFFF000C, {"TEE_ERROR_OUT_OF_MEMORY", "OP-TEE ran out of memory"}},
      {0xFFFF000D, {"TEE_ERROR_BUSY", "the TA is busy"}},
      {0xFFFF000E, {"TEE_ERROR_COMMUNICATION", "Linux could not talk to the TA"}},
      {0xFFFF000F, {"TEE_ERROR_SECURITY", "a segment's SHA-256 does not match the signed hash table (image altered after signing)"}},
      {0xFFFF0010, {"TEE_ERROR_SHORT_BUFFER", "a buffer was too small"}},
      {0xFFFF0011, {"TEE_ERROR_EXTERNAL_CANCEL", "the operation was cancelled from outside"}},
      {0xFFFF300F, {"TEE_ERROR_OVERFLOW", "an arithmetic overflow in the image sizes"}},
      {0xFFFF3024, {"TEE_ERROR_TARGET_DEAD", "the TA panicked"}},
      {0xFFFF3041, {"TEE_ERROR_STORAGE_NO_SPACE", "secure storage is full"}},
      {0xFFFF3071, {"TEE_ERROR_MAC_INVALID", "a MAC check failed"}},
      {0xFFFF3072, {"TEE_ERROR_SIGNATURE_INVALID", "the signature does not verify with the public key built into this OP-TEE (signed with another key)"}},
      {0xFFFF5000, {"TEE_ERROR_TIME_NOT_SET", "the secure time is not set"}},
  }};
  for (const auto& [value, info] : kTable) {
    if (value == code) return info;
  }
  return {"TEE_ERROR_UNKNOWN", "an OP-TEE error this tool does not know"};
}

}  // namespace stm32mp::remote
