// `stm32mp-prelaunch log FILE|-`: a saved kernel log or serial-console capture diagnosed with the
// remoteproc step's classifier (steps/log_step.h); exit 1 when it shows a failure.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "files/utf8_path.h"
#include "core/render/text_renderer.h"
#include "steps/log_step.h"

namespace stm32mp::cli {
namespace {

// A dmesg of a whole boot is well under 1 MiB; the bound keeps a wrong file (an image, a core dump)
// from being read whole.
constexpr std::size_t kMaxCapture = 16u * 1024u * 1024u;

struct LogOptions {
  std::string file;
  std::string remoteproc = "m33";
  std::string image_kind;
  bool json = false;
  bool no_color = false;
};

// Reads at most kMaxCapture + 1 bytes; the error text when it cannot.
std::string read_capture(std::istream& in, std::string& text) {
  text.assign(kMaxCapture + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return "read error";
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxCapture) return "larger than 16 MiB";
  return "";
}

void run(const LogOptions& o, CommandOutcome& outcome) {
  core::Report report;
  std::string text;
  std::string error;
  if (o.file == "-") {
    error = read_capture(std::cin, text);
  } else {
    std::ifstream f(files::utf8_path(o.file), std::ios::binary);
    error = f ? read_capture(f, text) : std::strerror(errno);
  }
  if (!error.empty()) {
    core::StepReport step("log", "Saved kernel log");
    step.add(core::Code::LogUnreadable, {{"file", o.file == "-" ? "(standard input)" : o.file},
                                         {"reason", error},
                                         {"limit", "16 MiB"}});
    report.steps.push_back(std::move(step));
  } else {
    steps::LogInputs in;
    in.text = std::move(text);
    in.remoteproc = o.remoteproc;
    if (o.image_kind == "elf") in.image_kind = image::ImageKind::elf;
    if (o.image_kind == "signed") in.image_kind = image::ImageKind::signed_image;
    report.steps.push_back(steps::diagnose_log(in));
  }
  std::cout << (o.json ? core::render::render_json(report) : core::render::render_text(report, {colour_wanted(o.no_color), true}));
  std::cout.flush();
  outcome.exit_code = report.ok() ? kExitOk : kExitStepError;
}

}  // namespace

void add_log_command(CLI::App& app, CommandOutcome& outcome) {
  auto o = std::make_shared<LogOptions>();
  auto* cmd = app.add_subcommand("log", "Diagnose a saved kernel log or serial-console capture (dmesg) as the remoteproc step would.");
  cmd->add_option("file", o->file, "The saved log, or - for standard input")->required();
  cmd->add_option("--remoteproc", o->remoteproc, "The instance the log is about")->capture_default_str();
  cmd->add_option("--image-kind", o->image_kind, "What was loaded: elf or signed (default: from the 'Booting fw image' line)")
      ->check(CLI::IsMember({"elf", "signed"}));
  cmd->add_flag("--json", o->json, "Print the report as JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", o->no_color, "Never colour the output");
  cmd->callback([o, &outcome] { run(*o, outcome); });
}

}  // namespace stm32mp::cli
