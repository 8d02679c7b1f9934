#include "adapters/windows/win_child_processes.h"

#include <windows.h>

#include <chrono>
#include <thread>

#include "adapters/windows/command_line.h"
#include "adapters/windows/loopback_proxy_stream.h"
#include "adapters/windows/win_process.h"
#include "adapters/windows/win_text.h"
#include "remote/ssh_route.h"

namespace stm32mp::adapters::windows {

using ports::ProcessError;
using EKind = ports::ProcessError::Kind;

namespace {

// The program and command line for argv; a ProxyCommand's shell form becomes its own command line.
core::expected<std::pair<std::wstring, std::wstring>, ProcessError> program_and_line(
    const std::vector<std::string>& argv) {
  if (argv.empty()) return core::unexpected{ProcessError{EKind::start_failed, "no program"}};
  const std::string proxy_command = remote::proxy_command_line(argv);
  std::wstring line;
  std::wstring name;
  if (!proxy_command.empty()) {
    line = widen(proxy_command);
    name = program_of(line);
  } else {
    std::vector<std::wstring> wide;
    for (const auto& a : argv) wide.push_back(widen(a));
    line = command_line(wide);
    name = wide.front();
  }
  auto program = find_program(name);
  if (!program) return core::unexpected{program.error()};
  return std::pair{*program, line};
}

}  // namespace

core::expected<ports::ProcessResult, ProcessError> WinChildProcesses::run(const std::vector<std::string>& argv,
                                                                          std::size_t max_output,
                                                                          const core::Deadline& deadline,
                                                                          const core::CancelToken& cancel) {
  auto started = program_and_line(argv);
  if (!started) return core::unexpected{started.error()};
  auto in = null_input();
  if (!in) return core::unexpected{in.error()};
  auto out = make_pipe(false);
  if (!out) return core::unexpected{out.error()};
  auto err = make_pipe(false);
  if (!err) return core::unexpected{err.error()};
  auto child = WinProcess::start(started->first, started->second, in->get(), out->theirs.get(), err->theirs.get());
  if (!child) return core::unexpected{child.error()};
  out->theirs.reset();  // the child holds the only write ends: end-of-file when it (and its job) ends
  err->theirs.reset();
  in->reset();

  ports::ProcessResult result;
  bool out_open = true;
  bool err_open = true;
  for (;;) {
    if (cancel.cancelled() || deadline.expired()) {
      child->end(core::Millis{0});
      const bool cancelled = cancel.cancelled();
      return core::unexpected{ProcessError{cancelled ? EKind::cancelled : EKind::timeout,
                                           argv[0] + (cancelled ? " was stopped: the run was cancelled"
                                                                : " did not finish before the deadline")}};
    }
    bool got = false;
    if (out_open) out_open = drain_pipe(out->ours.get(), result.out, max_output, false, got);
    if (err_open) err_open = drain_pipe(err->ours.get(), result.err, max_output, false, got);
    if (!out_open && !err_open) {
      if (auto status = child->exited()) {
        result.exit_status = *status;
        return result;
      }
    }
    // Anonymous pipes cannot be waited on with a timeout: they are polled (ssh -G prints a few KiB once).
    if (!got) std::this_thread::sleep_for(std::min<core::Millis>(deadline.slice(), core::Millis{5}));
  }
}

core::expected<std::shared_ptr<ports::ProxyStream>, ProcessError> WinChildProcesses::start_proxy(
    const std::vector<std::string>& argv) {
  auto started = program_and_line(argv);
  if (!started) return core::unexpected{started.error()};
  return start_loopback_proxy(started->first, started->second, narrow(program_of(started->second)));
}

}  // namespace stm32mp::adapters::windows
