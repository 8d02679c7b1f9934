// The Windows adapters that wine runs faithfully: Winsock connect with deadlines, the ssh-agent's
// named pipe (a fake agent served from a thread), atomic file replacement, the terminal scan's
// matching and COM path spelling. COM enumeration and busy detection are not emulated by wine:
// device_tree_test.cpp covers the first from recordings, the second is Windows-only (see README).
#include <winsock2.h>
#include <windows.h>
#include <ws2tcpip.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/posix/ssh_agent_client.h"
#include "adapters/windows/com_serial_lines.h"
#include "adapters/windows/toolhelp_process_table.h"
#include "adapters/windows/winsock_network.h"
#include "adapters/windows/winsock_tcp_stream.h"
#include "loopback_listener.h"
#include "ports/platform.h"

namespace stm32mp::adapters::windows {
namespace {

using namespace std::chrono_literals;

TEST(WinsockNetwork, ConnectsToALoopbackListener) {
  Listener l;
  WinsockNetwork net;
  core::CancelToken cancel;
  auto c = net.connect("127.0.0.1", l.port, core::Deadline(5000ms), cancel);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->address, "127.0.0.1");
  EXPECT_TRUE(c->stream->wait(false, true, 1000ms));
}

TEST(WinsockNetwork, AClosedPortIsRefused) {
  int port = 0;
  {
    Listener l;  // take a free port, then close it
    port = l.port;
  }
  WinsockNetwork net;
  core::CancelToken cancel;
  auto c = net.connect("127.0.0.1", port, core::Deadline(5000ms), cancel);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().kind, ports::NetError::Kind::refused) << c.error().message;
}

TEST(WinsockNetwork, ACancelledRunDoesNotConnect) {
  Listener l;
  WinsockNetwork net;
  core::CancelToken cancel;
  cancel.cancel();
  auto c = net.connect("127.0.0.1", l.port, core::Deadline(5000ms), cancel);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().kind, ports::NetError::Kind::cancelled);
}

// A fake OpenSSH agent on a named pipe: answers each request with `answer`, or never when empty.
class FakeAgent {
 public:
  explicit FakeAgent(std::vector<unsigned char> answer)
      : name_(LR"(\\.\pipe\stm32mp-prelaunch-test-agent-)" + std::to_wstring(GetCurrentProcessId()) + L"-" +
              std::to_wstring(counter_++)),
        answer_(std::move(answer)) {
    pipe_ = CreateNamedPipeW(name_.c_str(), PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0,
                             nullptr);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeAgent() {
    stop_ = true;
    CancelIoEx(pipe_, nullptr);
    DisconnectNamedPipe(pipe_);
    if (thread_.joinable()) thread_.join();
    CloseHandle(pipe_);
  }
  [[nodiscard]] std::string name() const { return std::string(name_.begin(), name_.end()); }

 private:
  void serve() {
    if (ConnectNamedPipe(pipe_, nullptr) == 0 && GetLastError() != ERROR_PIPE_CONNECTED) return;
    unsigned char request[512];
    DWORD got = 0;
    if (ReadFile(pipe_, request, sizeof request, &got, nullptr) == 0 || answer_.empty()) {
      while (!stop_) std::this_thread::sleep_for(10ms);  // a stuck agent: holds the pipe, says nothing
      return;
    }
    std::vector<unsigned char> frame{0, 0, 0, static_cast<unsigned char>(answer_.size())};
    frame.insert(frame.end(), answer_.begin(), answer_.end());
    DWORD put = 0;
    WriteFile(pipe_, frame.data(), static_cast<DWORD>(frame.size()), &put, nullptr);
    FlushFileBuffers(pipe_);
  }

  static inline std::atomic<int> counter_{0};
  std::wstring name_;
  std::vector<unsigned char> answer_;
  HANDLE pipe_ = INVALID_HANDLE_VALUE;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(SshAgentPipe, ListsTheIdentitiesOfAnAgentOnANamedPipe) {
  FakeAgent agent({12, 0, 0, 0, 0});  // SSH_AGENT_IDENTITIES_ANSWER with no keys
  core::CancelToken cancel;
  auto client = posix::SshAgentClient::connect(agent.name(), core::Deadline(5000ms), cancel);
  ASSERT_TRUE(client.has_value()) << client.error().message;
  auto keys = client->list_identities(core::Deadline(5000ms), cancel);
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  EXPECT_TRUE(keys->empty());
}

TEST(SshAgentPipe, ASilentAgentTimesOutAtTheDeadline) {
  FakeAgent agent({});
  core::CancelToken cancel;
  auto client = posix::SshAgentClient::connect(agent.name(), core::Deadline(5000ms), cancel);
  ASSERT_TRUE(client.has_value()) << client.error().message;
  const auto started = std::chrono::steady_clock::now();
  auto keys = client->list_identities(core::Deadline(400ms), cancel);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(keys.has_value());
  EXPECT_EQ(keys.error().kind, posix::AgentError::Kind::timeout) << keys.error().message;
  EXPECT_LT(took, 3000ms);
}

TEST(SshAgentPipe, NoAgentIsUnreachable) {
  core::CancelToken cancel;
  auto client = posix::SshAgentClient::connect(R"(\\.\pipe\stm32mp-prelaunch-no-such-agent)", core::Deadline(2000ms), cancel);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().kind, posix::AgentError::Kind::unreachable);
  EXPECT_EQ(ports::default_agent_address(), R"(\\.\pipe\openssh-ssh-agent)");
}

TEST(PlatformFiles, AtomicWriteReplacesAnExistingFileWithAUtf8Name) {
  const auto dir = std::filesystem::temp_directory_path() / ("stm32mp-win-" + std::to_string(GetCurrentProcessId()));
  std::filesystem::create_directories(dir);
  const std::string name = (dir / "").string() + "sign\xC3\xA9_out.bin";  // "signé_out.bin" in UTF-8
  ASSERT_FALSE(ports::write_file_atomically(name, {1, 2, 3}));
  ASSERT_FALSE(ports::write_file_atomically(name, {4, 5}));  // std::rename would fail here on Windows
  std::ifstream in(dir / L"sign\u00e9_out.bin", std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, std::string("\x04\x05", 2));
  in.close();
  std::filesystem::remove_all(dir);
}

TEST(ToolhelpProcessTable, NamesKnownTerminalsButNotItselfOrOthers) {
  const auto found = ToolhelpProcessTable::terminals_among(
      {{10, "explorer.exe"}, {11, "PuTTY.exe"}, {12, "ttermpro.exe"}, {13, "putty.exe"}}, 13);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].pid, 11);
  EXPECT_EQ(found[0].command, "PuTTY.exe");
  EXPECT_EQ(found[1].command, "ttermpro.exe");
  EXPECT_FALSE(ToolhelpProcessTable().uucp_lock("COM40"));
}

TEST(ComSerialLines, PortNamesBecomeDevicePaths) {
  EXPECT_EQ(ComSerialLines::device_path("COM40"), R"(\\.\COM40)");
  EXPECT_EQ(ComSerialLines::device_path("com4"), R"(\\.\COM4)");
  EXPECT_EQ(ComSerialLines::device_path(R"(\\.\COM40)"), R"(\\.\COM40)");
  EXPECT_TRUE(ComSerialLines().open_is_exclusive());
}

TEST(ComSerialLines, AMissingPortIsNotFound) {
  auto line = ComSerialLines().open_exclusive("COM199");
  ASSERT_FALSE(line.has_value());
  EXPECT_EQ(line.error().kind, ports::OpenError::Kind::not_found) << line.error().text;
}

}  // namespace
}  // namespace stm32mp::adapters::windows
