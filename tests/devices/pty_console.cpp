#include "devices/pty_console.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "support/golden.h"

namespace stm32mp::testing {

namespace fs = std::filesystem;

Background::Background(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    setsid();
    execvp(args[0], args.data());
    _exit(127);
  }
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

void Background::stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

Background::~Background() { stop(); }

std::string PtyConsole::shell() {
  return "#!/bin/bash\nexport PS1='root@stm32mp2-e3-c7-3f:~# ' HOME=/root TERM=vt100\n"
         "exec /bin/bash --norc --noprofile --noediting -i\n";
}
std::string PtyConsole::noisy_shell() {
  return "#!/bin/bash\nexport PS1='root@stm32mp2-e3-c7-3f:~# ' HOME=/root TERM=vt100\n"
         "export PROMPT_COMMAND='printf \"[  812.441502] remoteproc remoteproc0: powering up m33\\nE/TC:0 0 "
         "stm32_pm_notif:12 low power notification ignored\\n\"'\n"
         "exec /bin/bash --norc --noprofile --noediting -i\n";
}
std::string PtyConsole::late_noisy_shell() {
  // `ip` prints the board's log line before its answer: deterministic, whatever the machine's speed.
  return "#!/bin/bash\nexport PS1='root@stm32mp2-e3-c7-3f:~# ' HOME=/root TERM=vt100\n"
         "ip() { printf 'E/TC:0 0 stm32_pm_notif:12 low power notification ignored\\n'; command ip \"$@\"; }\n"
         "export -f ip\n"
         "exec /bin/bash --norc --noprofile --noediting -i\n";
}
std::string PtyConsole::login() {
  return "#!/bin/bash\nwhile IFS= read -r line; do printf '\\nstm32mp2-e3-c7-3f login: '; done\n";
}
std::string PtyConsole::uboot() {
  return "#!/bin/bash\nwhile IFS= read -r line; do printf 'STM32MP> '; done\n";
}
std::string PtyConsole::silent() { return "#!/bin/bash\nstty -echo\nwhile IFS= read -r line; do :; done\n"; }
std::string PtyConsole::garbage() {
  return "#!/bin/bash\nstty -echo\nwhile IFS= read -r line; do printf '\\xf0\\x8f\\xa3\\xfe\\x9c\\xe1\\xff\\x80\\x1c\\xe6\\x98\\x86'; done\n";
}
std::string PtyConsole::no_prompt() {
  return "#!/bin/bash\nstty -echo\nwhile IFS= read -r line; do printf 'OpenAMP demo: waiting for the remote processor\\n'; done\n";
}

PtyConsole::PtyConsole(const fs::path& link, const std::string& script) : link_(link) {
  const auto script_path = link.string() + ".board.sh";
  write_file(script_path, script);
  fs::permissions(script_path, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read |
                                   fs::perms::group_exec | fs::perms::others_exec);
  fs::remove(link);
  socat_ = std::make_unique<Background>(std::vector<std::string>{
      "socat", "pty,link=" + link.string() + ",raw,echo=0,mode=660",
      "exec:" + script_path + ",pty,setsid,ctty,stderr,sane"});
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(link)) {
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("socat did not create " + link.string());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Give the board side a moment to start reading (bash prints its first prompt).
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
}

std::string PtyConsole::slave() const { return fs::read_symlink(link_).string(); }

}  // namespace stm32mp::testing
