#pragma once
// What earlier steps learned that later steps use (e.g. `target` predicts a TEE/ELF mismatch from
// the image kind found by `image`). Each step writes its own member only.
#include <memory>
#include <optional>
#include <string>

#include "ports/board_session.h"
#include "ports/network.h"
#include "core/settings.h"
#include "remote/remote_outcomes.h"
#include "remote/board_fingerprint.h"
#include "remote/target_facts.h"
#include "image/image_facts.h"
#include "devices/console_addresses.h"
#include "devices/serial_device.h"
#include "steps/board_route.h"
#include "steps/remoteproc_step.h"
#include "pipeline/session_pool.h"

namespace stm32mp::pipeline {

struct RunState {
  core::Settings settings;  // effective settings, written by `config`
  // The one model of the image (image/image_facts.h): written by `image`, or — with --skip image — read and
  // hashed once by the first remote step that needs it (pipeline.cpp, image_facts()); never twice a run.
  std::optional<image::ImageFacts> image;
  bool image_read = false;    // `image` ran with a usable file, or the file was read for the remote steps
  std::string image_problem;  // why the file could not be read (the upload step reports it)
  std::shared_ptr<ports::TcpStream> tcp;          // connection to the board's SSH port, opened by `network`, taken by `ssh`
  std::optional<steps::BoardRoute> route;         // the user's SSH configuration for the host (--ssh-config), by `network`
  std::shared_ptr<ports::BoardSession> session;   // the one SSH/SFTP session of the run, opened by `ssh`
  std::string server_banner;                      // the board's SSH server, as `ssh` read it (fix texts)
  std::optional<remote::TargetFacts> target;      // the board's state, written by `target`
  std::optional<remote::BoardFingerprint> fingerprint;  // what `target` read of the board's fingerprint
  std::optional<remote::UploadOutcome> upload;    // what is in /lib/firmware, written by `upload`
  std::optional<steps::LoadPlan> load_plan;       // the load `upload` handed to the board with its last command
  std::optional<devices::Enumeration> devices;  // serial devices and ST-LINK probes, written by `devices`
  std::vector<devices::ConsoleAddress> console_addresses;  // the board's IPv4 addresses from its console, by `serial-port`
  std::optional<remote::LoadOutcome> load;        // the started instance and its log position, by `remoteproc`
  // What the run changed on the board, for the facts kept with the session (pipeline/kept_facts.h).
  bool upload_tried = false;                      // `upload` began (a cut one may leave a leftover)
  std::string load_tried;                         // the firmware name `remoteproc` began to load, "" if none
  // Sessions kept across runs (pipeline/session_reuse.h): the pool of the process (null: the CLI's one run),
  // the session this run holds from it, and why a kept one could not be used.
  SessionPool* pool = nullptr;
  std::optional<SessionLease> lease;
  bool reuse_tried = false;
  std::string reuse_note;
};

}  // namespace stm32mp::pipeline
