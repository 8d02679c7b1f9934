#pragma once
// Real pseudo-terminal consoles for the serial-port tests: socat creates the pty pair and runs a
// board-side script on it (a real bash with the ST prompt, a login prompt, U-Boot, silence, …),
// exactly as tests/board-sim does. The host-side node is a symlink to the pty slave.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace stm32mp::testing {

// A child process in its own session, killed with its whole process group on destruction.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  [[nodiscard]] int pid() const { return pid_; }
  void stop();

 private:
  int pid_ = -1;
};

class PtyConsole {
 public:
  // Board-side scripts.
  static std::string shell();       // bash, PS1='root@stm32mp2-e3-c7-3f:~# '
  static std::string noisy_shell(); // bash that prints a kernel and an OP-TEE line before each prompt
  // A shell whose OP-TEE log line comes only after its prompt, interleaving with the answer to the next command
  // (the address query): none before the prompt.
  static std::string late_noisy_shell();
  static std::string login();
  static std::string uboot();
  static std::string silent();
  static std::string garbage();     // what a 115200 console looks like read at the wrong baud rate
  static std::string no_prompt();   // a program in the foreground printing text

  // Starts socat with `script` on the board side; `link` becomes a symlink to the pty slave.
  PtyConsole(const std::filesystem::path& link, const std::string& script);
  [[nodiscard]] std::string slave() const;  // /dev/pts/N
  [[nodiscard]] int socat_pid() const { return socat_->pid(); }

 private:
  std::filesystem::path link_;
  std::unique_ptr<Background> socat_;
};

}  // namespace stm32mp::testing
