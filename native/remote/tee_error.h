#pragma once
// GlobalPlatform TEE Internal Core API result codes, as OP-TEE's remoteproc TA returns them and
// tee_remoteproc.c prints them ("… invoke failed TEE err: ffff0006, ret:0").
#include <cstdint>
#include <string>

namespace stm32mp::remote {

struct TeeErrorInfo {
  const char* name;     // TEE_ERROR_BAD_PARAMETERS
  const char* meaning;  // what it means for a remoteproc firmware load
};

// The one result a step tests by value: the PTA refusing the signature's algorithm (RPC037).
inline constexpr std::uint32_t kTeeErrorNotSupported = 0xFFFF000A;

// Unknown codes get name "TEE_ERROR_UNKNOWN" and a generic meaning.
[[nodiscard]] TeeErrorInfo decode_tee_error(std::uint32_t code);

}  // namespace stm32mp::remote
