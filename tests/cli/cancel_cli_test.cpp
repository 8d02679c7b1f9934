// Cancel is never success: the CLI interrupted by SIGINT or SIGTERM while a step waits on a console, a TCP
// connection or an SSH handshake, or reads slow local files (config, image, devices: made slow with strace's
// syscall delay injection), prints its report, marks that step "cancelled" (RUN003, an error), skips the rest
// and exits 4; a second signal ends it at once. (Cancel at every step position: core/runner_test.cpp.)
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/interrupt.h"
#include "devices/pty_console.h"
#include "devices/sysfs_fixture.h"
#include "support/background_process.h"
#include "support/cancelled_report.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The CLI in the background (support/background_process.h); `wrapper` runs before it (strace … --), and the
// signals then go to the pid the wrapper writes to `pid_file`.
class Cli : public BackgroundProcess {
 public:
  explicit Cli(std::vector<std::string> args, std::vector<std::string> wrapper = {}, std::string pid_file = {})
      : BackgroundProcess(with_cli(std::move(args), std::move(wrapper)), std::move(pid_file)) {}

 private:
  static std::vector<std::string> with_cli(std::vector<std::string> args, std::vector<std::string> wrapper) {
    args.insert(args.begin(), PRELAUNCH_CLI);
    args.insert(args.begin(), wrapper.begin(), wrapper.end());
    return args;
  }
};

// A TCP server on 127.0.0.1 that accepts connections and never says anything (no SSH banner).
class SilentServer {
 public:
  explicit SilentServer(int backlog = 8) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, backlog) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("listen on 127.0.0.1 failed");
    }
    port_ = ntohs(a.sin_port);
  }
  ~SilentServer() {
    for (int c : held_) close(c);
    close(fd_);
  }
  [[nodiscard]] int port() const { return port_; }
  // A client connection of our own (to fill the listen queue); closed with the server.
  int connect_nonblocking() {
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    (void)connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    held_.push_back(c);
    return c;
  }
  // True once a client connected (its connection is held open, silent).
  bool accepted() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return !held_.empty();
    const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) held_.push_back(c);
    return !held_.empty();
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> held_;
};

class CancelCli : public ::testing::TestWithParam<int> {};

// The CLI (already exec'd: the forked child holds the test's own sockets until then) holds a socket.
bool holds_a_socket(pid_t pid) {
  std::error_code ec;
  const auto proc = "/proc/" + std::to_string(pid);
  if (fs::read_symlink(proc + "/exe", ec) != fs::canonical(PRELAUNCH_CLI) || ec) return false;
  for (fs::directory_iterator it(proc + "/fd", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code lec;
    if (fs::read_symlink(it->path(), lec).string().rfind("socket:", 0) == 0) return true;
  }
  return false;
}

// serial-port: a console that reads what it is sent and never answers; the marker says the step is writing.
TEST_P(CancelCli, InTheSerialPortStep) {
  TempDir dir;
  SysfsFixture fx{dir.path()};
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  const auto marker = dir.file("console-was-written");
  PtyConsole console(fx.node("ttyACM0"), "#!/bin/bash\nstty -echo\nwhile IFS= read -r -n1 c; do : > " + marker +
                                             "; done\n");
  Cli cli({"check", "--serial", fx.node("ttyACM0").string(), "--sysfs-root", fx.sysfs_root(), "--dev-root",
           fx.dev_root(), "--only", "devices,serial-port,network", "--host", "127.0.0.1", "--json",
           "--timeout-ms", "20000"});
  ASSERT_TRUE(wait_until([&] { return fs::exists(marker); })) << "the serial-port step never wrote to the console";
  cli.signal(GetParam());
  expect_cancelled_report(cli.finish(std::chrono::seconds(10)), "serial-port");
}

// network: a TCP connect that gets no answer. A loopback listener that never accepts, its queue filled first:
// the kernel drops further SYNs, so the step's connect waits (no packet leaves the machine).
TEST_P(CancelCli, InTheNetworkStep) {
  SilentServer server(0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) fillers.push_back(server.connect_nonblocking());
  Cli cli({"check", "--host", "127.0.0.1", "--port", std::to_string(server.port()), "--only", "network,ssh,target",
           "--json", "--timeout-ms", "20000"});
  // Inside the network step once the CLI holds a socket (its connect hangs until 20 s). Not a fixed sleep: a
  // loaded machine (the sanitizer build) can take longer than that to start the CLI and install its handler.
  ASSERT_TRUE(wait_until([&] { return holds_a_socket(cli.target()); })) << "the CLI never opened a socket";
  cli.signal(GetParam());
  expect_cancelled_report(cli.finish(std::chrono::seconds(10)), "network");
}

TEST_P(CancelCli, InTheSshStep) {
  SilentServer server;
  TempDir home;
  Cli cli({"check", "--host", "127.0.0.1", "--port", std::to_string(server.port()), "--only", "ssh,target",
           "--known-hosts", home.file("known_hosts"), "--json", "--timeout-ms", "20000"});
  ASSERT_TRUE(wait_until([&] { return server.accepted(); })) << "the ssh step never connected";
  cli.signal(GetParam());
  expect_cancelled_report(cli.finish(std::chrono::seconds(10)), "ssh");
}

// The CLI under strace, each listed system call delayed by `delay_us` when it is done (only on `path` when
// given: strace -P matches that exact path and its descriptors). A shell writes its pid and execs the CLI, so
// the signal goes to the CLI, not to strace.
std::vector<std::string> slow_syscalls(const std::string& calls, int delay_us, const std::string& pid_file,
                                       const std::string& path = {}) {
  std::vector<std::string> w{"/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + calls, "-e",
                             "inject=" + calls + ":delay_exit=" + std::to_string(delay_us)};
  if (!path.empty()) w.insert(w.end(), {"-P", path});
  // LeakSanitizer cannot run under ptrace (it aborts at exit): in the sanitizer build the CLI under strace
  // checks everything but leaks; the same CLI's leaks are checked by every other test.
  w.insert(w.end(), {"--", "/bin/sh", "-c",
                     "echo $$ > " + pid_file + "; ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" exec \"$0\" \"$@\""});
  return w;
}

class CancelSlowLocalStep : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/bin/strace")) << "these tests make local reads slow with strace (Debian package strace)";
  }
  // Signals the CLI once it holds `path` open (a delayed open has already made its descriptor, and the walk
  // keeps its directory open: the CLI is inside that step), then expects `step` cancelled within `bound_ms`.
  void cancel_in(Cli& cli, const std::string& path, const std::string& step, long long bound_ms) {
    ASSERT_TRUE(wait_until([&] { return cli.target() > 0 && holds_open(cli.target(), path); }))
        << "the CLI never opened " << path;
    cli.signal(GetParam());
    expect_cancelled_report(cli.finish(std::chrono::seconds(15)), step, bound_ms);
  }
  static bool holds_open(pid_t pid, const std::string& path) {
    std::error_code ec;
    for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code lec;
      if (fs::read_symlink(it->path(), lec) == path) return true;
    }
    return false;
  }
  TempDir dir;
};

// config: the launch file on a slow disk (its open takes 2 s). The step reads it with one system call, so
// the cancel is honoured when that call returns: the bound after the signal is that delay plus 1.5 s.
TEST_P(CancelSlowLocalStep, InTheConfigStep) {
  const auto launch = fs::canonical(dir.path()).string() + "/board.launch";
  std::ofstream(launch) << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<launchConfiguration type=\"t\">\n"
                           "<stringAttribute key=\"org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader\" "
                           "value=\"/dev/ttyACM0\"/>\n</launchConfiguration>\n";
  const auto pid = dir.file("pid");
  Cli cli({"check", "--launch", launch, "--only", "config,image,devices", "--json"},
          slow_syscalls("openat", 2000000, pid, launch), pid);
  cancel_in(cli, launch, "config", 3500);
}

// image: the ELF on a slow disk (its open takes 2 s), as for config.
TEST_P(CancelSlowLocalStep, InTheImageStep) {
  const auto elf = fs::canonical(dir.path()).string() + "/firmware.elf";
  std::ofstream(elf) << std::string(4096, '\x7f');
  const auto pid = dir.file("pid");
  Cli cli({"check", "--elf", elf, "--only", "config,image,devices", "--json"}, slow_syscalls("openat", 2000000, pid, elf),
          pid);
  cancel_in(cli, elf, "image", 3500);
}

// devices: a sysfs with 400 UARTs whose every link and status lookup takes 3 ms (a walk of many seconds). The
// walk stops between two entries, so the run ends within the usual bound, long before the walk would have.
TEST_P(CancelSlowLocalStep, InTheDevicesStep) {
  SysfsFixture fx{dir.path()};
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  for (int i = 0; i < 400; ++i) fx.add_builtin_uart("ttyS" + std::to_string(i));
  const auto pid = dir.file("pid");
  Cli cli({"check", "--sysfs-root", fx.sysfs_root(), "--dev-root", fx.dev_root(), "--serial",
           fx.node("ttyACM0").string(), "--only", "devices,serial-port", "--json"},
          slow_syscalls("readlink,newfstatat", 3000, pid), pid);
  cancel_in(cli, fs::canonical(fx.sysfs_root()).string() + "/class/tty", "devices", 3000);
}

INSTANTIATE_TEST_SUITE_P(Signals, CancelSlowLocalStep, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return std::string(info.param == SIGINT ? "Sigint" : "Sigterm"); });

INSTANTIATE_TEST_SUITE_P(Signals, CancelCli, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return std::string(info.param == SIGINT ? "Sigint" : "Sigterm"); });

// The handler itself (cli/interrupt.cpp), in a child process: the first SIGTERM or SIGINT only cancels the token,
// the second ends the process with the signal. (Two kill()s from outside may merge into one pending signal.)
TEST(InterruptScope, FirstSignalCancelsSecondEndsAtOnce) {
  for (int sig : {SIGINT, SIGTERM}) {
    EXPECT_EXIT(
        {
          core::CancelToken token;
          const cli::InterruptScope scope(token);
          raise(sig);
          if (!token.cancelled()) _exit(10);
          raise(sig);
          _exit(11);  // not reached: the second signal ends the process
        },
        ::testing::KilledBySignal(sig), "");
  }
}

TEST(InterruptScope, RestoresThePreviousHandlersWhenTheCheckEnds) {
  EXPECT_EXIT(
      {
        signal(SIGTERM, SIG_IGN);
        {
          core::CancelToken token;
          const cli::InterruptScope scope(token);
        }
        raise(SIGTERM);  // ignored again
        _exit(12);
      },
      ::testing::ExitedWithCode(12), "");
}

}  // namespace
}  // namespace stm32mp::testing
