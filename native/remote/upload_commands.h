#pragma once
// The fixed commands of the upload step. The only variable parts are paths passed through
// ports::shell_quote and the size and SHA-256 the tool computed itself from the local image (quoted
// too) — never raw user text.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.h"
#include "ports/board_session.h"
#include "remote/remote_copy.h"

namespace stm32mp::remote {

// SHA-256 of `path` (read through stdin so that sha256sum never escapes the name in its output) against the expected
// one; the size is the expected one when they match (equal content), else not read (0). When `then` is given (a
// fixed script: remote/rproc_commands.h's load_and_start_body) and the copy holds the expected image, the same
// command goes on to run it: an unchanged image is checked and loaded in one round trip.
[[nodiscard]] std::string checksum_command(const std::string& path, std::uint64_t size, const std::string& sha256,
                                           const std::string& then = "");
[[nodiscard]] core::expected<RemoteCopy, std::string> parse_checksum(std::string_view out);

// One round trip that finishes an upload: checks the temporary file's SHA-256 against the expected one and,
// only when it matches, renames it over the real name with `mv -f --` (same directory: rename(2), atomic, so the
// real name never holds a partial or mismatching image). On a mismatch or a failed mv the temporary file is
// removed in the same command. After a rename, `then` (when given) runs in the same shell: the new image is
// checked, put in place, and loaded and started in one round trip.
[[nodiscard]] std::string commit_upload_command(const std::string& tmp, const std::string& real, std::uint64_t size,
                                                const std::string& sha256, const std::string& then = "");

// The exec-channel upload of a board without SFTP. Fixed text: the temporary file's path arrives as the
// first line of stdin (the shell's read takes it byte by byte and leaves the image behind it), so no
// name is ever part of a command; cat writes the rest of stdin into that file, then sync flushes it
// (what the SFTP path's fsync does: that file only where sync takes a file, else everything). Exit status 0 only when every byte reached the file.
[[nodiscard]] std::string_view exec_upload_command();
// Removes the file whose path is the first line of stdin (a board without SFTP: leftovers, cleanup).
[[nodiscard]] std::string_view remove_by_input_command();

struct UploadCommit {
  RemoteCopy temp;                  // what the temporary file held before the rename
  bool matched = false;             // size and SHA-256 matched: mv was run
  bool renamed = false;             // mv succeeded: the real name holds the verified image
  std::string mv_error;             // mv's stderr (LC_ALL=C) when it failed, or "mv exited with status N"
  bool temp_removed = false;        // after a mismatch or a failed mv: the temporary file is gone
  std::string rm_error;             // why it is not gone
};

[[nodiscard]] core::expected<UploadCommit, std::string> parse_commit_upload(std::string_view out);

// Whether the output of a checksum or commit command shows that its `then` script started (a complete then.ran=1
// line): the copy matched (and was renamed). Also for a reply that was lost: what it printed before the
// connection or the deadline ended it (RemoteError::partial_out).
[[nodiscard]] bool then_started(std::string_view partial_out);

}  // namespace stm32mp::remote
