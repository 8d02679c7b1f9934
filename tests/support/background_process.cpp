#include "support/background_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace stm32mp::testing {

using Clock = std::chrono::steady_clock;

BackgroundProcess::BackgroundProcess(std::vector<std::string> argv, std::string pid_file)
    : pid_file_(std::move(pid_file)) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  out_ = out[0];
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
}

void BackgroundProcess::signal(int sig) const { kill(target(), sig); }

pid_t BackgroundProcess::target() const {
  if (pid_file_.empty()) return pid_;
  std::ifstream in(pid_file_);
  pid_t pid = 0;
  return in >> pid ? pid : 0;
}

BackgroundProcess::Ended BackgroundProcess::finish(std::chrono::milliseconds limit) {
  Ended e;
  const auto t0 = Clock::now();
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t0 + limit - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    const auto n = read(out_, buf, sizeof buf);
    if (n <= 0) break;
    e.out.append(buf, static_cast<std::size_t>(n));
  }
  // Its stdout is closed: it is exiting. Give it what is left of the limit to be reaped.
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < t0 + limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (done == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    e.exit_code = -2;
  } else if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.by_signal = WTERMSIG(status);
  }
  pid_ = -1;
  e.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  return e;
}

}  // namespace stm32mp::testing
