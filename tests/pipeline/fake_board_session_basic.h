#pragma once
// A board session that answers every command with `reply` and every file operation with success (or the error set):
// for tests that need a logged-in session but no board dialogue. A scripted one: tests/remote/fake_board_session.h.
#include <optional>
#include <string>

#include "ports/board_session.h"

namespace stm32mp::testing {

// A board session whose answers the test sets: `stat_error` fails the liveness check, `exec_error` fails a command.
class FakeSession final : public ports::BoardSession {
 public:
  std::optional<ports::RemoteError> stat_error;
  std::optional<ports::RemoteError> exec_error;
  std::string reply;  // what every command prints
  int stats = 0;
  int execs = 0;
  core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string&, const core::Deadline&,
                                                             const core::CancelToken&) override {
    ++execs;
    if (exec_error) return core::unexpected{*exec_error};
    return ports::ExecResult{0, reply, ""};
  }
  std::optional<ports::RemoteError> upload(const std::string&, const std::string&, const ports::UploadProgress&,
                                           const core::Deadline&, const core::CancelToken&) override {
    return std::nullopt;
  }
  core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(const std::string&, const std::string&,
                                                                        const std::string&, const ports::UploadProgress&,
                                                                        const core::Deadline&,
                                                                        const core::CancelToken&) override {
    return ports::ExecResult{0, "", ""};
  }
  core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string&, const core::Deadline&,
                                                                 const core::CancelToken&) override {
    ++stats;
    if (stat_error) return core::unexpected{*stat_error};
    return ports::RemoteFileInfo{4096, 0755};
  }
  std::optional<ports::RemoteError> remove(const std::string&, const core::Deadline&, const core::CancelToken&) override {
    return std::nullopt;
  }
  std::optional<ports::RemoteError> rename(const std::string&, const std::string&, const core::Deadline&,
                                           const core::CancelToken&) override {
    return std::nullopt;
  }
};

}  // namespace stm32mp::testing
