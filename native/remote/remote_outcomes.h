#pragma once
// What the upload and remoteproc steps leave in RunState for the steps after them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "ports/board_session.h"

namespace stm32mp::remote {

struct UploadOutcome {
  std::string name;         // basename under /lib/firmware (what goes into the firmware attribute)
  std::string remote_path;
  bool unchanged = false;   // the board already had identical content: no transfer
  // The reply of the load script the upload's last command ran once the image was in place (steps::LoadPlan): the
  // remoteproc step reads it instead of a round trip of its own. Absent when the script did not start.
  std::optional<core::expected<ports::ExecResult, ports::RemoteError>> load_reply = {};
};

struct LoadOutcome {
  int index = -1;
  std::string instance;                 // m33
  std::uint64_t log_position = 0;       // kernel log line count just before `start`
  std::vector<std::string> start_log;   // lines printed by the start write
  std::int64_t start_write_ms = 0;      // the start write: measured on the board, else the load command's round trip
  std::string state_after;              // the instance's state right after the start write (same command)
  std::optional<int> rpmsg_ttys;        // /dev/ttyRPMSG* counted right after the start write
};

}  // namespace stm32mp::remote
