// Tests of the GoogleTest fixture itself (board_fixture.h): a board per suite, knobs, the JSON contract,
// reaching the board with the OpenSSH client.
#include "board_fixture.h"

#include <sys/stat.h>

#include <fstream>

namespace {

using boardsim::BoardSuite;
using boardsim::detail::run_command;

std::string ssh(const boardsim::SimulatedBoard& b, const std::string& command) {
    // -F /dev/null, no agent: never the invoking user's ~/.ssh/config or keys.
    auto r = run_command({"/usr/bin/ssh", "-F", "/dev/null", "-o", "IdentityAgent=none", "-i", b.identity(), "-o", "UserKnownHostsFile=" + b.known_hosts(), "-o",
                          "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
                          b.user() + "@" + b.host(), command},
                         std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

bool exists(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0;
}

// Written for the ELF-mode board with the M0+ as remoteproc0 (the defaults before the stock TEE board): named.
class DefaultBoard : public BoardSuite {
protected:
    static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33"}); }
};

TEST_F(DefaultBoard, DescribesItself) {
    const auto& i = board().info();
    for (const char* key : {"host", "port", "user", "identity", "identity_rsa", "known_hosts", "host_key_fingerprint",
                            "serial", "sysfs_root", "dev_root", "signing_key_private", "signing_key_public",
                            "kernel_log", "netns", "dir", "knobs"})
        EXPECT_TRUE(i.contains(key)) << key;
    EXPECT_EQ(board().port(), 22);
    EXPECT_TRUE(exists(board().serial()));
    EXPECT_TRUE(exists(board().sysfs_root() + "/class/tty/ttyACM0"));
    EXPECT_TRUE(exists(board().signing_key_public()));
    EXPECT_EQ(i.at("knobs").at("mode"), "ELF");
}

TEST_F(DefaultBoard, ReachableOverSsh) {
    EXPECT_EQ(ssh(board(), "cat /sys/class/remoteproc/remoteproc1/name"), "m33\n");
    EXPECT_EQ(ssh(board(), "hostname"), "stm32mp2-e3-c7-3f\n");
}

TEST_F(DefaultBoard, KnobsChangeTheRunningBoard) {
    board().set({"order=m33"});
    EXPECT_EQ(ssh(board(), "cat /sys/class/remoteproc/remoteproc0/name"), "m33\n");
    board().set({"order=m0,m33"});
    EXPECT_EQ(ssh(board(), "cat /sys/class/remoteproc/remoteproc0/name"), "m0\n");
    EXPECT_THROW(board().set({"no_such_knob=1"}), std::runtime_error);
    EXPECT_THROW(board().set({"crash=m33"}), std::runtime_error);  // m33 is not running
}

class TeeBoard : public BoardSuite {
protected:
    static void SetUpTestSuite() { StartBoard({"mode=TEE", "order=m0,m33", "demo=on"}); }
};

TEST_F(TeeBoard, StartsWithKnobs) {
    EXPECT_EQ(ssh(board(), "cat /sys/class/remoteproc/remoteproc1/fw_format"), "TEE\n");
    EXPECT_EQ(ssh(board(), "cat /sys/class/remoteproc/remoteproc1/state"), "running\n");
    std::ifstream log(board().kernel_log());
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("Booting fw image OpenAMP_TTY_echo_CM33_NonSecure_sign.bin"), std::string::npos) << text;
}

TEST(SimulatedBoardLifetime, StopRemovesEverything) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    std::string dir, netns;
    {
        boardsim::SimulatedBoard b;
        dir = b.dir();
        netns = b.info().at("netns").get<std::string>();
        EXPECT_TRUE(exists("/run/netns/" + netns));
    }
    EXPECT_FALSE(exists("/run/netns/" + netns));
    EXPECT_FALSE(exists(dir));
}

}  // namespace
