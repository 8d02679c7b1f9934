#pragma once
// The upload step's work on the board besides its main line (upload_step.cpp): reading a copy back, removing a
// file with or without SFTP, the exec-channel transfer, and the recovery after an interruption. Not part of the
// steps' interface.
#include <memory>
#include <optional>
#include <string>

#include "core/runner.h"
#include "ports/board_session.h"
#include "remote/upload_commands.h"
#include "steps/upload_step.h"

namespace stm32mp::steps::upload {

using Reply = core::expected<ports::ExecResult, ports::RemoteError>;

// The copy a checksum command's reply describes.
[[nodiscard]] core::expected<remote::RemoteCopy, ports::RemoteError> copy_of(const Reply& reply);

// One exec: the SHA-256 of a fixed path (quoted) against the image's.
[[nodiscard]] core::expected<remote::RemoteCopy, ports::RemoteError> remote_copy(ports::BoardSession& session,
                                                                                 const std::string& path,
                                                                                 const image::ImageFacts& img,
                                                                                 core::StepControl& control);

// Removes a file in /lib/firmware: over SFTP, or on a board without it by a fixed command that reads
// the path from stdin (so that no name is ever given to a shell as part of a command).
[[nodiscard]] std::optional<ports::RemoteError> remove_file(ports::BoardSession& session, const std::string& path,
                                                            const core::Deadline& deadline,
                                                            const core::CancelToken& cancel);

// The exec-channel upload into `tmp` (the board has no SFTP); the same errors as SFTP's upload.
[[nodiscard]] std::optional<ports::RemoteError> upload_over_exec(ports::BoardSession& session, const std::string& local,
                                                                 const std::string& tmp,
                                                                 const ports::UploadProgress& progress,
                                                                 core::StepControl& control);

// The work after an interruption, within its own short budget and token (the run's may be cancelled):
// over the run's session while it works, else over one new login when that one broke with the upload.
class Recovery {
 public:
  Recovery(ports::BoardSession& session, const UploadInputs& in) : session_(session), in_(in) {}

  // Removes the temporary file; says whether it is gone and how.
  [[nodiscard]] std::string remove_temporary(const std::string& tmp);
  // What the board holds under `path` now, read again after a lost reply.
  [[nodiscard]] core::expected<remote::RemoteCopy, ports::RemoteError> reread(const std::string& path);

 private:
  const core::Deadline& budget();
  bool other();

  ports::BoardSession& session_;
  const UploadInputs& in_;
  core::CancelToken token_;
  std::optional<core::Deadline> deadline_;
  std::shared_ptr<ports::BoardSession> fresh_;
  bool tried_ = false;
};

}  // namespace stm32mp::steps::upload
