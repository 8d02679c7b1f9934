// Unit tests of the remoteproc model behind rprocfs (no FUSE, no root): sysfs write semantics, the ELF
// loader checks and the kernel log lines, against firmware files in a temporary directory.
#include "elf_loader_check.h"
#include "remoteproc_board.h"

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

void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(std::vector<std::uint8_t>& b, std::size_t off, std::uint16_t v) {
    b[off] = static_cast<std::uint8_t>(v);
    b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}

// ELF32 LE ARM image with one PT_LOAD segment and section headers (null, .resource_table?, .shstrtab).
std::vector<std::uint8_t> make_elf(std::uint32_t paddr, std::uint32_t filesz, std::uint32_t memsz, bool rsc) {
    const std::size_t seg_off = 96, rsc_off = seg_off + filesz, str_off = rsc_off + (rsc ? 16 : 0);
    const std::string strtab = std::string("\0.resource_table\0.shstrtab\0", 27);
    const std::size_t sh_off = (str_off + strtab.size() + 3) & ~std::size_t{3};
    const unsigned shnum = rsc ? 3 : 2;
    std::vector<std::uint8_t> b(sh_off + shnum * 40, 0);
    std::memcpy(b.data(), "\x7f" "ELF\x01\x01\x01", 7);
    put16(b, 16, 2);
    put16(b, 18, 40);
    put32(b, 20, 1);
    put32(b, 24, paddr | 1);
    put32(b, 28, 52);
    put32(b, 32, static_cast<std::uint32_t>(sh_off));
    put16(b, 40, 52);
    put16(b, 42, 32);
    put16(b, 44, 1);
    put16(b, 46, 40);
    put16(b, 48, static_cast<std::uint16_t>(shnum));
    put16(b, 50, static_cast<std::uint16_t>(shnum - 1));
    put32(b, 52, 1);  // PT_LOAD
    put32(b, 56, seg_off);
    put32(b, 60, paddr);
    put32(b, 64, paddr);
    put32(b, 68, filesz);
    put32(b, 72, memsz);
    if (rsc) put32(b, rsc_off, 1);  // resource_table.ver = 1, num = 0
    std::memcpy(b.data() + str_off, strtab.data(), strtab.size());
    std::size_t sh = sh_off + 40;
    if (rsc) {
        put32(b, sh, 1);
        put32(b, sh + 4, 1);
        put32(b, sh + 16, static_cast<std::uint32_t>(rsc_off));
        put32(b, sh + 20, 16);
        sh += 40;
    }
    put32(b, sh, 17);
    put32(b, sh + 4, 3);
    put32(b, sh + 16, static_cast<std::uint32_t>(str_off));
    put32(b, sh + 20, static_cast<std::uint32_t>(strtab.size()));
    return b;
}

class RemoteprocBoardTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("rprocfs-test-" + std::to_string(getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_ / "fw");
        settings_.kmsg_path = (dir_ / "kmsg.log").string();
        settings_.firmware_dir = (dir_ / "fw").string();
        settings_.fw_path_param = (dir_ / "no-param").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    void put(const std::string& name, const std::vector<std::uint8_t>& data) {
        std::ofstream(dir_ / "fw" / name, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                                                  static_cast<std::streamsize>(data.size()));
    }
    std::string log() const {
        std::ifstream f(dir_ / "kmsg.log");
        return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    }
    std::string attr(RemoteprocBoard& b, std::size_t i, const char* name) {
        std::string s;
        EXPECT_TRUE(b.read(i, name, s));
        return s;
    }
    static int w(RemoteprocBoard& b, std::size_t i, const char* a, const std::string& v) { return b.write(i, a, v); }

    fs::path dir_;
    BoardSettings settings_;
};

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

TEST_F(RemoteprocBoardTest, Ev1Sram1StartsAfterTheScmiPages) {
    // The DK's SRAM1 base is an SCMI page on the EV1 (stm32mp257f-ev1-ca35tdcid-resmem.dtsi).
    put("sram1.elf", make_elf(0x0a041000, 0x100, 0x100, true));
    settings_.board = "ev1";
    RemoteprocBoard ev1(settings_);
    ASSERT_EQ(w(ev1, 1, "firmware", "sram1.elf"), 9);
    EXPECT_EQ(w(ev1, 1, "state", "start"), -EINVAL);
    EXPECT_NE(log().find("remoteproc remoteproc1: bad phdr da 0xa041000 mem 0x100"), std::string::npos) << log();
    settings_.board = "dk";
    RemoteprocBoard dk(settings_);
    ASSERT_EQ(w(dk, 1, "firmware", "sram1.elf"), 9);
    EXPECT_EQ(w(dk, 1, "state", "start"), 5);
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
