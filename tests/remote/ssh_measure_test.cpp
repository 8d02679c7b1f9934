// Measurements on the simulated board (veth, no rate limit — loopback-like): login time, exec round
// trip, SFTP upload throughput of the BoardSession against OpenSSH's scp on the same file. Printed as
// "[measure]" lines; the assertions only catch gross regressions (a stop-and-wait upload would be
// several times slower than scp).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "board_fixture.h"
#include "remote/ssh_test_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

class SshMeasure : public boardsim::BoardSuite {
 protected:
  void SetUp() override {
    boardsim::BoardSuite::SetUp();
    unsetenv("SSH_AUTH_SOCK");
  }
  static ports::SshOptions options() {
    return {board().host(), board().port(), board().user(), board().identity(), "", board().known_hosts()};
  }
};

long long median(std::vector<long long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST_F(SshMeasure, LoginAndExecRoundTrip) {
  std::vector<long long> login, handshake, auth, exec;
  for (int i = 0; i < 7; ++i) {
    auto r = open_session(options());
    ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
    login.push_back(r.total_ms);
    handshake.push_back(r.ssh.value().facts.handshake_ms);
    auth.push_back(r.ssh.value().facts.auth_ms);
    const core::CancelToken never;
    const auto started = Clock::now();
    auto ran = r.ssh.value().session->exec("true", core::Deadline(core::Millis{10000}), never);
    exec.push_back(ms_since(started));
    ASSERT_TRUE(ran.has_value());
  }
  std::printf("[measure] connect+handshake+hostkey+auth median %lld ms (handshake %lld, auth %lld); exec 'true' median %lld ms\n",
              median(login), median(handshake), median(auth), median(exec));
  EXPECT_LT(median(login), 2000);
}

TEST_F(SshMeasure, UploadThroughputAgainstScp) {
  TempDir dir;
  const std::string local = dir.file("blob.bin");
  constexpr std::size_t kSize = 32u << 20;
  {
    std::ofstream out(local, std::ios::binary);
    std::vector<char> block(1 << 20);
    for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 131 + 7) & 0xff);
    for (std::size_t done = 0; done < kSize; done += block.size()) out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& s = *r.ssh.value().session;
  const core::CancelToken never;
  const core::Deadline d(core::Millis{60000});
  // /tmp on the board: /lib/firmware is a 4 MiB tmpfs.
  std::vector<long long> ours, scp;
  for (int i = 0; i < 3; ++i) {
    const auto started = Clock::now();
    auto up = s.upload(local, "/tmp/prelaunch-measure.bin", {}, d, never);
    ours.push_back(ms_since(started));
    ASSERT_FALSE(up.has_value()) << up->message;
    const auto scp_started = Clock::now();
    const auto copied = run_process({"/usr/bin/scp", "-q", "-F", "/dev/null", "-o", "IdentityAgent=none", "-i", board().identity(), "-o", "BatchMode=yes", "-o",
                                     "UserKnownHostsFile=" + board().known_hosts(), local,
                                     board().user() + "@" + board().host() + ":/tmp/prelaunch-measure-scp.bin"},
                                    {}, 60000);
    scp.push_back(ms_since(scp_started));
    ASSERT_EQ(copied.exit_code, 0) << copied.err;
  }
  (void)s.remove("/tmp/prelaunch-measure.bin", d, never);
  (void)s.remove("/tmp/prelaunch-measure-scp.bin", d, never);
  const double mib = static_cast<double>(kSize) / (1 << 20);
  std::printf("[measure] 32 MiB upload: BoardSession (SFTP, ~1 MiB window, + fsync) median %lld ms = %.0f MiB/s; "
              "scp (new connection each, SFTP protocol) median %lld ms = %.0f MiB/s\n",
              median(ours), mib * 1000.0 / static_cast<double>(median(ours)), median(scp),
              mib * 1000.0 / static_cast<double>(median(scp)));
  EXPECT_LT(median(ours), 3 * median(scp) + 500);
}

}  // namespace
}  // namespace stm32mp::testing
