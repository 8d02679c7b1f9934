#include "steps/log_step.h"

#include <regex>

#include "remote/kernel_log_classifier.h"
#include "steps/remoteproc_step.h"

namespace stm32mp::steps {
namespace {

// "remoteproc remoteprocN: powering up <name>" gives the instance number the capture used.
int instance_index(const std::vector<std::string>& lines, const std::string& name) {
  static const std::regex re(R"(remoteproc(\d+): powering up (\S+))");
  std::smatch m;
  for (const auto& line : lines) {
    if (line.size() <= 1024 && std::regex_search(line, m, re) && m[2].str() == name) return std::stoi(m[1].str());
  }
  return -1;
}

// The firmware name as the capture shows it: "Booting fw image <name>, size N", else the firmware
// loader's "Direct firmware load for <name> failed" or "Firmware load for '<name>' refused".
std::string booted_image(const std::vector<std::string>& lines) {
  static const std::regex booting(R"(Booting fw image (\S+), size)");
  static const std::regex loader(R"(Direct firmware load for (\S+) failed|Firmware load for '([^']*)' refused)");
  std::smatch m;
  std::string from_loader;
  for (const auto& line : lines) {
    if (line.size() > 1024) continue;
    if (std::regex_search(line, m, booting)) return m[1].str();
    if (from_loader.empty() && std::regex_search(line, m, loader)) from_loader = m[1].matched ? m[1].str() : m[2].str();
  }
  return from_loader;
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

}  // namespace

core::StepReport diagnose_log(const LogInputs& in) {
  core::StepReport r("log", "Saved kernel log");
  const auto lines = remote::split_lines(in.text);
  const auto v = remote::classify_kernel_log(lines, in.remoteproc);
  r.observed.set("lines", std::to_string(lines.size()));
  r.observed.set("log_cause", remote::to_string(v.cause));
  r.observed.set("up_line", v.up ? "yes" : "no");

  const std::string image = booted_image(lines);
  RemoteprocInputs rin;
  rin.remoteproc = in.remoteproc;
  rin.firmware_name = image.empty() ? "(the firmware)" : image;
  rin.image_kind = in.image_kind;
  if (!rin.image_kind && !image.empty()) {
    rin.image_kind = ends_with(image, ".elf") ? image::ImageKind::elf : image::ImageKind::signed_image;
  }
  remote::RprocInstance inst;
  inst.index = instance_index(lines, in.remoteproc);
  inst.name = in.remoteproc;
  if (v.cause != remote::LogCause::none) {
    // A saved log has no write status: the kernel lines alone carry the diagnosis.
    remote::WriteOutcome w;
    w.rc = 1;
    w.errno_name = "not in a saved log";
    w.error_text = "see the kernel lines in 'evidence'";
    w.log = lines;
    explain_refusal(r, rin, inst, w, remote::RprocAttr::state);
  }
  // What the verify step would catch on a live board: "is now up" printed for a core that never ran.
  if (!v.boot_addr_misaligned.empty()) {
    r.add(core::Code::VerifyBootAddressMisaligned,
          {{"instance", in.remoteproc}, {"image", rin.firmware_name}, {"evidence", v.boot_addr_misaligned}});
  }
  return r;
}

}  // namespace stm32mp::steps
