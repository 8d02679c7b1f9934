// A launch that already failed (ST's own sequence): nothing is written, the kernel log since the launch explains it.
#include <cstdlib>
#include <string_view>

#include "remote/board_value.h"
#include "steps/remoteproc_internal.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::Facts;
using remote::RprocInstance;
using rproc::join_lines;
using rproc::report_cause;

}  // namespace

core::StepReport diagnose_failed_load(const RemoteprocInputs& in, std::int64_t since_ms, ports::BoardSession& board,
                                      core::StepControl& control) {
  auto r = core::report_of(core::StepId::Remoteproc);
  rproc::BoardCommands s{board, control, r, in.remoteproc, in.firmware_name};
  r.observed.set("mode", "diagnosis of a launch that already failed: nothing is written to the board");
  auto out = s.run(remote::kernel_log_window_command(), "read the kernel log");
  if (!out) return r;
  const auto all = remote::capped(remote::split_lines(out->value_or("log", "")), remote::caps::kKernelLine,
                                  static_cast<std::size_t>(remote::kKernelLogTail));
  const double uptime = std::strtod(out->value_or("uptime", "").c_str(), nullptr);
  // One second of slack: the PC's and the board's clocks tick apart, and the launch's first board
  // action comes after its start anyway.
  const double window = static_cast<double>(since_ms) / 1000.0 + 1.0;
  const auto lines = uptime > 0 ? remote::lines_since(all, uptime, window) : all;
  r.observed.set("kernel_log_window", uptime > 0 ? "the last " + std::to_string(since_ms / 1000 + 1) + " s (uptime " +
                                                       out->value_or("uptime", "") + " s)"
                                                 : "the last " + std::to_string(all.size()) +
                                                       " lines (the board's uptime could not be read)");
  r.observed.set("kernel_log_lines", std::to_string(lines.size()));

  const auto v = remote::classify_kernel_log(lines, in.remoteproc);
  // Ours, as the target step listed it: a launch that wrote another one is told by the log ("powering up m0").
  RprocInstance inst;
  inst.name = in.remoteproc;
  if (in.instances) {
    for (const auto& i : *in.instances) {
      if (i.name == in.remoteproc) inst = i;
    }
  }
  const std::string where = inst.index >= 0 ? "remoteproc" + std::to_string(inst.index) + " (" + inst.name + ")"
                                            : inst.name;
  // The image the failed launch wrote, as the kernel names it ("Booting fw image X, size N"), else ours.
  std::string image = in.firmware_name.empty() ? "the firmware" : in.firmware_name;
  constexpr std::string_view kBooting = "Booting fw image ";
  for (const auto& l : lines) {
    const auto at = l.find(kBooting);
    if (at == std::string::npos) continue;
    const auto from = at + kBooting.size();
    image = l.substr(from, l.find(',', from) - from);  // no comma: npos - from runs to the end
  }
  Facts f{{"instance", where}, {"image", image}, {"firmware", image}, {"log_cause", remote::to_string(v.cause)}};
  if (v.boot_error) f.set("boot_error", std::to_string(*v.boot_error));
  f.set("evidence", v.evidence.empty() ? "(no remoteproc line in the window)" : join_lines(v.evidence));
  if (report_cause(r, in, inst, v, f, inst.state, "")) return r;
  if (v.cause == remote::LogCause::start_failed) {
    r.add(Code::RprocStartFailed, f);
  } else if (v.up) {
    std::vector<std::string> evidence;
    for (const auto& l : lines) {
      if (evidence.size() < 8 && l.find("remoteproc") != std::string::npos) evidence.push_back(l);
    }
    r.add(Code::RprocDiagnosedLoadWorked, {{"instance", where}, {"evidence", join_lines(evidence)}});
  } else {
    r.add(Code::RprocDiagnosedNoLoad, {{"instance", in.remoteproc}, {"window", std::to_string(since_ms / 1000 + 1)}});
  }
  return r;
}

}  // namespace stm32mp::steps
