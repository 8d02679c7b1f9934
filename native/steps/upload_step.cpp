#include "steps/upload_step.h"

#include <chrono>
#include <cstdio>

#include "core/progress.h"
#include "remote/remote_error_text.h"
#include "remote/ssh_server.h"
#include "remote/upload_commands.h"
#include "steps/upload_board.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::Facts;
using Kind = ports::RemoteError::Kind;
using upload::copy_of;
using upload::Reply;
using upload::Recovery;
using upload::remove_file;
using upload::upload_over_exec;

constexpr const char* kFirmwareDir = "/lib/firmware/";
constexpr const char* kLoadedAfter = "the same command went on to stop, load and start it (see remoteproc)";

std::string suggestion(const std::string& name) {
  std::string s;
  for (unsigned char c : name) {
    if (c == '/' || c < 0x20 || c == 0x7f) continue;
    s.push_back(static_cast<char>(c));
  }
  while (!s.empty() && (s.front() == '-' || s.front() == '.')) s.erase(s.begin());
  return s.empty() ? "firmware.elf" : s;
}

Code code_for(Kind k) {
  switch (k) {
    case Kind::no_space: return Code::UploadNoSpace;
    case Kind::read_only: return Code::UploadReadOnly;
    case Kind::permission_denied: return Code::UploadPermissionDenied;
    case Kind::cancelled: return Code::UploadCancelled;
    case Kind::timeout:
    case Kind::disconnected: return Code::UploadInterrupted;
    case Kind::no_sftp: return Code::UploadNoSftp;
    case Kind::no_such_file:
    case Kind::failure: return Code::UploadRemoteFailure;
  }
  return Code::UploadRemoteFailure;
}

// Whether the board began the load handed to the upload (then_script), in its own words: the reply, or what a lost
// reply had printed.
bool load_began(const UploadInputs& in, const Reply& reply) {
  return !in.then_script.empty() && remote::then_started(reply ? reply->out : reply.error().partial_out);
}

// The `message` fact of a failure: the codes whose template names the kind get the details only.
std::string message_for(Code code, const ports::RemoteError& e) {
  const bool kind_in_template =
      code == Code::UploadNoSpace || code == Code::UploadReadOnly || code == Code::UploadPermissionDenied;
  return kind_in_template ? remote::detail(e) : remote::describe(e);
}

}  // namespace

std::string firmware_name_problem(const std::string& name) {
  if (name.empty()) return "it is empty";
  if (name == "." || name == "..") return "it names a directory";
  if (name.size() > 255) return "it is longer than 255 bytes";
  if (name.front() == '-') return "it starts with '-'";
  for (unsigned char c : name) {
    if (c == '/') return "it contains '/' (only a basename may be written to the firmware attribute)";
    if (c == '\n') return "it contains a newline (the kernel keeps the name only up to the first newline)";
    if (c < 0x20 || c == 0x7f) return "it contains a control character";
  }
  return "";
}

core::StepReport upload_image(const UploadInputs& in, ports::BoardSession& session, core::StepControl& control,
                              std::optional<remote::UploadOutcome>& out) {
  auto r = core::report_of(core::StepId::Upload);
  if (!in.image) {
    r.add(Code::UploadImageUnreadable, {{"image", in.image_path}, {"reason", in.image_problem}});
    return r;
  }
  const auto& img = *in.image;
  const std::string name = img.upload_name();
  const std::string real = kFirmwareDir + name;
  const std::string tmp = std::string(kFirmwareDir) + "." + name + ".prelaunch-tmp";
  r.observed.set("image", img.upload_path);
  r.observed.set("remote_path", real);
  r.observed.set("size", std::to_string(img.upload_size));
  r.observed.set("sha256", img.upload_sha256);
  if (auto problem = firmware_name_problem(name); !problem.empty()) {
    r.add(Code::UnsafeFirmwareName, {{"name", name}, {"reason", problem}, {"suggestion", suggestion(name)}});
    return r;
  }

  // Leftovers of earlier interrupted uploads (names listed by the target probe; removed over SFTP,
  // so a strange name is never given to a shell).
  std::vector<std::string> removed;
  for (const auto& left : in.leftovers) {
    if (left.find('/') != std::string::npos || left.empty()) continue;
    if (!remove_file(session, kFirmwareDir + left, control.deadline, control.cancel)) removed.push_back(left);
  }
  if (!removed.empty()) {
    std::string files;
    for (const auto& f : removed) files += (files.empty() ? "" : ", ") + f;
    r.add(Code::UploadLeftoversRemoved, {{"count", std::to_string(removed.size())}, {"files", files}});
  }

  const Facts base{{"image", name}, {"remote_path", real}, {"size", std::to_string(img.upload_size)}, {"sha256", img.upload_sha256}};
  auto with = [&](Facts extra) {
    Facts f = base;
    for (const auto& [k, v] : extra) f.set(k, v);
    return f;
  };

  // What the upload did to the real name: "new", "replaced", or — when the board's copy was not read — over what
  // the last check left there (someone may have removed it since: not said as a fact).
  const char* upload_kind = "replaced the image the last check left (not read back)";
  if (in.left_copy && in.left_copy->path == real && in.left_copy->sha256 != img.upload_sha256) {
    r.observed.set("board_copy", "not read: the last check on this session left another image there (sha256 " +
                                     in.left_copy->sha256.substr(0, 12) + "…)");
  } else {
    // The board's copy: as this run's probe read it, else read back here; when the read-back finds this image, the
    // same command goes on to load it (then_script).
    std::optional<Reply> reply;
    core::expected<remote::RemoteCopy, ports::RemoteError> existing = remote::RemoteCopy{};
    if (in.probed_copy) {
      r.observed.set("board_copy", "read by the target step's probe");
      existing = *in.probed_copy;
    } else {
      reply = session.exec(remote::checksum_command(real, img.upload_size, img.upload_sha256, in.then_script),
                           control.deadline, control.cancel);
      existing = copy_of(*reply);
    }
    const bool loaded_after = reply && load_began(in, *reply);
    if (!existing && !loaded_after) {
      const Code code = code_for(existing.error().kind);
      r.add(code, with({{"message", message_for(code, existing.error())}}));
      return r;
    }
    upload_kind = !existing || existing->exists ? "replaced" : "new";
    if (loaded_after || (existing->exists && existing->sha256 == img.upload_sha256)) {
      r.observed.set("upload", "unchanged");
      control.progress.step_progress(100);
      out = remote::UploadOutcome{name, real, true};
      if (loaded_after) {
        r.observed.set("load", kLoadedAfter);
        out->load_reply = std::move(*reply);
      }
      return r;
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  int last_percent = -1;
  auto progress = [&](std::uint64_t sent, std::uint64_t total) {
    const int percent = total == 0 ? 100 : static_cast<int>(sent * 100 / total);
    if (percent != last_percent) {
      last_percent = percent;
      control.progress.step_progress(percent);
    }
  };
  auto err = session.upload(img.upload_path, tmp, progress, control.deadline, control.cancel);
  if (err && err->kind == Kind::no_sftp) {
    // Nothing was created: no temporary file to speak of.
    const auto server = remote::parse_server_banner(in.server_banner);
    const std::string tried = remote::sftp_server_tried(server, err->message);
    const Facts why{{"ssh_server", server.label()},
                    {"message", err->message},
                    {"sftp_server", tried.empty() ? std::string("(the server did not say)") : tried},
                    {"sftp_setup", remote::sftp_setup(server, tried)}};  // picks the fix (upload.def)
    if (!in.exec_upload) {
      r.observed.set("transfer", "none (no SFTP; exec-channel upload turned off)");
      r.add(Code::UploadNoSftp, with(why));
      return r;
    }
    r.observed.set("transfer", "exec channel (the board has no SFTP)");
    r.add(Code::UploadOverExec, with(why));
    err = upload_over_exec(session, img.upload_path, tmp, progress, control);
  } else if (!err) {
    r.observed.set("transfer", "sftp");
  }
  Recovery recovery(session, in);
  if (err) {
    const Code code = control.cancel.cancelled() ? Code::UploadCancelled : code_for(err->kind);
    r.observed.set("temporary_file", recovery.remove_temporary(tmp));
    r.add(code, with({{"message", message_for(code, *err)}, {"temporary_path", tmp}}));
    return r;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  r.observed.set("transfer_ms", std::to_string(ms));
  if (ms > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", static_cast<double>(img.upload_size) / 1e6 / (static_cast<double>(ms) / 1000.0));
    r.observed.set("throughput_MBps", rate);
  }

  // Check and rename in one round trip (remote/upload_commands.h): the board compares the temporary
  // file's SHA-256 with the one computed here and renames it only when they match (then runs then_script).
  auto reply = session.exec(remote::commit_upload_command(tmp, real, img.upload_size, img.upload_sha256, in.then_script),
                            control.deadline, control.cancel);
  if (!reply && load_began(in, reply)) {
    // The board renamed the verified copy and went on to the load, whose reply is lost: the remoteproc step says
    // what that means (a board gone right after a start, F20); the upload itself is done, in the board's words.
    r.observed.set("upload", upload_kind);
    r.observed.set("verified_on_board", "size and sha256 match (the board said so before the rest of the reply was lost)");
    r.observed.set("load", kLoadedAfter);
    if (control.cancel.cancelled()) r.add(Code::UploadDoneBeforeCancel, with({{"message", remote::describe(reply.error())}}));
    out = remote::UploadOutcome{name, real, false, std::move(reply)};
    return r;
  }
  if (!reply) {
    // The reply was lost (cancel, deadline, link): the board may have checked and renamed already.
    // Its own word decides what the report says.
    const bool cancelled = control.cancel.cancelled();
    const auto now = recovery.reread(real);
    if (now && now->exists && now->size == img.upload_size && now->sha256 == img.upload_sha256) {
      r.observed.set("upload", upload_kind);
      r.observed.set("verified_on_board", "size and sha256 match (read again after the reply was lost)");
      r.observed.set("temporary_file", "none (renamed over the real name by the board)");
      if (cancelled) r.add(Code::UploadDoneBeforeCancel, with({{"message", remote::describe(reply.error())}}));
      out = remote::UploadOutcome{name, real, false};
      return r;
    }
    r.observed.set("board_rechecked", now ? "the real name does not hold the new image" : "not reachable (" + remote::describe(now.error()) + ")");
    r.observed.set("temporary_file", recovery.remove_temporary(tmp));
    const Code code = cancelled ? Code::UploadCancelled : code_for(reply.error().kind);
    r.add(code, with({{"message", message_for(code, reply.error())}}));
    return r;
  }
  auto commit = remote::parse_commit_upload(reply->out);
  if (!commit) {
    r.observed.set("temporary_file", recovery.remove_temporary(tmp));
    r.add(Code::UploadRemoteFailure, with({{"message", remote::describe({Kind::failure, commit.error()})}}));
    return r;
  }
  const auto removed_text = [&] {
    return commit->temp_removed ? std::string("removed")
                                : "not removed (" + commit->rm_error + "); the next upload removes it";
  };
  if (!commit->matched) {
    r.observed.set("temporary_file", removed_text());
    r.add(Code::UploadVerifyMismatch,
          with({{"board_size", std::to_string(commit->temp.size)},
                {"board_sha256", commit->temp.sha256.empty() ? "(none)" : commit->temp.sha256}}));
    return r;
  }
  if (!commit->renamed) {
    r.observed.set("temporary_file", removed_text());
    const ports::RemoteError err{ports::kind_from_shell_error(commit->mv_error),
                                 "renaming " + tmp + " to " + real + ": " + commit->mv_error};
    r.add(code_for(err.kind), with({{"message", message_for(code_for(err.kind), err)}}));
    return r;
  }
  r.observed.set("upload", upload_kind);
  r.observed.set("verified_on_board", "size and sha256 match");
  out = remote::UploadOutcome{name, real, false};
  if (load_began(in, reply)) {
    r.observed.set("load", kLoadedAfter);
    out->load_reply = std::move(reply);
  }
  return r;
}

}  // namespace stm32mp::steps
