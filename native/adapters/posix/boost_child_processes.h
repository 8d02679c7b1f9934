#pragma once
#include "ports/child_processes.h"

namespace stm32mp::adapters::posix {

// ports::ChildProcesses with Boost.Process: fixed argv, never a shell of ours; the child runs in its
// own session (setsid: no terminal to prompt on, the terminal's Ctrl-C reaches only us) and inherits no
// descriptor but its three standard ones. No SIGCHLD handler is installed (none may disturb a JVM that
// hosts the bridge): children are polled with waitpid(WNOHANG) and killed and reaped on the way out.
class BoostChildProcesses final : public ports::ChildProcesses {
 public:
  [[nodiscard]] core::expected<ports::ProcessResult, ports::ProcessError> run(const std::vector<std::string>& argv,
                                                                              std::size_t max_output,
                                                                              const core::Deadline& deadline,
                                                                              const core::CancelToken& cancel) override;
  [[nodiscard]] core::expected<std::shared_ptr<ports::ProxyStream>, ports::ProcessError> start_proxy(
      const std::vector<std::string>& argv) override;
};

}  // namespace stm32mp::adapters::posix
