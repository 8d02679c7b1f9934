#pragma once
// What the `target` step learned about Linux on the board in its one round trip; later remote
// steps (upload, remoteproc, verify) read it from RunState.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "image/memory_map.h"
#include "remote/remote_copy.h"

namespace stm32mp::remote {

struct RprocInstance {
  int index = -1;          // N of /sys/class/remoteproc/remoteprocN (not stable across boots: F04)
  std::string name;        // m33, m0, m4
  std::string state;       // offline, running, crashed, attached, detached, …
  std::string firmware;
  std::string fw_format;   // ELF | TEE on ST kernels; empty when the attribute does not exist
  std::string recovery;    // enabled | disabled
};

struct TargetFacts {
  std::string kernel_release;
  std::string dt_base;                      // /proc/device-tree or /sys/firmware/devicetree/base
  std::vector<std::string> dt_compatible;
  std::string dt_model;
  std::vector<RprocInstance> instances;
  bool fw_dir_exists = false;
  std::optional<std::uint64_t> fw_free_bytes;
  std::string fw_mount;
  bool fw_read_only = false;
  bool fw_writable = false;
  std::vector<std::string> fw_leftovers;    // basenames of .<name>.prelaunch-tmp files from failed uploads
  std::uint64_t fw_leftover_bytes = 0;      // their size: the upload removes them first, so it is free space too
  std::string firmware_class_path;          // empty when unset
  bool tee_ta_present = false;
  bool demo_service_enabled = false;
  std::vector<image::MemoryRegion> reserved_memory;  // name: the node, e.g. cm33-cube-fw@80100000
  std::uint64_t kernel_log_lines = 0;
  // Boot-log lines of ST's stm32_rproc probe that failed to reach the OP-TEE remoteproc TA: printed
  // once at probe, never after a start write, so only the boot log can explain a missing instance.
  std::vector<std::string> tee_boot_errors;
  // The kernel line of a TA start that failed and was not followed by a start or stop since: the
  // remoteproc TA stays LOADED with that image (ST: next load BAD_STATE; upstream: may start it).
  std::string ta_failed_start;
  // The kernel's "Booting fw image <name>, size <n>" line printed just before that failed start: the image
  // the TA holds; "" when none or not shown.
  std::string ta_held_image;
  // The copy of the image under /lib/firmware/<its name>, read by this run's probe when the step sent the name
  // (never kept with the session: a later check reads the board again). nullopt: not read.
  std::optional<RemoteCopy> image_copy;

  [[nodiscard]] const RprocInstance* find(const std::string& name) const;
  [[nodiscard]] std::string instance_names() const;  // "remoteproc0=m0, remoteproc1=m33" or "none"
  [[nodiscard]] bool m33_td() const;                 // compatible names a cm33tdcid device tree
};

}  // namespace stm32mp::remote
