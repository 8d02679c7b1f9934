#pragma once
// Local programs the run starts: the system's OpenSSH client (`ssh -G`, to read the user's SSH
// configuration) and a ProxyCommand/ProxyJump program whose stdin/stdout carry the SSH connection to
// the board. The POSIX adapter uses Boost.Process; every call is bounded and every child is reaped.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/expected.h"
#include "ports/network.h"

namespace stm32mp::ports {

struct ProcessResult {
  int exit_status = -1;  // 128 + n when killed by signal n
  std::string out;       // at most the caller's cap
  std::string err;
};

struct ProcessError {
  enum class Kind {
    not_found,     // the program is not installed (not in PATH)
    start_failed,  // fork/exec or pipe creation failed
    timeout,       // killed at the deadline
    cancelled,     // killed because the run was cancelled
  };
  Kind kind = Kind::start_failed;
  std::string message;
};

// The SSH connection through a proxy program: a TcpStream whose far end is the program's stdin/stdout.
class ProxyStream : public TcpStream {
 public:
  // nullopt while the program runs; its exit status once it ended.
  [[nodiscard]] virtual std::optional<int> exit_status() = 0;
  // The end of what the program wrote on stderr (bounded), for the diagnosis.
  [[nodiscard]] virtual std::string stderr_text() = 0;
  enum class Incoming { nothing_yet, data, end_of_file };
  // Waits at most `timeout` for the far end's first bytes without consuming them.
  [[nodiscard]] virtual Incoming peek(core::Millis timeout) = 0;
  // Once the program ended, "the proxy PROGRAM exited with status N: LAST STDERR LINE"; "" while it runs.
  // Asked when the connection broke: a program that closed its end is about to end, so it waits up to
  // 100 ms for that.
  [[nodiscard]] std::string end_reason() final;

 protected:
  // The program as reports name it.
  [[nodiscard]] virtual std::string program() const = 0;
};

class ChildProcesses {
 public:
  virtual ~ChildProcesses() = default;
  // Runs argv (argv[0] looked up in PATH unless it holds a '/') with an empty stdin, keeping at most
  // `max_output` bytes of stdout and of stderr; killed at the deadline or on cancel, always reaped.
  [[nodiscard]] virtual core::expected<ProcessResult, ProcessError> run(const std::vector<std::string>& argv,
                                                                      std::size_t max_output,
                                                                      const core::Deadline& deadline,
                                                                      const core::CancelToken& cancel) = 0;
  // Starts argv in a session of its own (no terminal: it can never prompt) with stdin and stdout on
  // the returned stream. The stream's owner ends the program: closing the stream ends its input, and a
  // program still running shortly after is killed and reaped.
  [[nodiscard]] virtual core::expected<std::shared_ptr<ProxyStream>, ProcessError> start_proxy(
      const std::vector<std::string>& argv) = 0;
};

}  // namespace stm32mp::ports
