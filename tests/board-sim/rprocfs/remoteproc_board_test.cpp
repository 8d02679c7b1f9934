// Unit tests of the remoteproc model behind rprocfs (no FUSE, no root): sysfs write semantics, the ELF
// loader checks and the kernel log lines, against firmware files in a temporary directory.
#include "elf_loader_check.h"
#include "remoteproc_board.h"
#include "rprocfs_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace boardsim {
namespace {

namespace fs = std::filesystem;

TEST_F(RemoteprocBoardTest, RegistersInstancesInOrder) {
    RemoteprocBoard b(settings_);
    ASSERT_EQ(b.count(), 2u);
    EXPECT_EQ(attr(b, 0, "name"), "m0\n");
    EXPECT_EQ(attr(b, 1, "name"), "m33\n");
    EXPECT_EQ(attr(b, 1, "firmware"), "rproc-m33-fw\n");
    EXPECT_EQ(attr(b, 1, "fw_format"), "ELF\n");
    EXPECT_NE(log().find("remoteproc remoteproc1: m33 is available"), std::string::npos);
}

TEST_F(RemoteprocBoardTest, StartsGoodElfAndRefcounts) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    EXPECT_EQ(w(b, 1, "firmware", "fw.elf\n"), 7);
    EXPECT_EQ(w(b, 1, "state", "start\n"), 6);
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    EXPECT_EQ(w(b, 1, "state", "start\n"), 6);
    EXPECT_EQ(w(b, 1, "state", "stop\n"), 5);
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    EXPECT_EQ(w(b, 1, "state", "stop\n"), 5);
    EXPECT_EQ(attr(b, 1, "state"), "offline\n");
    EXPECT_EQ(w(b, 1, "state", "stop\n"), -EINVAL);
    const std::string l = log();
    EXPECT_NE(l.find("powering up m33"), std::string::npos);
    EXPECT_NE(l.find("Booting fw image fw.elf, size"), std::string::npos);
    EXPECT_EQ(l.find("no resource table"), std::string::npos);
    EXPECT_NE(l.find("stopped remote processor m33"), std::string::npos);
}

TEST_F(RemoteprocBoardTest, OldSemanticsRefuseSecondStart) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    settings_.refcounted = false;
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_EQ(w(b, 1, "state", "start"), -EBUSY);
}

TEST_F(RemoteprocBoardTest, KernelErrorsForBadWrites) {
    RemoteprocBoard b(settings_);
    EXPECT_EQ(w(b, 1, "firmware", "\n"), -EINVAL);
    EXPECT_EQ(w(b, 1, "state", "bogus\n"), -EINVAL);
    EXPECT_EQ(w(b, 1, "state", "start\n"), -ENOENT);
    EXPECT_EQ(w(b, 1, "recovery", "maybe"), -EINVAL);
    EXPECT_EQ(w(b, 1, "coredump", "inline"), 6);
    const std::string l = log();
    EXPECT_NE(l.find("stm32-rproc m33: can't provide empty string for firmware name"), std::string::npos);
    EXPECT_NE(l.find("Unrecognised option: bogus\n"), std::string::npos);
    EXPECT_NE(l.find("Direct firmware load for rproc-m33-fw failed with error -2"), std::string::npos);
    EXPECT_NE(l.find("request_firmware failed: -2"), std::string::npos);
    EXPECT_NE(l.find("Boot failed: -2"), std::string::npos);
}

// drivers/base/firmware_loader/main.c + fs/kernel_read_file.c: a directory is not a regular file
// (-EINVAL), a path through a file is -ENOTDIR, a '..' component is refused before any read.
TEST_F(RemoteprocBoardTest, FirmwareLoaderErrnosAsTheKernelReturnsThem) {
    fs::create_directories(dir_ / "fw" / "adir");
    put("afile", make_elf(0x80100000, 0x100, 0x540, true));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "adir"), 4);
    EXPECT_EQ(w(b, 1, "state", "start"), -EINVAL);
    ASSERT_EQ(w(b, 1, "firmware", "afile/x.elf"), 11);
    EXPECT_EQ(w(b, 1, "state", "start"), -ENOTDIR);
    ASSERT_EQ(w(b, 1, "firmware", "../fw/afile"), 11);
    EXPECT_EQ(w(b, 1, "state", "start"), -EINVAL);
    const std::string l = log();
    EXPECT_NE(l.find("adir failed with error -22"), std::string::npos);
    EXPECT_NE(l.find("Direct firmware load for afile/x.elf failed with error -20"), std::string::npos);
    EXPECT_NE(l.find("Firmware load for '../fw/afile' refused, path contains '..' component"), std::string::npos);
    EXPECT_EQ(l.find("Direct firmware load for ../fw/afile"), std::string::npos);
}

// "no resource table found for this firmware" comes from stm32_rproc_parse_fw (the M33 driver); ST's
// stm32_m0_rproc.c has no parse_fw, so an M0+ image without a table starts without that line.
TEST_F(RemoteprocBoardTest, M0WithoutResourceTableHasNoResourceTableLine) {
    put("m0.elf", make_elf(0x200C0000, 0x100, 0x540, false));
    put("m33.elf", make_elf(0x80100000, 0x100, 0x540, false));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 0, "firmware", "m0.elf"), 6);
    ASSERT_EQ(w(b, 0, "state", "start"), 5);
    EXPECT_NE(log().find("remote processor m0 is now up"), std::string::npos);
    EXPECT_EQ(log().find("no resource table"), std::string::npos);
    ASSERT_EQ(w(b, 1, "firmware", "m33.elf"), 7);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_NE(log().find("remoteproc remoteproc1: no resource table found for this firmware"), std::string::npos) << log();
}

TEST_F(RemoteprocBoardTest, Cm33ImageOnM0IsBadPhdr) {
    put("cm33.elf", make_elf(0x80100000, 0x100, 0x540, false));
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 0, "firmware", "cm33.elf"), 8);
    EXPECT_EQ(w(b, 0, "state", "start"), -EINVAL);
    const std::string l = log();
    // The M0+ driver has no parse_fw: no resource-table search, no "no resource table" line.
    EXPECT_EQ(l.find("no resource table found"), std::string::npos);
    EXPECT_NE(l.find("remoteproc remoteproc0: bad phdr da 0x80100000 mem 0x540"), std::string::npos);
    EXPECT_NE(l.find("Failed to load program segments: -22"), std::string::npos);
    EXPECT_EQ(attr(b, 0, "state"), "offline\n");
}

TEST_F(RemoteprocBoardTest, CrashAndRecovery) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    settings_.recovery = false;
    RemoteprocBoard b(settings_);
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    ASSERT_EQ(w(b, 1, "state", "start"), 5);
    EXPECT_EQ(b.crash("m33"), "");
    EXPECT_EQ(attr(b, 1, "state"), "crashed\n");
    EXPECT_EQ(w(b, 1, "state", "stop"), -EINVAL);
    EXPECT_EQ(w(b, 1, "firmware", "x"), -EBUSY);
    EXPECT_EQ(w(b, 1, "coredump", "enabled"), -EBUSY);
    EXPECT_EQ(w(b, 1, "recovery", "enabled"), 7);
    EXPECT_EQ(attr(b, 1, "state"), "running\n");
    EXPECT_NE(log().find("handling crash #1 in m33"), std::string::npos);
    EXPECT_NE(log().find("recovering m33"), std::string::npos);
    EXPECT_NE(b.crash("m0"), "");  // not running
}

TEST_F(RemoteprocBoardTest, TeeModeRefusesPlainElf) {
    put("fw.elf", make_elf(0x80100000, 0x100, 0x540, true));
    settings_.tee_mode = true;
    settings_.trusted_key = (dir_ / "none.pem").string();
    RemoteprocBoard b(settings_);
    EXPECT_EQ(attr(b, 1, "fw_format"), "TEE\n");
    ASSERT_EQ(w(b, 1, "firmware", "fw.elf"), 6);
    EXPECT_EQ(w(b, 1, "state", "start"), -EIO);
    const std::string l = log();
    EXPECT_NE(l.find("stm32-rproc m33: Support of signed firmware only"), std::string::npos);
    EXPECT_NE(l.find("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006, ret:0"), std::string::npos);
    EXPECT_NE(l.find("Boot failed: -5"), std::string::npos);
    EXPECT_EQ(l.find("Booting fw image"), std::string::npos);
}

TEST_F(RemoteprocBoardTest, M33tdBoardHasNoM33) {
    settings_.board = "m33td";
    RemoteprocBoard b(settings_);
    ASSERT_EQ(b.count(), 1u);
    EXPECT_EQ(attr(b, 0, "name"), "m0\n");
}

TEST_F(RemoteprocBoardTest, Sram1StartsAfterTheScmiPagesOnTheDkAsOnTheEv1) {
    // ST's current stm32mp257f-{dk,ev1}-ca35tdcid-resmem.dtsi: SCMI pages at 0x0a041000, SRAM1 at 0x0a043000.
    put("old-dk-sram1.elf", make_elf(0x0a041000, 0x100, 0x100, true));
    put("sram1.elf", make_elf(0x0a043000, 0x100, 0x100, true));
    for (const char* board : {"ev1", "dk"}) {
        settings_.board = board;
        RemoteprocBoard b(settings_);
        ASSERT_EQ(w(b, 1, "firmware", "old-dk-sram1.elf"), 16);
        EXPECT_EQ(w(b, 1, "state", "start"), -EINVAL) << board;
        EXPECT_NE(log().find("remoteproc remoteproc1: bad phdr da 0xa041000 mem 0x100"), std::string::npos) << log();
        ASSERT_EQ(w(b, 1, "firmware", "sram1.elf"), 9);
        EXPECT_EQ(w(b, 1, "state", "start"), 5) << board;
    }
}

TEST(ElfLoaderCheck, SanityOrder) {
    std::vector<CarveOut> m33{{"fw", 0x80100000, 0x800000}};
    auto good = make_elf(0x80100000, 0x40, 0x80, true);
    EXPECT_EQ(check_elf_firmware(good, m33).sanity_err, 0);
    EXPECT_TRUE(check_elf_firmware(good, m33).rsc_table_found);
    auto bad = good;
    bad[0] = 0x68;
    EXPECT_EQ(check_elf_firmware(bad, m33).sanity_msg, "Image is corrupted (bad magic)");
    bad = good;
    bad[4] = 7;
    EXPECT_EQ(check_elf_firmware(bad, m33).sanity_msg, "Unsupported class: 7");
    bad = good;
    bad[5] = 2;
    EXPECT_EQ(check_elf_firmware(bad, m33).sanity_msg, "Unsupported firmware endianness");
    EXPECT_EQ(check_elf_firmware(std::span(good).first(20), m33).sanity_msg, "Image is too small");
    auto filesz = make_elf(0x80100000, 0x100, 0x80, true);
    EXPECT_EQ(check_elf_firmware(filesz, m33).load_msg, "bad phdr filesz 0x100 memsz 0x80");
    auto edge = make_elf(0x808fff00, 0x40, 0x200, true);  // crosses the end of the carve-out
    EXPECT_EQ(check_elf_firmware(edge, m33).load_msg, "bad phdr da 0x808fff00 mem 0x200");
}

}  // namespace
}  // namespace boardsim
