// The libssh2 BoardSession and the login against the simulated board's real OpenSSH server.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "board_fixture.h"
#include "remote/ssh_test_support.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using Kind = ports::SshFailure::Kind;
using RKind = ports::RemoteError::Kind;

class SshBoardTest : public boardsim::BoardSuite {
 protected:
  // No user's agent or ~/.ssh may influence these tests.
  void SetUp() override {
    boardsim::BoardSuite::SetUp();
    unsetenv("SSH_AUTH_SOCK");
    setenv("HOME", home_.path().c_str(), 1);
  }
  ports::SshOptions options() const {
    ports::SshOptions o;
    o.host = board().host();
    o.port = board().port();
    o.user = board().user();
    o.identity = board().identity();
    o.known_hosts = board().known_hosts();
    return o;
  }
  TempDir home_;
};

void write_file(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  std::string block(65536, '\0');
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 7 + 3) & 0xff);
  for (std::size_t done = 0; done < size; done += block.size()) out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), size - done)));
}

TEST_F(SshBoardTest, LogsInWithEd25519AndReportsWhatItSaw) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  const auto& f = r.ssh.value().facts;
  EXPECT_NE(f.server_banner.find("OpenSSH_"), std::string::npos) << f.server_banner;
  EXPECT_EQ(f.host_key_type, "ssh-ed25519");
  EXPECT_EQ(f.host_key_fingerprint, board().info().at("host_key_fingerprint").get<std::string>());
  EXPECT_EQ(f.host_key_status, "known");
  EXPECT_EQ(f.auth_method, "publickey (" + board().identity() + ")");
  EXPECT_EQ(f.identity_type, "ssh-ed25519");
  EXPECT_FALSE(f.kex.empty());
  std::printf("[measure] connect %lld ms, handshake %lld ms, auth %lld ms, total %lld ms (kex %s, cipher %s)\n",
              r.connect_ms, static_cast<long long>(f.handshake_ms), static_cast<long long>(f.auth_ms), r.total_ms,
              f.kex.c_str(), f.cipher.c_str());
}

TEST_F(SshBoardTest, ExecReturnsExitStatusStdoutAndStderr) {
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& session = *r.ssh.value().session;
  const core::CancelToken never;
  auto ran = session.exec("echo out; echo err >&2; exit 3", core::Deadline(core::Millis{10000}), never);
  ASSERT_TRUE(ran.has_value()) << ran.error().message;
  EXPECT_EQ(ran.value().exit_status, 3);
  EXPECT_EQ(ran.value().out, "out\n");
  EXPECT_EQ(ran.value().err, "err\n");
  // The same session serves many commands.
  for (int i = 0; i < 3; ++i) {
    auto ok = session.exec("uname -n", core::Deadline(core::Millis{10000}), never);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ(ok.value().exit_status, 0);
    EXPECT_FALSE(ok.value().out.empty());
  }
}

TEST_F(SshBoardTest, UploadStatRenameOverwriteAndRemove) {
  TempDir dir;
  const std::string local = dir.file("fw.elf");
  write_file(local, 3 * 1024 * 1024 + 12345);
  auto r = open_session(options());
  ASSERT_TRUE(r.ssh.has_value()) << r.ssh.error().message;
  auto& s = *r.ssh.value().session;
  const core::CancelToken never;
  const core::Deadline d(core::Millis{30000});
  std::uint64_t last_sent = 0, calls = 0;
  const auto started = Clock::now();
  auto up = s.upload(local, "/lib/firmware/.fw.elf.tmp", [&](std::uint64_t sent, std::uint64_t total) {
    EXPECT_LE(sent, total);
    EXPECT_GE(sent, last_sent);
    last_sent = sent;
    ++calls;
  }, d, never);
  const auto upload_ms = ms_since(started);
  ASSERT_FALSE(up.has_value()) << up->message;
  EXPECT_EQ(last_sent, 3u * 1024 * 1024 + 12345);
  EXPECT_GT(calls, 2u);
  std::printf("[measure] upload 3 MiB to the board-sim: %lld ms\n", upload_ms);
  auto st = s.stat("/lib/firmware/.fw.elf.tmp", d, never);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  EXPECT_EQ(st.value().size, 3u * 1024 * 1024 + 12345);
  EXPECT_EQ(st.value().permissions & 0777, 0644u);
  // The content arrived intact.
  auto sum = s.exec("sha256sum /lib/firmware/.fw.elf.tmp | cut -d' ' -f1", d, never);
  ASSERT_TRUE(sum.has_value());
  const auto local_sum = run_process({"/usr/bin/sha256sum", local});
  EXPECT_EQ(sum.value().out.substr(0, 64), local_sum.out.substr(0, 64));

  // rename replaces an existing file (SSH_FXP_RENAME would refuse).
  auto old = s.exec("echo old > '/lib/firmware/it'\\''s fw.elf'", d, never);
  ASSERT_TRUE(old.has_value());
  ASSERT_EQ(old.value().exit_status, 0) << old.value().err;
  auto mv = s.rename("/lib/firmware/.fw.elf.tmp", "/lib/firmware/it's fw.elf", d, never);
  ASSERT_FALSE(mv.has_value()) << mv->message;
  auto moved = s.stat("/lib/firmware/it's fw.elf", d, never);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved.value().size, 3u * 1024 * 1024 + 12345);
  auto gone = s.stat("/lib/firmware/.fw.elf.tmp", d, never);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().kind, RKind::no_such_file);

  auto rm = s.remove("/lib/firmware/it's fw.elf", d, never);
  EXPECT_FALSE(rm.has_value()) << rm->message;
  auto rm_again = s.remove("/lib/firmware/it's fw.elf", d, never);
  ASSERT_TRUE(rm_again.has_value());
  EXPECT_EQ(rm_again->kind, RKind::no_such_file);
  auto bad_mv = s.rename("/lib/firmware/none", "/lib/firmware/x", d, never);
  ASSERT_TRUE(bad_mv.has_value());
  EXPECT_EQ(bad_mv->kind, RKind::no_such_file) << bad_mv->message;
}

}  // namespace
}  // namespace stm32mp::testing
