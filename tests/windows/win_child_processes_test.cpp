// The Windows process adapter under wine, with a cross-built stand-in for ssh.exe (child_helper.cpp, put
// first in PATH): run()'s output, exit status, bounds, deadline, cancel and a missing program; the
// command line's quoting; start_proxy()'s loopback bridge both ways, the exit status and stderr, the
// child (and what it started) ended on close, and a ProxyCommand line relaying to a TCP server.
#include <winsock2.h>
#include <windows.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/windows/command_line.h"
#include "adapters/windows/loopback_proxy_stream.h"
#include "adapters/windows/win_child_processes.h"
#include "adapters/windows/winsock_tcp_stream.h"
#include "files/utf8_path.h"
#include "loopback_listener.h"
#include "support/temp_dir.h"

namespace stm32mp::adapters::windows {
namespace {

using namespace std::chrono_literals;
using EKind = ports::ProcessError::Kind;
using Clock = std::chrono::steady_clock;

// PATH is the helper's folder (its ssh.exe) and nothing else for the test's life.
class WinChildProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wchar_t old[32767];
    const DWORD n = GetEnvironmentVariableW(L"PATH", old, 32767);
    old_path_ = std::wstring(old, n);
    set_path(std::filesystem::path(PRELAUNCH_CHILD_HELPER_DIR).wstring());
  }
  void TearDown() override { SetEnvironmentVariableW(L"PATH", old_path_.c_str()); }
  static void set_path(const std::wstring& path) { SetEnvironmentVariableW(L"PATH", path.c_str()); }

  core::expected<ports::ProcessResult, ports::ProcessError> run(const std::vector<std::string>& argv,
                                                                std::size_t max_output = 1 << 16,
                                                                core::Millis budget = 20000ms) {
    return processes_.run(argv, max_output, core::Deadline(budget), cancel_);
  }

  WinChildProcesses processes_;
  core::CancelToken cancel_;
  std::wstring old_path_;
};

// Reads from a non-blocking stream until `want` bytes came or 10 s passed.
std::string receive(ports::TcpStream& stream, std::size_t want) {
  std::string got;
  const auto until = Clock::now() + 10s;
  char buf[65536];
  while (got.size() < want && Clock::now() < until) {
    if (!stream.wait(true, false, 200ms)) continue;
    const int n = ::recv(static_cast<SOCKET>(stream.native_handle()), buf, sizeof buf, 0);
    if (n == 0) break;
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

// Sends all of `data` on a non-blocking stream, reading what comes back meanwhile into `echoed`.
void send_all(ports::TcpStream& stream, const std::string& data, std::string& echoed) {
  std::size_t sent = 0;
  const auto until = Clock::now() + 20s;
  char buf[65536];
  const auto s = static_cast<SOCKET>(stream.native_handle());
  while (sent < data.size() && Clock::now() < until) {
    (void)stream.wait(true, true, 200ms);
    const int n = ::send(s, data.data() + sent, static_cast<int>(std::min<std::size_t>(data.size() - sent, 65536)), 0);
    if (n > 0) sent += static_cast<std::size_t>(n);
    const int r = ::recv(s, buf, sizeof buf, 0);
    if (r > 0) echoed.append(buf, static_cast<std::size_t>(r));
  }
  ASSERT_EQ(sent, data.size());
}

TEST(WindowsCommandLine, ArgumentsAreQuotedByTheCRuntimesRules) {
  EXPECT_EQ(quote_argument(L"plain"), L"plain");
  EXPECT_EQ(quote_argument(L""), L"\"\"");
  EXPECT_EQ(quote_argument(L"a b"), L"\"a b\"");
  EXPECT_EQ(quote_argument(L"say \"hi\""), L"\"say \\\"hi\\\"\"");
  EXPECT_EQ(quote_argument(L"C:\\dir with space\\"), L"\"C:\\dir with space\\\\\"");
  EXPECT_EQ(quote_argument(L"C:\\no\\space\\"), L"C:\\no\\space\\");  // unquoted: backslashes stay literal
  EXPECT_EQ(command_line({L"ssh", L"-G", L"--", L"my board"}), L"ssh -G -- \"my board\"");
}

TEST(WindowsCommandLine, TheProgramIsTheFirstWordOrTheQuotedPart) {
  EXPECT_EQ(program_of(L"ssh.exe -W 10.0.0.2:22 gw"), L"ssh.exe");
  EXPECT_EQ(program_of(L"  \"C:\\Program Files\\nc.exe\" 10.0.0.2 22"), L"C:\\Program Files\\nc.exe");
  EXPECT_EQ(program_of(L""), L"");
}

TEST_F(WinChildProcessesTest, RunsSshFromPathAndReadsItsAnswer) {
  // A configuration in a folder whose name has a space and a non-ASCII letter: the path arrives intact.
  stm32mp::testing::TempDir dir;
  const auto folder = dir.path() / files::utf8_path("my conf\xC3\xA9");
  std::filesystem::create_directory(folder);
  std::ofstream(folder / "config") << "hostname 192.0.2.7\nport 2222\n";
  auto r = run({"ssh", "-G", "-F", files::utf8_string(folder / "config"), "--", "board"});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->exit_status, 0);
  EXPECT_EQ(r->out, "host board\nhostname 192.0.2.7\nport 2222\nuser root\n");
  EXPECT_EQ(r->err, "");
}

TEST_F(WinChildProcessesTest, EveryArgumentArrivesAsGiven) {
  const std::vector<std::string> args{"a b", "", "q\"uote", "back\\", "tail\\\\\"x", "caf\xC3\xA9 \xC3\xBC", "%PATH%"};
  std::vector<std::string> argv{"ssh", "args"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::string expected;
  for (const auto& a : args) expected += a + "\n";
  EXPECT_EQ(r->out, expected);
}

TEST_F(WinChildProcessesTest, TheExitStatusAndStderrAreKept) {
  auto r = run({"ssh", "exit", "7"});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->exit_status, 7);
  EXPECT_EQ(r->err, "failing with 7\n");
  EXPECT_EQ(r->out, "");
}

TEST_F(WinChildProcessesTest, OutputIsKeptUpToTheCap) {
  auto r = run({"ssh", "flood", "1000000"}, 1000);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->exit_status, 0);
  EXPECT_EQ(r->out, std::string(1000, 'x'));
}

TEST_F(WinChildProcessesTest, TheDeadlineEndsAChildThatHangs) {
  const auto start = Clock::now();
  auto r = run({"ssh", "sleep"}, 1 << 16, 500ms);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, EKind::timeout);
  EXPECT_NE(r.error().message.find("did not finish before the deadline"), std::string::npos);
  EXPECT_LT(Clock::now() - start, 10s);  // the helper sleeps 60 s
}

TEST_F(WinChildProcessesTest, CancelEndsAChildThatHangs) {
  const auto start = Clock::now();
  std::thread canceller([this] {
    std::this_thread::sleep_for(500ms);
    cancel_.cancel();
  });
  auto r = run({"ssh", "sleep"}, 1 << 16, 50000ms);
  canceller.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, EKind::cancelled);
  EXPECT_LT(Clock::now() - start, 10s);
}

TEST_F(WinChildProcessesTest, NoSshInPathIsNotFound) {
  stm32mp::testing::TempDir empty;
  set_path(empty.path().wstring());
  auto r = run({"ssh", "-G", "--", "board"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, EKind::not_found);
  EXPECT_NE(r.error().message.find("not found in PATH"), std::string::npos) << r.error().message;
  auto given = run({(empty.path() / "ssh.exe").string(), "-G"});
  ASSERT_FALSE(given.has_value());
  EXPECT_EQ(given.error().kind, EKind::not_found);
  auto proxy = processes_.start_proxy({"ssh", "echo"});
  ASSERT_FALSE(proxy.has_value());
  EXPECT_EQ(proxy.error().kind, EKind::not_found);
}

TEST(WindowsLoopbackPair, BytesFlowBothWays) {
  auto pair = loopback_pair();
  ASSERT_TRUE(pair.has_value()) << pair.error();
  WinsockTcpStream a(pair->first);
  WinsockTcpStream b(pair->second);
  ASSERT_EQ(::send(pair->first, "ping", 4, 0), 4);
  ASSERT_EQ(::send(pair->second, "pong", 4, 0), 4);
  EXPECT_EQ(receive(b, 4), "ping");
  EXPECT_EQ(receive(a, 4), "pong");
}

TEST_F(WinChildProcessesTest, AProxysStdinAndStdoutAreTheStream) {
  auto proxy = processes_.start_proxy({"ssh", "echo"});
  ASSERT_TRUE(proxy.has_value()) << proxy.error().message;
  auto& stream = **proxy;
  EXPECT_EQ(stream.peek(200ms), ports::ProxyStream::Incoming::nothing_yet);
  EXPECT_FALSE(stream.exit_status().has_value());
  // A megabyte each way: more than any pipe or socket buffer holds.
  std::string data(1 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 4096);
  std::string echoed;
  send_all(stream, data, echoed);
  echoed += receive(stream, data.size() - echoed.size());
  EXPECT_TRUE(echoed == data) << echoed.size() << " of " << data.size() << " bytes came back";
  // Our end closes for writing: the helper sees end-of-file, says so and exits with 3.
  ::shutdown(static_cast<SOCKET>(stream.native_handle()), SD_SEND);
  EXPECT_EQ(stream.peek(10000ms), ports::ProxyStream::Incoming::end_of_file);
  const auto until = Clock::now() + 10s;
  while (!stream.exit_status() && Clock::now() < until) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(stream.exit_status(), std::optional<int>(3));
  EXPECT_EQ(stream.stderr_text(), "echo done\n");
  EXPECT_EQ(stream.end_reason(), "the proxy ssh exited with status 3: echo done");
}

TEST_F(WinChildProcessesTest, ClosingTheStreamEndsTheProxyAndWhatItStarted) {
  auto proxy = processes_.start_proxy({"ssh", "spawn-sleep"});
  ASSERT_TRUE(proxy.has_value()) << proxy.error().message;
  std::string line = receive(**proxy, 1);
  const auto until = Clock::now() + 10s;
  while (line.find('\n') == std::string::npos && Clock::now() < until) line += receive(**proxy, 1);
  const DWORD pid = static_cast<DWORD>(std::stoul(line));
  HANDLE grandchild = OpenProcess(SYNCHRONIZE, FALSE, pid);
  ASSERT_NE(grandchild, nullptr) << "the helper's own child " << pid << " is not running";
  EXPECT_EQ(WaitForSingleObject(grandchild, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  const auto start = Clock::now();
  proxy->reset();  // both sleep 60 s: only a kill ends them now
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(WaitForSingleObject(grandchild, 5000), static_cast<DWORD>(WAIT_OBJECT_0));
  CloseHandle(grandchild);
}

TEST_F(WinChildProcessesTest, AProxyCommandLineRelaysToTheBoardAddress) {
  // The "board": a TCP server that answers what it got, prefixed, then closes.
  Listener server;
  std::thread board([&server] {
    SOCKET c = ::accept(server.s, nullptr, nullptr);
    char buf[64];
    const int n = ::recv(c, buf, sizeof buf, 0);
    const std::string answer = "board got " + std::string(buf, static_cast<std::size_t>(n > 0 ? n : 0));
    ::send(c, answer.data(), static_cast<int>(answer.size()), 0);
    ::closesocket(c);
  });
  // As remote::proxy_argv gives a ProxyCommand "ssh relay %h %p" with %h and %p expanded.
  auto proxy = processes_.start_proxy({"/bin/sh", "-c", "exec ssh relay 127.0.0.1 " + std::to_string(server.port)});
  ASSERT_TRUE(proxy.has_value()) << proxy.error().message;
  auto& stream = **proxy;
  std::string echoed;
  send_all(stream, "SSH-2.0-test", echoed);
  echoed += receive(stream, 22 - echoed.size());
  EXPECT_EQ(echoed, "board got SSH-2.0-test");
  EXPECT_EQ(stream.peek(10000ms), ports::ProxyStream::Incoming::end_of_file);  // the board closed
  board.join();
  const auto until = Clock::now() + 10s;
  while (!stream.exit_status() && Clock::now() < until) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(stream.exit_status(), std::optional<int>(0));
}

}  // namespace
}  // namespace stm32mp::adapters::windows
