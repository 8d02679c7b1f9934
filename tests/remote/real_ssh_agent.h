#pragma once
// A real OpenSSH ssh-agent in the foreground (-D) on a socket of the test's own, so the test owns its pid
// and ends it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "support/run_process.h"

extern char** environ;

namespace stm32mp::testing {

class RealAgent {
 public:
  explicit RealAgent(std::string sock) : sock_(std::move(sock)) {
    const std::string path = "/usr/bin/ssh-agent";
    std::vector<char*> argv{const_cast<char*>(path.c_str()), const_cast<char*>("-D"), const_cast<char*>("-a"),
                            sock_.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    // The socket file appears at bind(), before listen(): wait until a connect is accepted, or ssh-add
    // right after may be refused.
    for (int i = 0; i < 250 && pid_ > 0 && !accepts(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ~RealAgent() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  RealAgent(const RealAgent&) = delete;
  RealAgent& operator=(const RealAgent&) = delete;

  [[nodiscard]] bool running() const { return pid_ > 0 && accepts(); }
  [[nodiscard]] ProcessResult add(const std::string& key) const {
    return run_process({"/usr/bin/ssh-add", key}, {"SSH_AUTH_SOCK=" + sock_}, 10000);
  }

 private:
  [[nodiscard]] bool accepts() const {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (sock_.size() >= sizeof addr.sun_path) return false;
    std::memcpy(addr.sun_path, sock_.c_str(), sock_.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  }

  std::string sock_;
  pid_t pid_ = -1;
};

}  // namespace stm32mp::testing
