#pragma once
// Words for a ports::RemoteError in reports.
#include <string>

#include "ports/board_session.h"

namespace stm32mp::remote {

[[nodiscard]] const char* kind_name(ports::RemoteError::Kind k);
// "timed out (…)", "connection lost (…)": the kind in words plus what the library said.
[[nodiscard]] std::string describe(const ports::RemoteError& e);

// A shell tool's error text (run with LC_ALL=C, e.g. mv's stderr) → the kind the upload step
// diagnoses. The same mapping as the libssh2 session's rename (adapters/libssh2/libssh2_board_session.cpp).
[[nodiscard]] ports::RemoteError::Kind kind_from_shell_error(const std::string& text);

}  // namespace stm32mp::remote
