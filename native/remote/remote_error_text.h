#pragma once
// Words for a ports::RemoteError in reports.
#include <string>

#include "ports/board_session.h"

namespace stm32mp::remote {

[[nodiscard]] const char* kind_name(ports::RemoteError::Kind k);
// "timed out (…)", "connection lost (…)": the kind in words plus what the library said.
[[nodiscard]] std::string describe(const ports::RemoteError& e);
// What the library or the board's tool said, for a code whose template already names the kind ("failed:
// permission denied ({message})"): the kind's own words at the end of the text ("…: Permission denied")
// are dropped, so that the report states the denial once.
[[nodiscard]] std::string detail(const ports::RemoteError& e);

}  // namespace stm32mp::remote
