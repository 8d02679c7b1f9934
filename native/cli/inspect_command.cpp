// `stm32mp-prelaunch inspect FILE`: the facts and diagnoses of the `image` step for one file.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "files/input_file_source.h"
#include "image/inspection.h"
#include "image/signed_image.h"
#include "steps/image_step.h"

namespace stm32mp::cli {
namespace {

struct InspectOptions {
  std::string file;
  std::string key;
  std::string remoteproc = "m33";
  bool json = false;
  bool no_color = false;
};

void run(const InspectOptions& o, CommandOutcome& outcome) {
  steps::ImageInputs in;
  in.remoteproc = o.remoteproc;
  in.image_key = o.key;
  // A signed image is inspected in the `signed` role (its facts say "signed."), anything else as an ELF. Only
  // its magic is read here: the image step streams the rest (issue 12).
  const auto file = files::open_input_file_source(o.file, image::kMaxImageSize);
  if (file && image::has_signed_magic(**file)) {
    in.signed_image = o.file;
  } else {
    in.elf = o.file;
  }
  std::optional<image::ImageFacts> facts;
  core::Report report;
  auto step = steps::check_image(in, facts);
  report.steps.push_back(std::move(step));
  std::cout << (o.json ? core::render::render_json(report) : core::render::render_text(report, {colour_wanted(o.no_color), true}));
  std::cout.flush();
  outcome.exit_code = report.ok() ? kExitOk : kExitStepError;
}

}  // namespace

void add_inspect_command(CLI::App& app, CommandOutcome& outcome) {
  auto o = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand("inspect", "Decode a firmware file (ELF or signed image) and report what the board would say about it.");
  cmd->add_option("file", o->file, "The .elf or _sign.bin to inspect")->required();
  cmd->add_option("--image-key", o->key, "Public key (PEM) to verify a signed image's signature with");
  cmd->add_option("--remoteproc", o->remoteproc, "Remote core whose memory map to check against (m33: STM32MP25, m4: STM32MP15)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print the report as JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", o->no_color, "Never colour the output");
  cmd->callback([o, &outcome] { run(*o, outcome); });
}

}  // namespace stm32mp::cli
