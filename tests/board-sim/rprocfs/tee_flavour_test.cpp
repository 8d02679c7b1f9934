// The TEE-mode knobs that follow the OP-TEE sources (crosscheck §1-§2): pta_ecdsa (an ECDSA signature is refused
// with TEE_ERROR_NOT_SUPPORTED unless the PTA was built for it) and ta_flavour (what the TA does with a load while
// it still holds an image whose start failed). The images are signed here with OpenSSL in the TA's format
// (header, TLVs, signature, ELF), independently of the product's signer.
#include "remoteproc_board.h"
#include "rprocfs_test_support.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cerrno>
#include <cstdio>
#include <memory>

namespace boardsim {
namespace {

bool has(const std::string& log, const std::string& line) { return log.find(line) != std::string::npos; }

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Key ec_key() { return Key(EVP_EC_gen("P-256")); }
Key rsa_key() { return Key(EVP_RSA_gen(2048)); }

void write_public(EVP_PKEY* key, const fs::path& path) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(PEM_write_PUBKEY(f, key), 1);
    std::fclose(f);
}

std::vector<std::uint8_t> sign_digest(EVP_PKEY* key, const std::vector<std::uint8_t>& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key), 1);
    EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &len, data.data(), data.size()), 1);
    std::vector<std::uint8_t> sig(len);
    EXPECT_EQ(EVP_DigestSign(ctx, sig.data(), &len, data.data(), data.size()), 1);
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return sig;
    // The image holds ECDSA as raw r||s (32 + 32 bytes), OpenSSL gives DER.
    const unsigned char* p = sig.data();
    ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::vector<std::uint8_t> raw(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(s), raw.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(s), raw.data() + 32, 32);
    ECDSA_SIG_free(s);
    return raw;
}

void tlv(std::vector<std::uint8_t>& area, std::uint32_t type, const std::vector<std::uint8_t>& value) {
    const std::size_t at = area.size();
    area.resize(at + 8 + ((value.size() + 7) & ~std::size_t{7}), 0);
    put32(area, at, type);
    put32(area, at + 4, static_cast<std::uint32_t>(value.size()));
    std::copy(value.begin(), value.end(), area.begin() + static_cast<std::ptrdiff_t>(at + 8));
}

// The TA's signed format around make_elf's one-segment ELF (segment at file offset 96).
std::vector<std::uint8_t> signed_image(EVP_PKEY* key, std::uint32_t filesz) {
    const std::uint32_t paddr = 0x80100000, memsz = 0x540;
    auto elf = make_elf(paddr, filesz, memsz, true);
    std::vector<std::uint8_t> entry(64, 0);
    put32(entry, 0, 1);
    put32(entry, 4, 96);
    put32(entry, 8, paddr);
    put32(entry, 12, paddr);
    put32(entry, 16, filesz);
    put32(entry, 20, memsz);
    SHA256(elf.data() + 96, filesz, entry.data() + 32);
    std::vector<std::uint8_t> size(4, 0);
    put32(size, 0, static_cast<std::uint32_t>(elf.size()));
    std::vector<std::uint8_t> area;
    tlv(area, 0x01, {static_cast<std::uint8_t>(EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? 2 : 1)});
    tlv(area, 0x03, {1});
    tlv(area, 0x04, {1});
    tlv(area, 0x05, size);
    tlv(area, 0x10, entry);
    std::vector<std::uint8_t> img(20, 0);
    put32(img, 0, 0x3543A468);
    put32(img, 4, 1);
    put32(img, 8, static_cast<std::uint32_t>(area.size()));
    put32(img, 16, static_cast<std::uint32_t>(elf.size()));
    const std::uint32_t sig_len = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? 64 : static_cast<std::uint32_t>(EVP_PKEY_get_size(key));
    put32(img, 12, sig_len);
    img.insert(img.end(), area.begin(), area.end());
    const auto sig = sign_digest(key, img);
    EXPECT_EQ(sig.size(), sig_len);
    img.insert(img.end(), sig.begin(), sig.end());
    img.resize(img.size() + (((sig_len + 7) & ~7u) - sig_len), 0);  // the offsets round each part, not the file
    elf.resize((elf.size() + 7) & ~std::size_t{7}, 0);
    img.insert(img.end(), elf.begin(), elf.end());
    return img;
}

class TeeBoardTest : public RemoteprocBoardTest {
protected:
    void SetUp() override {
        RemoteprocBoardTest::SetUp();
        // Named here: ST's stock TEE board, the M33 at remoteproc0.
        settings_.tee_mode = true;
        settings_.order = {"m33", "m0"};
        settings_.trusted_key = (dir_ / "trusted.pem").string();
    }
    std::string start(RemoteprocBoard& b, const std::string& name) {
        const int fw = w(b, 0, "firmware", name);
        const int st = w(b, 0, "state", "start");
        return std::to_string(fw) + "/" + std::to_string(st);
    }
};

TEST_F(TeeBoardTest, AnEcdsaImageIsRefusedAsNotSupportedUnlessThePtaOptionIsOn) {
    // Upstream's stm32mp PTA verifies RSA only and ST's 4.x verifies ECDSA only with
    // CFG_REMOTEPROC_PUB_KEY_VERIFY=y (crosscheck §2): the key type is refused before any key is compared, so the
    // board trusting this very EC key does not help. ST tee_remoteproc.c prints "%s invoke failed TEE err: %x, ret:%x".
    Key key = ec_key();
    write_public(key.get(), settings_.trusted_key);
    put("ecdsa_sign.bin", signed_image(key.get(), 0x100));
    RemoteprocBoard b(settings_);
    EXPECT_EQ(start(b, "ecdsa_sign.bin"), "14/" + std::to_string(-EIO));
    EXPECT_TRUE(has(log(), "tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                           "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0")) << log();
    EXPECT_TRUE(has(log(), "remoteproc remoteproc0: Boot failed: -5")) << log();
    EXPECT_FALSE(has(log(), "Booting fw image")) << "the TA refuses it during the sanity check\n" << log();

    ASSERT_EQ(b.apply("pta_ecdsa", "on"), "");
    EXPECT_EQ(start(b, "ecdsa_sign.bin"), "14/5");
    EXPECT_TRUE(has(log(), "remote processor m33 is now up")) << log();
    EXPECT_EQ(b.apply("pta_ecdsa", "maybe"), "pta_ecdsa must be off or on");
}

TEST_F(TeeBoardTest, WithThePtaOptionAnEcdsaImageOfAnotherKeyFailsItsSignature) {
    Key trusted = ec_key(), other = ec_key();
    write_public(trusted.get(), settings_.trusted_key);
    put("other_sign.bin", signed_image(other.get(), 0x100));
    settings_.pta_ecdsa = true;
    RemoteprocBoard b(settings_);
    EXPECT_EQ(start(b, "other_sign.bin"), "14/" + std::to_string(-EIO));
    EXPECT_TRUE(has(log(), "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff3072")) << log();
    EXPECT_FALSE(has(log(), "ffff000a")) << log();
}

TEST_F(TeeBoardTest, RsaImagesLoadWhateverThePtaEcdsaOption) {
    Key key = rsa_key();
    write_public(key.get(), settings_.trusted_key);
    put("rsa_sign.bin", signed_image(key.get(), 0x100));
    RemoteprocBoard b(settings_);
    EXPECT_EQ(start(b, "rsa_sign.bin"), "12/5");
    EXPECT_TRUE(has(log(), "remote processor m33 is now up")) << log();
}

// After a failed START_FW the TA stays LOADED (crosscheck §1: ST driver flag + TA state machine). ST's TA answers
// the next LOAD_FW with BAD_STATE; upstream OP-TEE's returns success without loading, and the start runs the image
// it held while the kernel names the new file in "Booting fw image".
TEST_F(TeeBoardTest, AfterAFailedStartStsTaRefusesTheNextLoadAndUpstreamsStartsTheHeldImage) {
    Key key = rsa_key();
    write_public(key.get(), settings_.trusted_key);
    const auto old_image = signed_image(key.get(), 0x100), new_image = signed_image(key.get(), 0x200);
    ASSERT_NE(old_image.size(), new_image.size());
    put("old_sign.bin", old_image);
    put("new_sign.bin", new_image);
    const std::string old_size = std::to_string(old_image.size()), new_size = std::to_string(new_image.size());
    for (const std::string flavour : {"st", "upstream"}) {
        std::error_code ec;
        fs::remove(dir_ / "kmsg.log", ec);
        RemoteprocBoard b(settings_);
        ASSERT_EQ(b.apply("ta_flavour", flavour), "");
        ASSERT_EQ(b.apply("ta_start", "fail"), "");
        EXPECT_EQ(start(b, "old_sign.bin"), "12/" + std::to_string(-EIO)) << flavour;
        EXPECT_TRUE(has(log(), "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0")) << log();
        ASSERT_EQ(b.apply("ta_start", "ok"), "");
        const std::string second = start(b, "new_sign.bin");
        if (flavour == "st") {
            EXPECT_EQ(second, "12/" + std::to_string(-EIO));
            EXPECT_TRUE(has(log(), "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0007, ret:0")) << log();
            EXPECT_FALSE(has(b.status(), "runs=")) << b.status();
        } else {
            EXPECT_EQ(second, "12/5");
            EXPECT_FALSE(has(log(), "ffff0007")) << log();
            EXPECT_TRUE(has(log(), "Booting fw image new_sign.bin, size " + new_size)) << log();
            EXPECT_TRUE(has(log(), "remote processor m33 is now up")) << log();
            EXPECT_TRUE(has(b.status(), "running new_sign.bin power=1 runs=old_sign.bin, size " + old_size)) << b.status();
            // Stopped and loaded again, the TA holds nothing any more: the new image is loaded and runs.
            EXPECT_EQ(w(b, 0, "state", "stop"), 4);
            EXPECT_EQ(w(b, 0, "state", "start"), 5);
            EXPECT_TRUE(has(b.status(), "runs=new_sign.bin, size " + new_size)) << b.status();
        }
    }
    RemoteprocBoard b(settings_);
    EXPECT_EQ(b.apply("ta_flavour", "optee"), "ta_flavour must be st or upstream");
}

}  // namespace
}  // namespace boardsim
