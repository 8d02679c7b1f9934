// Unit tests of the simulated board's stock defaults and fault knobs: failed recovery, stop failures, the TA's
// start failure and BAD_STATE, a missing TA at probe, carve-out/subdevice/deleted faults, the misaligned
// boot address and hostile values. Each expected line is the kernel's or ST's format (named per test).
#include "hostile.h"
#include "remoteproc_board.h"
#include "rprocfs_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>

namespace boardsim {
namespace {

bool has(const std::string& log, const std::string& line) { return log.find(line) != std::string::npos; }

// The lines after the last occurrence of `marker` (what a dmesg read after a write would show).
std::string after(const std::string& log, const std::string& marker) {
    auto at = log.rfind(marker);
    return at == std::string::npos ? std::string() : log.substr(at);
}

TEST(BoardDefaults, StockOpenStLinuxDk) {
    // ST's current DT (st,stm32mp2-m33-tee) and fw_cortex_m33.sh (M33 = remoteproc0).
    BoardSettings s;
    EXPECT_TRUE(s.tee_mode);
    EXPECT_EQ(s.order, (std::vector<std::string>{"m33", "m0"}));
    EXPECT_TRUE(s.tee_ta);
    EXPECT_EQ(s.firmware.kernel_release, "6.6.78-stm32mp-r2");
}

TEST_F(RemoteprocBoardTest, FailedRecoveryLeavesTheCoreOfflineWithALeakedReference) {
    // remoteproc_core.c rproc_boot_recovery: rproc_stop, request_firmware ("request_firmware failed: %d"),
    // rproc_start; on failure nobody drops rproc->power.
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    fs::remove(dir_ / "fw" / "fw.elf");
    EXPECT_EQ(b.crash("m33"), "");
    EXPECT_EQ(attr(b, 1, "state"), "offline\n");
    const std::string rec = after(log(), "recovering m33");
    EXPECT_TRUE(has(rec, "stopped remote processor m33")) << rec;
    EXPECT_TRUE(has(rec, "request_firmware failed: -2")) << rec;
    // The leaked reference: a start only counts it (0, silent) and the core stays offline; a stop is EINVAL.
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    EXPECT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_EQ(attr(b, 1, "state"), "offline\n");
    EXPECT_FALSE(has(after(log(), "request_firmware failed: -2"), "powering up")) << log();
    EXPECT_EQ(w(b, 1, "state", "stop"), -EINVAL);
}

TEST_F(RemoteprocBoardTest, RecoveryStartsWithoutPoweringUpOrBootingLines) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_EQ(b.crash("m33"), "");
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    const std::string rec = after(log(), "recovering m33");
    EXPECT_TRUE(has(rec, "remote processor m33 is now up")) << rec;
    EXPECT_FALSE(has(rec, "Booting fw image")) << rec;
    EXPECT_FALSE(has(rec, "powering up")) << rec;
}

TEST_F(RemoteprocBoardTest, StopFailuresKeepTheCoreRunningAndSayWhy) {
    // remoteproc_core.c rproc_stop: "can't stop rproc: %d"; ST tee_remoteproc.c: "TA_RPROC_FW_CMD_STOP_FW
    // invoke failed TEE err: %x, ret:%x" → -EIO.
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    settings_.stop_fault = "eperm";
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_EQ(w(b, 1, "state", "stop"), -EPERM);
    EXPECT_TRUE(has(log(), "remoteproc remoteproc1: can't stop rproc: -1")) << log();
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    EXPECT_EQ(b.apply("stop_fault", "none"), "");
    EXPECT_EQ(w(b, 1, "state", "stop"), 4);  // the reference was given back: one stop ends it
    EXPECT_EQ(attr(b, 1, "state"), "offline\n");
}

TEST_F(RemoteprocBoardTest, TaStopFailureOnATeeInstance) {
    settings_.tee_mode = true;
    settings_.stop_fault = "ta";
    RemoteprocBoard b(settings_);
    EXPECT_EQ(b.apply("stop_fault", "bogus"), "stop_fault must be none, eperm or ta");
    // The ELF-mode M0+ has no TA: "ta" does not concern it.
    put("m0.elf", make_elf(0x200C0000, 0x100, 0x100, true));
    ASSERT_EQ(w(b, 0, "firmware", "m0.elf"), 6);
    ASSERT_EQ(w(b, 0, "state", "start"), 5);
    EXPECT_EQ(w(b, 0, "state", "stop"), 4);
}

TEST_F(RemoteprocBoardTest, TaStartFailureNeedsAnImageTheTaAccepted) {
    // ST tee_remoteproc.c: "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: %x, ret:%x", then remoteproc_core's
    // "can't start rproc %s: %d"; ST's TA stays LOADED and answers the next LOAD_FW with BAD_STATE (0xffff0007).
    settings_.tee_mode = true;
    settings_.ta_start_fails = true;
    settings_.trusted_key = (dir_ / "none.pem").string();
    RemoteprocBoard b(settings_);
    // The start failure itself and the BAD_STATE that follows need a signed image: selftest.py and
    // tests/e2e (KernelSaysItOnTheBoard) drive them with the board's own signer.
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    EXPECT_EQ(w(b, 1, "state", "start"), -EIO);
    EXPECT_TRUE(has(log(), "tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                           "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006, ret:0")) << log();
    EXPECT_FALSE(has(log(), "START_FW")) << "an image the TA refused is never started";
}

TEST_F(RemoteprocBoardTest, MissingTaAtProbeLeavesNoM33) {
    // ST stm32_rproc.c probe of a TEE-mode core without the TA: logged once at boot, no instance.
    settings_.tee_mode = true;
    settings_.tee_ta = false;
    settings_.order = {"m33", "m0"};
    RemoteprocBoard b(settings_);
    ASSERT_EQ(b.count(), 1u);
    EXPECT_EQ(attr(b, 0, "name"), "m0\n");
    EXPECT_TRUE(has(log(), "stm32-rproc m33: signed firmware not supported by TEE")) << log();
    EXPECT_TRUE(has(log(), "tee_client_open_session failed, err: ffff0008")) << log();
}

TEST_F(RemoteprocBoardTest, CarveOutSubdeviceAndDeletedFaults) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(b.apply("rproc_fault", "memory-region"), "");
    EXPECT_EQ(w(b, 1, "state", "start"), -EINVAL);
    EXPECT_TRUE(has(log(), "stm32-rproc m33: memory region not valid 0x80100000")) << log();
    EXPECT_TRUE(has(log(), "remoteproc remoteproc1: can't prepare rproc m33: -22")) << log();
    ASSERT_EQ(b.apply("rproc_fault", "subdevices"), "");
    EXPECT_EQ(w(b, 1, "state", "start"), -ENOMEM);
    EXPECT_TRUE(has(log(), "failed to prepare subdevices for m33: -12")) << log();
    ASSERT_EQ(b.apply("rproc_fault", "deleted"), "");
    EXPECT_EQ(w(b, 1, "state", "start"), -ENODEV);
    EXPECT_TRUE(has(log(), "can't boot deleted rproc m33")) << log();
    EXPECT_EQ(attr(b, 1, "state"), "offline\n");
    ASSERT_EQ(b.apply("rproc_fault", "none"), "");
    EXPECT_EQ(w(b, 1, "state", "start"), 5);
}

TEST_F(RemoteprocBoardTest, MisalignedVectorTableIsUpButLogged) {
    // ST stm32_rproc.c stm32_rproc_start: "Boot address is %#llx no aligned on mask %#x", then return 0.
    auto elf = make_elf(0x80100000, 0x100, 0x540, true);
    auto name = std::search(elf.begin(), elf.end(), std::begin(".resource_table"), std::end(".resource_table") - 1);
    ASSERT_NE(name, elf.end());
    std::memcpy(&*name, ".isr_vector\0\0\0\0", 15);
    const std::size_t sh_off = elf[32] | (elf[33] << 8) | (elf[34] << 16) | (static_cast<std::size_t>(elf[35]) << 24);
    put32(elf, sh_off + 40 + 12, 0x80100040);  // section 1's sh_addr
    put("vt.elf", elf);
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "vt.elf"), 6);
    EXPECT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_TRUE(has(log(), "remoteproc remoteproc1: Boot address is 0x80100040 no aligned on mask 0xffffff80")) << log();
    EXPECT_TRUE(has(log(), "remote processor m33 is now up"));
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
}

TEST_F(RemoteprocBoardTest, HostileValuesAreHugeAndFullOfControls) {
    RemoteprocBoard b(settings_);
    ASSERT_EQ(b.apply("hostile", "controls"), "");
    const std::string fw = attr(b, 1, "firmware");
    EXPECT_GT(fw.size(), 64000u);
    EXPECT_NE(fw.find('\x1b'), std::string::npos);
    EXPECT_NE(fw.find('\0'), std::string::npos);
    EXPECT_EQ(attr(b, 1, "name"), "m33\n") << "the M33 keeps its name so that a run finds it";
    EXPECT_GT(attr(b, 0, "name").size(), 64000u);
    EXPECT_FALSE(b.endless("firmware"));
    ASSERT_EQ(b.apply("hostile", "endless"), "");
    EXPECT_TRUE(b.endless("firmware"));
    EXPECT_FALSE(b.endless("state"));
    EXPECT_EQ(b.apply("hostile", "x"), "hostile must be off, controls or endless");
}

TEST_F(RemoteprocBoardTest, ALongLoadBlocksTheStartWriteWhileReadersSeeOffline) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(b.apply("start_ms", "400"), "");
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    const auto t0 = std::chrono::steady_clock::now();
    auto start = std::async(std::launch::async, [&] { return w(b, 1, "state", "start"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(start.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout) << "the start write returned at once";
    EXPECT_EQ(attr(b, 1, "state"), "offline\n") << "a reader is not blocked by the load and sees it offline";
    EXPECT_EQ(start.get(), 5);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(400));
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    EXPECT_EQ(b.apply("start_ms", "soon"), "start_ms must be a number of milliseconds");
}

}  // namespace
}  // namespace boardsim
