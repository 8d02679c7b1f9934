#pragma once
// Words for a ports::RemoteError in reports.
#include <string>

#include "ports/board_session.h"

namespace stm32mp::remote {

[[nodiscard]] const char* kind_name(ports::RemoteError::Kind k);
// "timed out (…)", "connection lost (…)": the kind in words plus what the library said.
[[nodiscard]] std::string describe(const ports::RemoteError& e);

}  // namespace stm32mp::remote
