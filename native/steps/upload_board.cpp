// The upload step's board work besides its main line (steps/upload_board.h).
#include "steps/upload_board.h"

#include "core/progress.h"
#include "remote/remote_error_text.h"

namespace stm32mp::steps::upload {
namespace {

using Kind = ports::RemoteError::Kind;

// Cleanup after a failure or a cancel must still run, briefly, with its own token.
constexpr core::Millis kCleanupBudget{3000};

// A fixed command's outcome: nothing when it exited 0, else its error (`doing`: "removing <path>"), the kind read
// from its stderr, or from `program`'s exit status when it said nothing.
std::optional<ports::RemoteError> outcome(const Reply& ran, const std::string& doing, const std::string& program) {
  if (!ran) return ran.error();
  if (ran->exit_status == 0) return std::nullopt;
  std::string text = ran->err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) text = program + " exited with status " + std::to_string(ran->exit_status);
  return ports::RemoteError{ports::kind_from_shell_error(text), doing + ": " + text};
}

}  // namespace

core::expected<remote::RemoteCopy, ports::RemoteError> copy_of(const Reply& reply) {
  if (!reply) return core::unexpected{reply.error()};
  auto parsed = remote::parse_checksum(reply->out);
  if (!parsed) return core::unexpected{ports::RemoteError{Kind::failure, parsed.error()}};
  return *parsed;
}

core::expected<remote::RemoteCopy, ports::RemoteError> remote_copy(ports::BoardSession& session, const std::string& path,
                                                                   const image::ImageFacts& img, core::StepControl& control) {
  return copy_of(session.exec(remote::checksum_command(path, img.upload_size, img.upload_sha256), control.deadline,
                              control.cancel));
}

std::optional<ports::RemoteError> remove_file(ports::BoardSession& session, const std::string& path,
                                              const core::Deadline& deadline, const core::CancelToken& cancel) {
  auto err = session.remove(path, deadline, cancel);
  if (!err || err->kind != Kind::no_sftp) return err;
  return outcome(session.exec_with_input(std::string(remote::remove_by_input_command()), path + "\n", "", {}, deadline,
                                         cancel),
                 "removing " + path, "rm");
}

std::optional<ports::RemoteError> upload_over_exec(ports::BoardSession& session, const std::string& local,
                                                   const std::string& tmp, const ports::UploadProgress& progress,
                                                   core::StepControl& control) {
  return outcome(session.exec_with_input(std::string(remote::exec_upload_command()), tmp + "\n", local, progress,
                                         control.deadline, control.cancel),
                 "writing " + tmp + " over an exec channel", "the upload command");
}

std::string Recovery::remove_temporary(const std::string& tmp) {
  const core::Deadline& deadline = budget();
  auto err = remove_file(session_, tmp, deadline, token_);
  if (err && err->kind == Kind::disconnected && other()) {
    err = remove_file(*fresh_, tmp, deadline, token_);
    if (!err || err->kind == Kind::no_such_file) return "removed (over a new SSH session: the first one broke with the upload)";
  }
  if (!err || err->kind == Kind::no_such_file) return "removed";
  return std::string("not removed (") + remote::describe(*err) + "); the next upload removes it";
}

core::expected<remote::RemoteCopy, ports::RemoteError> Recovery::reread(const std::string& path) {
  core::NullProgress quiet;
  core::StepControl control{token_, budget(), quiet};
  auto copy = remote_copy(session_, path, *in_.image, control);
  if (!copy && copy.error().kind == Kind::disconnected && other()) copy = remote_copy(*fresh_, path, *in_.image, control);
  return copy;
}

// Starts with the first piece of work: the budget is the recovery's, not the upload's.
const core::Deadline& Recovery::budget() {
  if (!deadline_) deadline_.emplace(kCleanupBudget);
  return *deadline_;
}

bool Recovery::other() {
  if (!fresh_ && !tried_ && in_.reopen) fresh_ = in_.reopen(budget(), token_);
  tried_ = true;
  return fresh_ != nullptr;
}

}  // namespace stm32mp::steps::upload
