#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "image/image_facts.h"
#include "remote/remote_outcomes.h"
#include "remote/board_fingerprint.h"
#include "remote/target_facts.h"

namespace stm32mp::steps {

struct UploadInputs {
  std::optional<image::ImageFacts> image;  // absent when the file could not be read: see image_problem
  std::string image_path;
  std::string image_problem;
  std::vector<std::string> leftovers;  // from the target step: .<name>.prelaunch-tmp files to remove
  std::string server_banner;           // the SSH server's banner (ssh step): picks the fix texts
  bool exec_upload = true;             // without SFTP, upload over an exec channel (--no-exec-upload: false)
  // A second, short login to the same board (the way the ssh step logged in), for the work after an
  // interruption when the run's session broke with it (libssh2 stops mid-packet). Empty: none.
  std::function<std::shared_ptr<ports::BoardSession>(const core::Deadline&, const core::CancelToken&)> reopen;
  // What the last check on this session left in /lib/firmware (pipeline/kept_facts.h). When it is the same
  // path with another SHA-256 (the edit-Debug loop), the board's copy is not read back before the upload:
  // at worst someone else put identical content there since, and it is sent again.
  std::optional<remote::LeftCopy> left_copy;
  // The load the remoteproc step will make (steps::plan_load's script): run by the board in the same command that
  // finds the image in place — the check of an unchanged copy, or the check and rename of a new one — so that a
  // relaunch costs one round trip after the transfer. Its reply goes to UploadOutcome::load_reply. Empty: none.
  std::string then_script = {};
  // The board's copy under the real name as this run's target probe read it: no read-back round trip.
  std::optional<remote::RemoteCopy> probed_copy = {};
};

// Atomic upload to /lib/firmware: SFTP to .<name>.prelaunch-tmp (fsynced by the session), then one
// command checks size and SHA-256 on the board and renames it over the real name only when both
// match. The real name never holds a partial or mismatching file. After a failure, a deadline or a
// cancel the temporary file is removed within a short budget of its own, over the run's session or,
// when that one broke, over a new one (`reopen`); when the check-and-rename's reply was lost, the board
// is re-read before the report says anything: a verified rename is reported as done.
// Exec round trips: 2 (1 when unchanged, 1 when the last check on the session left another image there), the load
// included when then_script is given.
// A board whose SSH server has no SFTP subsystem gets the image over an exec channel instead (a fixed
// command reading stdin into the same temporary file; remote/upload_commands.h), then the same check
// and rename: UPL012 says so; with exec_upload off it ends in UPL011, nothing written.
[[nodiscard]] core::StepReport upload_image(const UploadInputs& in, ports::BoardSession& session,
                                            core::StepControl& control, std::optional<remote::UploadOutcome>& out);

// Why `name` cannot be a firmware name, or "" when it can. Spaces, quotes, '$', '`', ';' are fine
// (every command quotes it, SFTP needs no quoting); refused: empty, '.', '..', '/', control
// characters (a newline would be cut by the kernel), more than 255 bytes, a leading '-'.
[[nodiscard]] std::string firmware_name_problem(const std::string& name);

}  // namespace stm32mp::steps
