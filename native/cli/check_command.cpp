#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>


#include "cli/command.h"
#include "cli/interrupt.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "core/step_ids.h"
#include "pipeline/pipeline.h"
#include "ports/platform.h"

namespace stm32mp::cli {
namespace {

struct CheckOptions {
  core::Settings settings;
  std::string password_env;
  bool no_exec_upload = false;
  CLI::Option* port_option = nullptr;
  CLI::Option* user_option = nullptr;
  CLI::Option* policy_option = nullptr;
  bool json = false;
  bool no_color = false;
};

std::string step_list_check(const std::string& value) {
  return core::is_step_id(value) ? std::string() : "unknown step id '" + value + "'";
}

void run(CheckOptions& o, CommandOutcome& outcome) {
  if (o.no_exec_upload) o.settings.exec_upload = false;
  o.settings.port_given = o.port_option != nullptr && o.port_option->count() > 0;
  o.settings.user_given = o.user_option != nullptr && o.user_option->count() > 0;
  o.settings.host_key_policy_given = o.policy_option != nullptr && o.policy_option->count() > 0;
  if (!o.password_env.empty()) {
    const char* secret = std::getenv(o.password_env.c_str());
    if (secret == nullptr) throw CLI::ValidationError("--password-env", "environment variable " + o.password_env + " is not set");
    o.settings.password = secret;
  }
  core::CancelToken cancel;
  core::Report report;
  {
    const InterruptScope interrupts(cancel);
    auto ports = pipeline::make_system_ports();
    core::NullProgress progress;
    report = pipeline::run_check(o.settings, ports, cancel, progress);
  }
  if (o.json) {
    std::cout << core::render::render_json(report);
  } else {
    std::cout << core::render::render_text(report, {colour_wanted(o.no_color), true});
  }
  std::cout.flush();
  outcome.exit_code = report.cancelled() ? kExitCancelled : report.ok() ? kExitOk : kExitStepError;
}

}  // namespace

bool colour_wanted(bool no_color_option) {
  const char* no_color = std::getenv("NO_COLOR");
  return !no_color_option && (no_color == nullptr || *no_color == '\0') && ports::stdout_is_terminal();
}

void add_check_command(CLI::App& app, CommandOutcome& outcome) {
  auto options = std::make_shared<CheckOptions>();
  auto& s = options->settings;
  auto* cmd = app.add_subcommand("check", "Run the pre-launch steps and report each one (exit 1 when a step fails).");
  cmd->add_option("--launch", s.launch_file, "STM32CubeIDE .launch file to read (options given here win over it)");
  cmd->add_option("--serial", s.serial, "Preferred serial device (the board's console, e.g. /dev/ttyACM0)");
  cmd->add_option("--probe-serial", s.probe_serial, "Serial number of the ST-LINK of the board to use");
  cmd->add_option("--elf", s.elf, "ELF being debugged (with symbols)");
  cmd->add_option("--signed", s.signed_image, "Signed image to load (STM32MP25 TEE mode: <P>_CM33_NonSecure_sign.bin)");
  cmd->add_option("--image-key", s.image_key, "Public key (PEM) to verify the signed image with");
  cmd->add_option("--host", s.host, "Board address (e.g. 192.168.7.1 over the USB gadget link)");
  options->port_option = cmd->add_option("--port", s.port, "SSH port")->check(CLI::Range(1, 65535))->capture_default_str();
  options->user_option = cmd->add_option("--user", s.user, "SSH user")->capture_default_str();
  cmd->add_option("--identity", s.identity, "SSH private key file (ed25519 recommended)");
  cmd->add_option("--password-env", options->password_env, "Name of an environment variable holding the SSH password");
  cmd->add_option("--known-hosts", s.known_hosts, "OpenSSH known_hosts file (default ~/.ssh/known_hosts)");
  cmd->add_option("--ssh-config", s.ssh_config,
                  "Resolve --host as OpenSSH does (`ssh -G`: Host aliases, HostName, Port, User, IdentityFile, "
                  "ProxyJump/ProxyCommand) with this client configuration file, or 'default' for ~/.ssh/config; "
                  "not given: no SSH configuration is read");
  options->policy_option = cmd->add_option("--host-key-policy", s.host_key_policy, "strict (default) or accept-new")
      ->check(CLI::IsMember({"strict", "accept-new"}))->capture_default_str();
  cmd->add_option("--remoteproc", s.remoteproc, "Name of the remoteproc instance to load")->capture_default_str();
  cmd->add_option("--sysfs-root", s.sysfs_root, "Where sysfs is mounted (for containers and tests)")->capture_default_str();
  cmd->add_option("--dev-root", s.dev_root, "Where device nodes are looked up")->capture_default_str();
  cmd->add_option("--only", s.only, "Run only these steps (comma-separated ids)")->delimiter(',')->check(CLI::Validator(step_list_check, "STEP"));
  cmd->add_option("--skip", s.skip, "Do not run these steps (comma-separated ids)")->delimiter(',')->check(CLI::Validator(step_list_check, "STEP"));
  cmd->add_option("--timeout-ms", s.timeout_ms, "Hard deadline of each step")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_flag("--no-exec-upload", options->no_exec_upload,
                "Upload over SFTP only: a board without SFTP fails (UPL011) instead of getting the image over an exec channel");
  cmd->add_option("--diagnose-since-ms", s.diagnose_since_ms,
                  "Diagnose a launch that started this many ms before this run: change nothing on the board (no "
                  "upload, no load), explain the kernel log printed since then")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json, "Print the report as JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", options->no_color, "Never colour the output");
  cmd->callback([options, &outcome] { run(*options, outcome); });
}

}  // namespace stm32mp::cli
