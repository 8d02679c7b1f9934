// The bounded ssh-agent protocol client against an in-test agent socket: what it sends, how it reads
// answers, broken answers, and that a silent agent costs at most the deadline (or half a second after a
// cancel). The real OpenSSH ssh-agent is exercised through the login in ssh_board_test.cpp.
#include "adapters/posix/ssh_agent_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "remote/fake_ssh_agent.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using adapters::posix::AgentError;
using adapters::posix::SshAgentClient;
using Clock = std::chrono::steady_clock;
using AKind = AgentError::Kind;

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

Bytes ed25519_blob(unsigned char fill) {
  Bytes blob;
  append_string(blob, bytes_of("ssh-ed25519"));
  append_string(blob, Bytes(32, fill));
  return blob;
}

class AgentClientTest : public ::testing::Test {
 protected:
  std::string sock() const { return dir_.file("agent.sock"); }
  SshAgentClient connect(const core::Deadline& d = core::Deadline(core::Millis{2000})) {
    auto c = SshAgentClient::connect(sock(), d, never_);
    EXPECT_TRUE(c.has_value()) << c.error().message;
    return std::move(c).value();
  }
  TempDir dir_;
  core::CancelToken never_;
};

TEST_F(AgentClientTest, ListsIdentitiesAndSendsTheRequestOnTheWire) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> {
    Bytes body{12};
    append_u32(body, 2);
    append_string(body, ed25519_blob(0xAA));
    append_string(body, bytes_of("dev@host"));
    append_string(body, ed25519_blob(0xBB));
    append_string(body, {});
    return frame(body);
  });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  auto keys = client.list_identities(core::Deadline(core::Millis{2000}), never_);
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  ASSERT_EQ(keys.value().size(), 2u);
  EXPECT_EQ(keys.value()[0].blob, ed25519_blob(0xAA));
  EXPECT_EQ(keys.value()[0].comment, "dev@host");
  EXPECT_EQ(keys.value()[1].blob, ed25519_blob(0xBB));
  EXPECT_EQ(keys.value()[1].comment, "");
  ASSERT_EQ(agent.requests().size(), 1u);
  EXPECT_EQ(agent.requests()[0], Bytes{11});  // SSH_AGENTC_REQUEST_IDENTITIES, nothing else
}

TEST_F(AgentClientTest, SignSendsKeyDataFlagsAndReturnsTheBareSignature) {
  const Bytes sig(64, 0x5A);
  FakeSshAgent agent(sock(), [&](const Bytes&) -> std::optional<Bytes> {
    Bytes inner;
    append_string(inner, bytes_of("ssh-ed25519"));
    append_string(inner, sig);
    Bytes body{14};
    append_string(body, inner);
    return frame(body);
  });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  const Bytes key = ed25519_blob(0xAA);
  const Bytes data = bytes_of("session id and userauth request");
  auto signed_ = client.sign(key, data, 0, core::Deadline(core::Millis{2000}), never_);
  ASSERT_TRUE(signed_.has_value()) << signed_.error().message;
  EXPECT_EQ(signed_.value().format, "ssh-ed25519");
  EXPECT_EQ(signed_.value().bytes, sig);
  Bytes expected{13};
  append_string(expected, key);
  append_string(expected, data);
  append_u32(expected, 0);
  ASSERT_EQ(agent.requests().size(), 1u);
  EXPECT_EQ(agent.requests()[0], expected);
}

TEST_F(AgentClientTest, FailureAnswerIsARefusal) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> { return frame({5}); });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  auto keys = client.list_identities(core::Deadline(core::Millis{2000}), never_);
  ASSERT_FALSE(keys.has_value());
  EXPECT_EQ(keys.error().kind, AKind::refused);
  // A FAILURE answer is a whole message: the connection stays usable for the next request.
  auto signed_ = client.sign(ed25519_blob(1), bytes_of("x"), 0, core::Deadline(core::Millis{2000}), never_);
  ASSERT_FALSE(signed_.has_value());
  EXPECT_EQ(signed_.error().kind, AKind::refused) << signed_.error().message;
  EXPECT_EQ(agent.requests().size(), 2u);
}

TEST_F(AgentClientTest, TruncatedAnswerIsAProtocolError) {
  // Announces 100 bytes, sends 10, hangs up.
  FakeSshAgent agent(
      sock(),
      [](const Bytes&) -> std::optional<Bytes> {
        Bytes out;
        append_u32(out, 100);
        out.push_back(12);
        append_u32(out, 1);
        append_u32(out, 4000);
        out.push_back(0);
        return out;
      },
      true);
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  const auto started = Clock::now();
  auto keys = client.list_identities(core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(keys.has_value());
  EXPECT_EQ(keys.error().kind, AKind::protocol);
  EXPECT_NE(keys.error().message.find("truncated"), std::string::npos) << keys.error().message;
  EXPECT_LT(ms_since(started), 1000);
}

TEST_F(AgentClientTest, AgentHangingUpWithoutAnswerIsSeenAtOnce) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> { return Bytes{}; });  // close at once
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  const auto started = Clock::now();
  auto keys = client.list_identities(core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(keys.has_value());
  EXPECT_EQ(keys.error().kind, AKind::protocol);
  EXPECT_NE(keys.error().message.find("closed the connection"), std::string::npos) << keys.error().message;
  EXPECT_LT(ms_since(started), 1000);  // a hang-up is seen at once, not at the deadline
}

TEST_F(AgentClientTest, KeyListingThatLiesAboutItsLengthsIsRejected) {
  for (const std::uint32_t count : {1u, 1000000u}) {
    FakeSshAgent agent(sock(), [count](const Bytes&) -> std::optional<Bytes> {
      Bytes body{12};
      append_u32(body, count);
      append_u32(body, 4000);  // a blob of 4000 bytes that is not there
      body.push_back(0);
      return frame(body);
    });
    ASSERT_TRUE(agent.ok());
    auto client = connect();
    auto keys = client.list_identities(core::Deadline(core::Millis{2000}), never_);
    ASSERT_FALSE(keys.has_value()) << count;
    EXPECT_EQ(keys.error().kind, AKind::protocol);
    EXPECT_NE(keys.error().message.find("truncated"), std::string::npos) << keys.error().message;
  }
}

TEST_F(AgentClientTest, MalformedSignatureIsRejected) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> {
    Bytes inner;
    append_string(inner, bytes_of("ssh-ed25519"));
    append_u32(inner, 64);  // the signature's length, without the signature
    Bytes body{14};
    append_string(body, inner);
    return frame(body);
  });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  auto signed_ = client.sign(ed25519_blob(1), bytes_of("x"), 0, core::Deadline(core::Millis{2000}), never_);
  ASSERT_FALSE(signed_.has_value());
  EXPECT_EQ(signed_.error().kind, AKind::protocol);
}

TEST_F(AgentClientTest, OversizedOrEmptyAnswerIsRefusedBeforeReadingIt) {
  for (const std::uint32_t announced : {0xFFFFFFF0u, std::uint32_t(SshAgentClient::kMaxMessage + 1), 0u}) {
    FakeSshAgent agent(sock(), [announced](const Bytes&) -> std::optional<Bytes> {
      Bytes out;
      append_u32(out, announced);
      out.push_back(12);
      return out;  // and then nothing: a client that believed the length would wait for the rest
    });
    ASSERT_TRUE(agent.ok());
    auto client = connect();
    const auto started = Clock::now();
    auto keys = client.list_identities(core::Deadline(core::Millis{5000}), never_);
    ASSERT_FALSE(keys.has_value()) << announced;
    EXPECT_EQ(keys.error().kind, AKind::protocol);
    EXPECT_NE(keys.error().message.find(std::to_string(announced) + " bytes"), std::string::npos) << keys.error().message;
    EXPECT_LT(ms_since(started), 1000);
  }
}

TEST_F(AgentClientTest, SilentAgentEndsAtTheDeadline) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> { return std::nullopt; });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  const auto started = Clock::now();
  auto keys = client.list_identities(core::Deadline(core::Millis{600}), never_);
  const auto took = ms_since(started);
  RecordProperty("took_ms", static_cast<int>(took));
  ASSERT_FALSE(keys.has_value());
  EXPECT_EQ(keys.error().kind, AKind::timeout) << keys.error().message;
  EXPECT_GE(took, 590);
  EXPECT_LT(took, 600 + 300);
  // The stream is out of step now: no second request on it, and no second wait.
  const auto again_started = Clock::now();
  auto again = client.sign(ed25519_blob(1), bytes_of("x"), 0, core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, AKind::protocol);
  EXPECT_LT(ms_since(again_started), 100);
  EXPECT_EQ(agent.requests().size(), 1u);
}

TEST_F(AgentClientTest, CancelDuringASilentSignReturnsWithinHalfASecond) {
  FakeSshAgent agent(sock(), [](const Bytes&) -> std::optional<Bytes> { return std::nullopt; });
  ASSERT_TRUE(agent.ok());
  auto client = connect();
  core::CancelToken cancel;
  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancelled_at = Clock::now();
    cancel.cancel();
  });
  auto signed_ = client.sign(ed25519_blob(1), bytes_of("x"), 0, core::Deadline(core::Millis{30000}), cancel);
  const auto done = Clock::now();
  canceller.join();
  ASSERT_FALSE(signed_.has_value());
  EXPECT_EQ(signed_.error().kind, AKind::cancelled) << signed_.error().message;
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(done - cancelled_at).count();
  RecordProperty("cancel_to_return_ms", static_cast<int>(latency));
  EXPECT_LT(latency, 500);
}

TEST_F(AgentClientTest, AgentThatNeverAcceptsTimesOutOnConnect) {
  // A listener that never accepts, with its queue filled: the kernel answers connect with EAGAIN.
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock().c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  std::vector<int> queued;
  bool full = false;
  for (int i = 0; i < 16 && !full; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno == EAGAIN) full = true;
    queued.push_back(fd);
  }
  ASSERT_TRUE(full);
  const auto started = Clock::now();
  auto client = SshAgentClient::connect(sock(), core::Deadline(core::Millis{400}), never_);
  const auto took = ms_since(started);
  for (const int fd : queued) ::close(fd);
  ::close(listener);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().kind, AKind::timeout) << client.error().message;
  EXPECT_GE(took, 390);
  EXPECT_LT(took, 400 + 300);
}

TEST_F(AgentClientTest, NoAgentIsUnreachableAtOnce) {
  const auto started = Clock::now();
  auto missing = SshAgentClient::connect(sock(), core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, AKind::unreachable);

  // A socket file nobody listens on (an agent that died) is refused, not waited for.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock().c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  auto dead = SshAgentClient::connect(sock(), core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(dead.has_value());
  EXPECT_EQ(dead.error().kind, AKind::unreachable) << dead.error().message;

  auto too_long = SshAgentClient::connect("/tmp/" + std::string(200, 'a'), core::Deadline(core::Millis{5000}), never_);
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().kind, AKind::unreachable);
  EXPECT_LT(ms_since(started), 1000);
}

}  // namespace
}  // namespace stm32mp::testing
