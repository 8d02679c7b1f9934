#pragma once
#include "ports/child_processes.h"

namespace stm32mp::adapters::windows {

// ports::ChildProcesses on Windows with CreateProcessW (WinProcess): argv quoted for the command line by
// the C runtime's rules (command_line.h), never a shell of ours; no console window; each child in a job
// of its own, killed at the deadline or on cancel and always waited for. A proxy's stdin/stdout pipes are
// bridged to a loopback TCP connection (libssh2 needs a SOCKET) by two pump threads.
class WinChildProcesses final : public ports::ChildProcesses {
 public:
  [[nodiscard]] core::expected<ports::ProcessResult, ports::ProcessError> run(const std::vector<std::string>& argv,
                                                                              std::size_t max_output,
                                                                              const core::Deadline& deadline,
                                                                              const core::CancelToken& cancel) override;
  // A ProxyCommand (the {"/bin/sh", "-c", "exec COMMAND"} of remote::proxy_argv) starts as Windows OpenSSH
  // starts it: COMMAND is the command line itself, its first word the program looked up in PATH, no shell.
  [[nodiscard]] core::expected<std::shared_ptr<ports::ProxyStream>, ports::ProcessError> start_proxy(
      const std::vector<std::string>& argv) override;
};

}  // namespace stm32mp::adapters::windows
