#pragma once
// Board facts that are still true (issue 12): what the target step learned is kept with the pooled SSH
// session, together with the board's boot id and a fingerprint of what those facts depend on and can change
// while Linux runs. A later check on the same session reads the fingerprint in ONE short fixed command
// (shell builtins, plus one df for the free space) and uses the kept facts only when nothing in it changed.
//
// What is in it, and why:
//  - the boot id: the kernel, its device tree (reserved memory, the coprocessor nodes), the boot log (a failed
//    TA session at probe) and the instances' numbering change only with a boot;
//  - every remoteproc instance's name, state, firmware, fw_format and recovery: someone else's start, stop or
//    load; a state change also means kernel lines the probe's TA-start reading would see differently;
//  - the firmware_class path parameter: another firmware directory;
//  - /lib/firmware: exists, writable for this user (access(2): also "no" on a read-only mount), the leftovers of
//    a cut upload (names);
//  - the OP-TEE remoteproc TA device and the demo service link.
// The free space of the firmware directory is not compared (any write on that file system changes it) but read
// again by the same command, so the kept facts' free space is always the current one.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "remote/probe_output.h"
#include "remote/target_facts.h"

namespace stm32mp::remote {

struct BoardFingerprint {
  std::string boot_id;
  std::vector<RprocInstance> instances;
  std::string firmware_class_path;
  bool fw_dir = false;
  bool fw_access_w = false;
  std::vector<std::string> fw_leftovers;
  bool tee_ta = false;
  bool demo = false;
  std::optional<std::uint64_t> fw_free_bytes;  // read again each time, never compared
};

// The fixed command (no caller input) that prints the fingerprint: keys fp.*, rproc.*, fw.*, tee.ta,
// demo.enabled, in the probe output format (remote/probe_output.h).
[[nodiscard]] const std::string& fingerprint_command();
// The lines the full probe adds so that its own reply carries the fingerprint too (same keys).
[[nodiscard]] std::string_view fingerprint_probe_lines();

// From the fingerprint command's reply or the full probe's; an error when the reply is cut short or lacks
// the boot id (a board without /proc/sys/kernel/random/boot_id is never served kept facts).
[[nodiscard]] core::expected<BoardFingerprint, std::string> parse_fingerprint(const ProbeOutput& out);

// The first difference, said for the report ("the boot id changed (the board rebooted)", "remoteproc1 (m33)
// state: offline -> running", …); empty when equal.
[[nodiscard]] std::string fingerprint_change(const BoardFingerprint& kept, const BoardFingerprint& now);

// The target step's facts kept with a pooled session.
// The file the last check on a session left in /lib/firmware: its path and the SHA-256 it verified there.
struct LeftCopy {
  std::string path;
  std::string sha256;
};

struct KeptBoardFacts {
  TargetFacts facts;
  BoardFingerprint fingerprint;
  std::optional<LeftCopy> left_copy;  // the run's verified upload (or the unchanged copy it found)
  std::chrono::steady_clock::time_point kept_at;  // when the check that left them ended
};

}  // namespace stm32mp::remote
