// The POSIX network adapter and the libssh2 connector against loopback only: a closed port, a listener
// that accepts and never speaks, and a name lookup in a private network namespace (no DNS traffic
// leaves the machine).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <thread>

#include "core/progress.h"
#include "remote/ssh_test_support.h"
#include "steps/network_step.h"
#include "steps/ssh_step.h"

namespace stm32mp::testing {
namespace {

using NKind = ports::NetError::Kind;

// A TCP listener on 127.0.0.1 that accepts connections (the kernel completes the handshake from the
// backlog) and never sends a byte: an SSH server that hangs before its banner.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0) std::abort();
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(NetworkAdapter, ClosedLoopbackPortIsRefused) {
  SilentListener l;
  const int port = l.port();
  l.close();  // nothing listens there any more
  adapters::posix::PosixNetwork net;
  const core::CancelToken never;
  auto r = net.connect("127.0.0.1", port, core::Deadline(core::Millis{2000}), never);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, NKind::refused) << r.error().message;
  EXPECT_EQ(r.error().addresses, std::vector<std::string>{"127.0.0.1"});
}

TEST(NetworkAdapter, ConnectsAndResolvesLocalhost) {
  SilentListener l;
  adapters::posix::PosixNetwork net;
  const core::CancelToken never;
  auto r = net.connect("localhost", l.port(), core::Deadline(core::Millis{2000}), never);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_NE(r.value().stream, nullptr);
  EXPECT_FALSE(r.value().address.empty());
}

TEST(NetworkAdapter, UnresolvableNameInAPrivateNetworkNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "unshare(CLONE_NEWNET) needs root";
  // The lookup runs on a thread that moved into an empty network namespace (loopback down): the
  // resolver's query for a name under .invalid cannot leave the machine.
  std::optional<core::StepReport> report;
  long long took = 0;
  std::thread isolated([&] {
    if (::unshare(CLONE_NEWNET) != 0) return;
    adapters::posix::PosixNetwork net;
    core::CancelToken cancel;
    core::NullProgress progress;
    core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
    std::shared_ptr<ports::TcpStream> tcp;
    const auto started = Clock::now();
    report = steps::check_network({"stm32mp2-board.invalid", 22}, net, control, tcp);
    took = ms_since(started);
  });
  isolated.join();
  ASSERT_TRUE(report.has_value()) << "unshare failed";
  EXPECT_TRUE(report->has(core::Code::HostNotResolved)) << report->diagnostics.size();
  EXPECT_LT(took, 5300);
}

// A broken session's stream is aborted: what it still had queued is dropped and the far end sees a
// reset, not the rest of the bytes and an orderly end; the descriptor stays open for libssh2.
TEST(NetworkAdapter, AbortDropsTheQueuedBytesWithAResetAndKeepsTheHandle) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  adapters::posix::PosixNetwork net;
  const core::CancelToken never;
  auto conn = net.connect("127.0.0.1", ntohs(a.sin_port), core::Deadline(core::Millis{2000}), never);
  ASSERT_TRUE(conn.has_value()) << conn.error().message;
  const int peer = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(peer, 0);
  const int fd = static_cast<int>(conn->stream->native_handle());
  // Fill the send queue: the peer reads nothing yet.
  const std::vector<char> chunk(64 * 1024, 'x');
  while (::send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL) > 0) {
  }
  int queued = 0;
  ASSERT_EQ(::ioctl(fd, SIOCOUTQ, &queued), 0);
  ASSERT_GT(queued, 0);

  conn->stream->abort();
  sockaddr_in far{};
  socklen_t far_len = sizeof far;
  EXPECT_NE(::getpeername(fd, reinterpret_cast<sockaddr*>(&far), &far_len), 0) << "still connected";
  EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "the descriptor stays open";
  EXPECT_LT(::send(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL), 0);

  // The peer reads what had reached it, then a reset, never an orderly end-of-file.
  std::vector<char> buf(1 << 20);
  ssize_t n = 0;
  int err = 0;
  for (;;) {
    pollfd p{peer, POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 2000), 0);
    n = ::recv(peer, buf.data(), buf.size(), 0);
    if (n <= 0) {
      err = errno;
      break;
    }
  }
  EXPECT_EQ(n, -1) << "an orderly end-of-file instead of a reset";
  EXPECT_EQ(err, ECONNRESET);
  ::close(peer);
  ::close(listener);
}

TEST(SshConnector, SilentServerTimesOutAtTheDeadline) {
  SilentListener l;
  ports::SshOptions o;
  o.host = "127.0.0.1";
  o.port = l.port();
  const auto started = Clock::now();
  auto r = open_session(o, core::Millis{1000});
  const auto took = ms_since(started);
  ASSERT_FALSE(r.ssh.has_value());
  EXPECT_EQ(r.ssh.error().kind, ports::SshFailure::Kind::timeout) << r.ssh.error().message;
  EXPECT_NE(r.ssh.error().message.find("no SSH banner"), std::string::npos) << r.ssh.error().message;
  EXPECT_GE(took, 950);
  EXPECT_LT(took, 1000 + 300);
}

TEST(SshConnector, CancelDuringAHangingHandshakeWithinHalfASecond) {
  SilentListener l;
  core::CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.cancel();
  });
  // Through the ssh step as the pipeline runs it: a cancelled step is skipped, not failed.
  core::Settings s;
  s.host = "127.0.0.1";
  s.port = l.port();
  adapters::posix::PosixNetwork net;
  adapters::libssh2::Libssh2Connector connector;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{30000}), progress};
  std::shared_ptr<ports::BoardSession> session;
  const auto started = Clock::now();
  const auto r = steps::check_ssh(s, nullptr, net, connector, control, session);
  const auto took = ms_since(started);
  canceller.join();
  EXPECT_EQ(r.status, core::StepStatus::skipped);
  EXPECT_EQ(session, nullptr);
  EXPECT_LT(took, 300 + 500);
}

TEST(SshConnector, SilentServerThroughTheStepIsSshTimeout) {
  SilentListener l;
  core::Settings s;
  s.host = "127.0.0.1";
  s.port = l.port();
  adapters::posix::PosixNetwork net;
  adapters::libssh2::Libssh2Connector connector;
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{800}), progress};
  std::shared_ptr<ports::BoardSession> session;
  const auto r = steps::check_ssh(s, nullptr, net, connector, control, session);
  EXPECT_TRUE(r.has(core::Code::SshTimeout));
}

}  // namespace
}  // namespace stm32mp::testing
