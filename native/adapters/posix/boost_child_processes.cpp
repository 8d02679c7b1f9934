#include "adapters/posix/boost_child_processes.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/posix.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <chrono>
#include <cstring>
#include <thread>

namespace stm32mp::adapters::posix {
namespace {

namespace bp = boost::process;
using ports::ProcessError;
using EKind = ports::ProcessError::Kind;

constexpr std::size_t kStderrKept = 4096;         // the end of a proxy's complaints
constexpr core::Millis kProxyExitGrace{200};        // a proxy whose input closed ends by itself

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

void set_nonblocking(int fd) { (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Runs in the child between fork and exec: a session of its own, and every descriptor above the
// standard three closed at exec (CLOSE_RANGE_CLOEXEC keeps Boost's own exec-error pipe working).
struct ChildSetup : bp::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    (void)::setsid();
#ifdef SYS_close_range
    (void)::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
#endif
  }
};

core::expected<std::string, ProcessError> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return core::unexpected{ProcessError{EKind::not_found, errno_text(name.c_str())}};
  }
  // PATH searched here rather than with bp::search_path: that one is the only piece of Boost.Process that
  // needs the compiled libboost_filesystem, which would make the JNI library depend on a shared library a
  // stock desktop lacks (java.jni.library_deps); Debian's static libboost_filesystem.a is not PIC.
  const char* env_path = std::getenv("PATH");
  std::string_view dirs = env_path != nullptr ? env_path : "/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return core::unexpected{ProcessError{EKind::not_found, name + " is not installed (not found in PATH)"}};
}

// 128 + n for a signal, as a shell says it.
int decode_status(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}

std::optional<int> exited(bp::child& c) {
  std::error_code ec;
  if (c.running(ec)) return std::nullopt;
  if (ec) return -1;
  return decode_status(c.native_exit_code());
}

// Kills and reaps a child still running; waits at most `grace` for it to end by itself first.
void end_child(bp::child& c, core::Millis grace) {
  if (!c.valid()) return;
  const auto until = std::chrono::steady_clock::now() + grace;
  while (!exited(c) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (exited(c)) return;
  // The child leads its own session and process group (ChildSetup): what it started goes with it
  // (a `Match exec` command of ssh -G, a proxy script's own children).
  (void)::kill(-c.id(), SIGKILL);
  std::error_code ec;
  c.terminate(ec);  // SIGKILL, then waitpid
}

// Appends what `fd` has now (non-blocking); false at end-of-file.
bool drain(int fd, std::string& sink, std::size_t cap, bool keep_tail) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
      if (sink.size() > cap) {
        if (keep_tail) {
          sink.erase(0, sink.size() - cap);
        } else {
          sink.resize(cap);
        }
      }
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
}

class BoostProxyStream final : public ports::ProxyStream {
 public:
  BoostProxyStream(bp::child child, Fd socket, Fd err, std::string program)
      : child_(std::move(child)), socket_(std::move(socket)), err_(std::move(err)), program_(std::move(program)) {}
  ~BoostProxyStream() override {
    shutdown();
    socket_.reset();  // the program's stdin ends: ssh -W, nc and socat exit by themselves
    end_child(child_, kProxyExitGrace);
  }
  BoostProxyStream(const BoostProxyStream&) = delete;
  BoostProxyStream& operator=(const BoostProxyStream&) = delete;

  [[nodiscard]] std::intptr_t native_handle() const override { return socket_.get(); }
  bool wait(bool want_read, bool want_write, core::Millis timeout) override {
    pollfd p[2]{};
    p[0].fd = socket_.get();
    p[0].events = static_cast<short>((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0));
    p[1].fd = err_open_ ? err_.get() : -1;  // keeps the program from blocking on a full stderr pipe
    p[1].events = POLLIN;
    if (::poll(p, 2, static_cast<int>(timeout.count())) <= 0) return false;
    if (p[1].revents != 0) err_open_ = drain(err_.get(), stderr_, kStderrKept, true);
    return p[0].revents != 0;
  }
  void shutdown() override {
    if (socket_.get() >= 0) ::shutdown(socket_.get(), SHUT_RDWR);
  }
  Incoming peek(core::Millis timeout) override {
    if (!wait(true, false, timeout)) return Incoming::nothing_yet;
    char byte = 0;
    const auto n = ::recv(socket_.get(), &byte, 1, MSG_PEEK);
    if (n > 0) return Incoming::data;
    if (n == 0) return Incoming::end_of_file;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Incoming::nothing_yet : Incoming::end_of_file;
  }
  std::optional<int> exit_status() override {
    if (!status_) status_ = exited(child_);
    return status_;
  }
  std::string stderr_text() override {
    if (err_open_) err_open_ = drain(err_.get(), stderr_, kStderrKept, true);
    return stderr_;
  }

 protected:
  [[nodiscard]] std::string program() const override { return program_; }

 private:
  bp::child child_;
  Fd socket_;
  Fd err_;
  bool err_open_ = true;
  std::string stderr_;
  std::optional<int> status_;
  std::string program_;
};

}  // namespace

core::expected<ports::ProcessResult, ProcessError> BoostChildProcesses::run(const std::vector<std::string>& argv,
                                                                            std::size_t max_output,
                                                                            const core::Deadline& deadline,
                                                                            const core::CancelToken& cancel) {
  if (argv.empty()) return core::unexpected{ProcessError{EKind::start_failed, "no program"}};
  auto exe = find_program(argv[0]);
  if (!exe) return core::unexpected{exe.error()};
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return core::unexpected{ProcessError{EKind::start_failed, errno_text("pipe")}};
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return core::unexpected{ProcessError{EKind::start_failed, errno_text("pipe")}};
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  std::error_code ec;
  bp::child child(bp::exe = *exe, bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()), bp::std_in < bp::null,
                  bp::posix::fd.bind(1, out_w.get()), bp::posix::fd.bind(2, err_w.get()), ChildSetup{}, ec);
  if (ec) return core::unexpected{ProcessError{EKind::start_failed, argv[0] + ": " + ec.message()}};
  out_w.reset();
  err_w.reset();
  set_nonblocking(out_r.get());
  set_nonblocking(err_r.get());

  ports::ProcessResult result;
  bool out_open = true;
  bool err_open = true;
  for (;;) {
    if (cancel.cancelled() || deadline.expired()) {
      end_child(child, core::Millis{0});
      const bool cancelled = cancel.cancelled();
      return core::unexpected{ProcessError{cancelled ? EKind::cancelled : EKind::timeout,
                                           argv[0] + (cancelled ? " was stopped: the run was cancelled"
                                                                : " did not finish before the deadline")}};
    }
    if (!out_open && !err_open) {
      if (auto status = exited(child)) {
        result.exit_status = *status;
        return result;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    pollfd p[2]{{out_open ? out_r.get() : -1, POLLIN, 0}, {err_open ? err_r.get() : -1, POLLIN, 0}};
    (void)::poll(p, 2, static_cast<int>(deadline.slice().count()));
    if (out_open && p[0].revents != 0) out_open = drain(out_r.get(), result.out, max_output, false);
    if (err_open && p[1].revents != 0) err_open = drain(err_r.get(), result.err, max_output, false);
  }
}

core::expected<std::shared_ptr<ports::ProxyStream>, ProcessError> BoostChildProcesses::start_proxy(
    const std::vector<std::string>& argv) {
  if (argv.empty()) return core::unexpected{ProcessError{EKind::start_failed, "no program"}};
  auto exe = find_program(argv[0]);
  if (!exe) return core::unexpected{exe.error()};
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return core::unexpected{ProcessError{EKind::start_failed, errno_text("socketpair")}};
  }
  Fd ours(pair[0]), theirs(pair[1]);
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return core::unexpected{ProcessError{EKind::start_failed, errno_text("pipe")}};
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  std::error_code ec;
  bp::child child(bp::exe = *exe, bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                  bp::posix::fd.bind(0, theirs.get()), bp::posix::fd.bind(1, theirs.get()),
                  bp::posix::fd.bind(2, err_w.get()), ChildSetup{}, ec);
  if (ec) return core::unexpected{ProcessError{EKind::start_failed, argv[0] + ": " + ec.message()}};
  theirs.reset();
  err_w.reset();
  set_nonblocking(ours.get());
  set_nonblocking(err_r.get());
  return std::shared_ptr<ports::ProxyStream>(
      std::make_shared<BoostProxyStream>(std::move(child), std::move(ours), std::move(err_r), argv[0]));
}

}  // namespace stm32mp::adapters::posix
