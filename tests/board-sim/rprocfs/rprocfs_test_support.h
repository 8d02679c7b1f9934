// Helpers of the rprocfs unit tests: a hand-made ELF and a fixture with a firmware directory and kernel log in a
// temporary directory.
#pragma once

#include "remoteproc_board.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace boardsim {

namespace fs = std::filesystem;

inline void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void put16(std::vector<std::uint8_t>& b, std::size_t off, std::uint16_t v) {
    b[off] = static_cast<std::uint8_t>(v);
    b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}

// ELF32 LE ARM image with one PT_LOAD segment and section headers (null, .resource_table?, .shstrtab).
inline std::vector<std::uint8_t> make_elf(std::uint32_t paddr, std::uint32_t filesz, std::uint32_t memsz, bool rsc) {
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
        settings_.secure_log_path = (dir_ / "secure.log").string();
        settings_.firmware.firmware_dir = (dir_ / "fw").string();
        settings_.firmware.fw_path_param = (dir_ / "no-param").string();
        // Written for an ELF-mode board with the M0+ as remoteproc0: named here, not taken from the defaults.
        settings_.tee_mode = false;
        settings_.order = {"m0", "m33"};
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

}  // namespace boardsim
