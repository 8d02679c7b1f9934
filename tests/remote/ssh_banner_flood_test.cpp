// Issue 15: a server that sends endless lines before its SSH banner. libssh2 1.10 reads the banner byte
// by byte and returned only when the socket ran dry, so a flood kept the run spinning past its deadline
// and past SIGINT (29.5 s against an 8 s deadline before). The adapter's own receive callback now counts
// the lines (OpenSSH's limit: 1024) and stops reading at the deadline and on cancel. A fake server on
// loopback plays the board; the real network adapter, connector and ssh step are used.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "adapters/libssh2/banner_watch.h"
#include "remote/loopback_listener.h"
#include "remote/ssh_test_support.h"

namespace stm32mp::testing {
namespace {

using adapters::libssh2::BannerWatch;
using SKind = ports::SshFailure::Kind;

// Accepts one connection and writes "NOTICE line N\r\n" lines: as fast as the socket takes them
// (pace 0) or one every `pace_ms`, `max_lines` in all (0: until the client hangs up), then stays silent.
class FloodServer {
 public:
  FloodServer(int pace_ms, int max_lines) : pace_ms_(pace_ms), max_lines_(max_lines) {
    listen_fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~FloodServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FloodServer(const FloodServer&) = delete;
  FloodServer& operator=(const FloodServer&) = delete;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] long long lines_sent() const { return sent_; }

 private:
  void serve() {
    pollfd p{listen_fd_, POLLIN, 0};
    while (!stop_ && ::poll(&p, 1, 50) == 0) {
    }
    if (stop_) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    while (!stop_ && (max_lines_ == 0 || sent_ < max_lines_)) {
      const std::string line = "NOTICE line " + std::to_string(sent_) + " of a server that is not SSH\r\n";
      pollfd w{fd, POLLOUT, 0};
      if (::poll(&w, 1, 50) <= 0) continue;
      if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) <= 0) break;  // the client hung up
      ++sent_;
      if (pace_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pace_ms_));
    }
    while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::close(fd);
  }
  int listen_fd_ = -1;
  int port_ = 0;
  int pace_ms_;
  int max_lines_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> sent_{0};
  std::thread thread_;
};

core::StepReport ssh_step(int port, int timeout_ms, core::CancelToken& cancel) {
  core::Settings s;
  s.host = "127.0.0.1";
  s.port = port;
  adapters::posix::PosixNetwork net;
  adapters::libssh2::Libssh2Connector connector;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{timeout_ms}), progress};
  std::shared_ptr<ports::BoardSession> session;
  auto r = steps::check_ssh(s, nullptr, net, connector, control, session);
  EXPECT_EQ(session, nullptr);
  return r;
}

std::string feed_all(BannerWatch& w, const std::string& text) {
  (void)w.feed(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return text;
}

TEST(BannerWatch, CountsTheLinesBeforeTheBannerAndStopsAtIt) {
  BannerWatch w;
  feed_all(w, "hello\r\nSSX-not yet\r\n");
  EXPECT_EQ(w.lines_before_banner(), 2u);
  EXPECT_FALSE(w.banner_seen());
  feed_all(w, "SSH-2.0-OpenSSH_9.2p1\r\n");
  EXPECT_TRUE(w.banner_seen());
  EXPECT_EQ(w.lines_before_banner(), 2u);
  feed_all(w, std::string(BannerWatch::kMaxBytes, '\n'));  // binary protocol after the banner: not looked at
  EXPECT_FALSE(w.flooded());
}

TEST(BannerWatch, ABannerSplitAcrossReadsIsStillTheBanner) {
  BannerWatch w;
  for (const char c : std::string("note\nSSH-2.0-dropbear_2022.83\r\n")) feed_all(w, std::string(1, c));
  EXPECT_TRUE(w.banner_seen());
  EXPECT_EQ(w.lines_before_banner(), 1u);
}

TEST(BannerWatch, OpenSshsLimitOfLinesAndALimitOfBytes) {
  BannerWatch lines;
  for (std::uint64_t i = 0; i + 1 < BannerWatch::kMaxLines; ++i) feed_all(lines, "x\n");
  EXPECT_FALSE(lines.flooded());
  feed_all(lines, "x\n");
  EXPECT_TRUE(lines.flooded());
  EXPECT_FALSE(lines.feed(reinterpret_cast<const unsigned char*>("SSH-2.0-late\n"), 13));  // too late
  EXPECT_FALSE(lines.banner_seen());

  BannerWatch bytes;  // one endless line, no newline at all
  feed_all(bytes, std::string(BannerWatch::kMaxBytes - 1, 'A'));
  EXPECT_FALSE(bytes.flooded());
  feed_all(bytes, "A");
  EXPECT_TRUE(bytes.flooded());
}

TEST(PreBannerFlood, AnEndlessFloodIsDiagnosedAtOnceNotAtTheDeadline) {
  FloodServer server(0, 0);
  core::CancelToken cancel;
  const auto t0 = Clock::now();
  const auto r = ssh_step(server.port(), 8000, cancel);
  const auto took = ms_since(t0);
  ASSERT_TRUE(r.has(core::Code::PreBannerFlood)) << (r.diagnostics.empty() ? "none" : r.diagnostics[0].message);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.observed.get("pre_banner_lines"), std::to_string(BannerWatch::kMaxLines)) << d.message;
  EXPECT_NE(d.message.find("1024 lines before any SSH banner"), std::string::npos) << d.message;
  EXPECT_LT(took, 3000) << "deadline 8000 ms";
  std::printf("[measure] endless pre-banner flood: SSH017 after %lld ms (deadline 8000 ms)\n", took);
}

TEST(PreBannerFlood, ASlowFloodEndsAtTheDeadlineWithTheLinesCounted) {
  FloodServer server(4, 0);  // ~250 lines/s: under OpenSSH's limit before the deadline
  core::CancelToken cancel;
  const auto t0 = Clock::now();
  const auto r = ssh_step(server.port(), 1500, cancel);
  const auto took = ms_since(t0);
  ASSERT_TRUE(r.has(core::Code::SshTimeout)) << (r.diagnostics.empty() ? "none" : r.diagnostics[0].message);
  const auto& d = r.diagnostics[0];
  EXPECT_NE(d.message.find("lines but no SSH banner"), std::string::npos) << d.message;
  const auto lines = std::stoll(d.observed.get("pre_banner_lines").value_or("0"));
  EXPECT_GT(lines, 10);
  EXPECT_LT(lines, 1024);
  EXPECT_GE(took, 1450);
  EXPECT_LT(took, 1500 + 500);
}

TEST(PreBannerFlood, ACancelDuringAFloodEndsWithinHalfASecond) {
  FloodServer server(1, 0);
  core::CancelToken cancel;
  std::atomic<long long> cancelled_at{0};
  const auto t0 = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    cancelled_at = ms_since(t0);
    cancel.cancel();
  });
  const auto r = ssh_step(server.port(), 30000, cancel);
  const auto took = ms_since(t0);
  canceller.join();
  EXPECT_EQ(r.status, core::StepStatus::skipped);  // a cancelled ssh step: the runner makes it RUN003
  EXPECT_LT(took - cancelled_at, 500) << "returned " << took - cancelled_at << " ms after the cancel";
}

TEST(PreBannerFlood, AFewLinesThenSilenceIsStillATimeoutNotAFlood) {
  FloodServer server(0, 20);
  core::CancelToken cancel;
  const auto r = ssh_step(server.port(), 1000, cancel);
  ASSERT_TRUE(r.has(core::Code::SshTimeout));
  EXPECT_EQ(r.diagnostics[0].observed.get("pre_banner_lines"), "20");
}

}  // namespace
}  // namespace stm32mp::testing
