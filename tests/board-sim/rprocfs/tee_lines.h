// The kernel lines of ST's tee_remoteproc driver, shared by the load/start (remoteproc_board_tee.cpp) and the
// stop (remoteproc_board.cpp) of a TEE-mode core.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace boardsim {

// The TEE client's device: ST's tee_remoteproc driver binds to the TA's device on the TEE bus and prints
// its TA_RPROC_* errors with that prefix ([inferred] from dev_err() on the tee_client device; no capture).
inline constexpr char kTeeDev[] = "tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08";

// ST's tee_remoteproc.c format: "%s invoke failed TEE err: %x, ret:%x".
inline std::string ta_failed(const char* command, std::uint32_t err) {
    char line[112];
    std::snprintf(line, sizeof line, "%s invoke failed TEE err: %x, ret:%x", command, err, 0u);
    return line;
}

}  // namespace boardsim
