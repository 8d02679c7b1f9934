#include "steps/config_step.h"

#include <filesystem>

#include "config/launch_file.h"
#include "files/input_file_diagnostic.h"
#include "files/utf8_path.h"
#include "image/inspection.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

namespace fs = std::filesystem;

// PROGRAM_NAME is relative to the project folder and keeps Windows separators when the launch file
// was saved on Windows; the .launch file normally sits in that project folder.
std::string resolve_program(const std::string& program, const std::string& launch_file) {
  std::string path = program;
  for (auto& c : path) {
    if (c == '\\') c = '/';
  }
  fs::path p = files::utf8_path(path);
  if (p.is_relative()) p = files::utf8_path(launch_file).parent_path() / p;
  return files::utf8_string(p.lexically_normal());
}

bool is_signed_image_name(const std::string& path) {
  return path.ends_with(".bin") || path.ends_with(".sig");
}

// Takes `from_launch` into `field` unless the user already gave a value; records the source.
void merge(std::string& field, const std::optional<std::string>& from_launch, const char* key, core::StepReport& r) {
  if (!field.empty()) {
    r.observed.set(key, field + " (option)");
  } else if (from_launch && !from_launch->empty()) {
    field = *from_launch;
    r.observed.set(key, field + " (launch file)");
  }
}

void apply_launch_file(const config::LaunchFile& launch, const core::Settings& given, core::Settings& effective,
                       core::StepReport& r) {
  r.observed.set("launch_type", launch.type);
  merge(effective.serial, launch.serial_device(), "serial", r);
  merge(effective.host, launch.board_address(), "host", r);
  effective.production_mode = launch.production_mode();
  if (auto project = launch.project()) effective.project = *project;
  if (auto program = launch.program(); program && !program->empty()) {
    effective.program = resolve_program(*program, given.launch_file);
    r.observed.set("program", effective.program);
    std::error_code ec;  // a name too long or a symlink loop is "not found", never an exception (RUN001)
    const bool exists = fs::exists(files::utf8_path(effective.program), ec) && !ec;
    if (exists && is_signed_image_name(effective.program) && effective.signed_image.empty()) {
      effective.signed_image = effective.program;
    } else if (exists && effective.program.ends_with(".elf") && effective.elf.empty()) {
      effective.elf = effective.program;
    } else if (!exists) {
      r.observed.set("program_found", "no (not built yet, or the launch file is not in the project folder)");
    }
  }
  if (effective.production_mode == false) {
    r.add(core::Code::NotProductionMode, {{"launch_file", given.launch_file}});
  }
  // An engineering-mode configuration (ST's Debug_DDR-style files) names no loader at all: say so,
  // rather than leaving the user with "no board address" and skipped steps.
  if (!launch.attribute(config::keys::kThroughLinux) && !launch.attribute(config::keys::kSerialDevice) &&
      !launch.attribute(config::keys::kBoardAddress)) {
    r.add(core::Code::EngineeringModeLaunch, {{"launch_file", given.launch_file}});
  }
}

// Every file a later step reads whole, with its cap. Checked here, before any step opens one: a FIFO, a device or
// a directory (CFG006) or an oversized file (CFG007) stops the run at the configuration, never in a blocked read.
void check_input_files(const core::Settings& s, core::StepReport& r) {
  const struct {
    const char* option;
    const std::string& path;
    std::uintmax_t cap;
  } inputs[] = {{"--elf", s.elf, image::kMaxImageSize},
                {"--signed", s.signed_image, image::kMaxImageSize},
                {"--image-key", s.image_key, files::kMaxKeyFileBytes},
                {"--identity", s.identity, files::kMaxKeyFileBytes},
                {"--known-hosts", s.known_hosts, files::kMaxKnownHostsBytes}};
  for (const auto& in : inputs) {
    if (in.path.empty()) continue;
    if (auto problem = files::check_input_file(in.path, in.cap)) {
      if (auto d = files::input_file_diagnostic(in.option, in.path, *problem)) r.add(std::move(*d));
    }
  }
}

}  // namespace

core::StepReport check_config(const core::Settings& given, core::Settings& effective, const core::CancelToken* cancel) {
  auto r = core::report_of(core::StepId::Config);
  effective = given;
  if (!given.launch_file.empty()) {
    r.observed.set("launch_file", given.launch_file);
    auto launch = config::read_launch_file(given.launch_file, cancel);
    if (!launch) {
      const auto& e = launch.error();
      if (e.kind == config::LaunchFileError::Kind::input) {
        if (auto d = files::input_file_diagnostic("--launch", given.launch_file, e.input)) r.add(std::move(*d));
      } else {
        const auto code = e.kind == config::LaunchFileError::Kind::unreadable ? core::Code::LaunchFileMissing
                                                                              : core::Code::LaunchFileMalformed;
        r.add(code, {{"launch_file", given.launch_file}, {"reason", e.reason}});
      }
    } else {
      apply_launch_file(*launch, given, effective, r);
    }
  }
  if (effective.port < 1 || effective.port > 65535) {
    r.add(core::Code::BadOptionValue,
          {{"option", "--port"}, {"value", std::to_string(effective.port)}, {"reason", "not a TCP port (1-65535)"}});
  }
  if (effective.host_key_policy != "strict" && effective.host_key_policy != "accept-new") {
    r.add(core::Code::BadOptionValue, {{"option", "--host-key-policy"},
                                       {"value", effective.host_key_policy},
                                       {"reason", "expected strict or accept-new"}});
  }
  if (!r.observed.contains("serial") && !effective.serial.empty()) r.observed.set("serial", effective.serial);
  if (!r.observed.contains("host") && !effective.host.empty()) r.observed.set("host", effective.host);
  if (!effective.elf.empty()) r.observed.set("elf", effective.elf);
  if (!effective.signed_image.empty()) r.observed.set("signed_image", effective.signed_image);
  r.observed.set("remoteproc", effective.remoteproc);
  if (!effective.host.empty()) r.observed.set("user", effective.user);
  if (!effective.password.empty()) r.observed.set("password", "(given, not shown)");
  check_input_files(effective, r);
  if (effective.host.empty()) r.add(core::Code::NoHostGiven);
  return r;
}

}  // namespace stm32mp::steps
