#include "tee_image_check.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

namespace boardsim {
namespace {

constexpr std::uint32_t kMagic = 0x3543A468;
constexpr std::uint32_t kTlvSignType = 0x01, kTlvHashType = 0x02, kTlvNumImg = 0x03, kTlvImgType = 0x04,
                        kTlvImgSize = 0x05, kTlvHashTable = 0x10;

std::uint64_t r8(std::uint64_t v) { return (v + 7) & ~std::uint64_t{7}; }

std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

TeeCheckResult fail(std::uint32_t err, std::string msg) {
    char code[16];
    std::snprintf(code, sizeof code, "%#x", err);
    return {err, msg + " (res = " + code + ")"};
}

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey load_key(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) return nullptr;
    EVP_PKEY* k = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
    if (k == nullptr) {
        std::rewind(f);
        k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    }
    std::fclose(f);
    return Pkey(k);
}

// ECDSA signatures in the image are raw r||s (32+32 bytes); OpenSSL verifies DER, so re-encode.
std::vector<std::uint8_t> ecdsa_raw_to_der(std::span<const std::uint8_t> raw) {
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + 32, 32, nullptr);
    ECDSA_SIG_set0(sig, r, s);
    int len = i2d_ECDSA_SIG(sig, nullptr);
    std::vector<std::uint8_t> der(len > 0 ? static_cast<std::size_t>(len) : 0);
    unsigned char* p = der.data();
    if (len > 0) i2d_ECDSA_SIG(sig, &p);
    ECDSA_SIG_free(sig);
    return der;
}

bool verify(EVP_PKEY* key, std::span<const std::uint8_t> signed_data, std::span<const std::uint8_t> sig) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, sig.data(), sig.size(), signed_data.data(), signed_data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

}  // namespace

TeeCheckResult check_signed_image(std::span<const std::uint8_t> img, const std::string& public_key_pem_path,
                                  const std::vector<CarveOut>& carve_outs) {
    // Header: magic, version, TLV length, signature length, images length (all u32 LE).
    if (img.size() < 20) return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
    const std::uint32_t magic = le32(&img[0]), version = le32(&img[4]), tlv_len = le32(&img[8]),
                        sig_len = le32(&img[12]), img_len = le32(&img[16]);
    if (magic != kMagic || version != 1 || tlv_len == 0 || sig_len == 0 ||
        20 + r8(tlv_len) + r8(sig_len) + r8(img_len) != img.size())
        return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");

    // TLV area.
    std::map<std::uint32_t, std::span<const std::uint8_t>> tlv;
    for (std::uint64_t off = 20; off + 8 <= 20 + std::uint64_t{tlv_len};) {
        const std::uint32_t type = le32(&img[off]), len = le32(&img[off + 4]);
        if (off + 8 + len > 20 + std::uint64_t{tlv_len}) return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
        if (type == 0 && len == 0) break;  // zero padding at the end of the area
        tlv[type] = img.subspan(off + 8, len);
        off += r8(8 + std::uint64_t{len});
    }
    auto one_byte = [&](std::uint32_t type) -> int {
        auto it = tlv.find(type);
        return it == tlv.end() || it->second.empty() ? -1 : it->second[0];
    };
    const int sign_type = one_byte(kTlvSignType);
    if (sign_type < 0) return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");

    // Signature over header + TLV area, with the key the board's OP-TEE was built with.
    Pkey key = load_key(public_key_pem_path);
    if (!key) return fail(kTeeErrorGeneric, "Can't Authenticate the firmware: no public key");
    const auto signed_data = img.subspan(0, 20 + std::uint64_t{tlv_len});
    const auto sig = img.subspan(20 + r8(tlv_len), sig_len);
    const int key_id = EVP_PKEY_get_base_id(key.get());
    bool sig_ok = false;
    if (sign_type == 1) {
        sig_ok = key_id == EVP_PKEY_RSA && static_cast<int>(sig_len) == EVP_PKEY_get_size(key.get()) &&
                 verify(key.get(), signed_data, sig);
    } else if (sign_type == 2) {
        sig_ok = key_id == EVP_PKEY_EC && sig_len == 64 && verify(key.get(), signed_data, ecdsa_raw_to_der(sig));
    } else {
        return fail(kTeeErrorNotSupported, "Can't Authenticate the firmware");
    }
    if (!sig_ok) return fail(kTeeErrorSignatureInvalid, "Failed to verify signature");

    // Authenticated metadata.
    if (one_byte(kTlvHashType) != 1) return fail(kTeeErrorNotSupported, "Can't Authenticate the firmware");
    const int num_img = one_byte(kTlvNumImg);
    auto types = tlv.find(kTlvImgType), sizes = tlv.find(kTlvImgSize), table = tlv.find(kTlvHashTable);
    if (num_img != 1 || types == tlv.end() || sizes == tlv.end() || table == tlv.end() || types->second.empty() ||
        types->second[0] != 1 || sizes->second.size() < 4 || table->second.size() % 64 != 0)
        return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
    const std::uint64_t elf_off = 20 + r8(tlv_len) + r8(sig_len);
    const std::uint64_t elf_size = le32(sizes->second.data());
    if (elf_size > img.size() - elf_off) return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
    const auto elf = img.subspan(elf_off, elf_size);
    if (elf.size() < 52 || std::memcmp(elf.data(), "\x7f" "ELF", 4) != 0)
        return fail(kTeeErrorBadFormat, "Can't Authenticate the firmware");

    // Load: each PT_LOAD segment of the signed table goes into the M33 memories, then its hash is checked.
    const auto entries = table->second;
    for (std::size_t e = 0; e + 64 <= entries.size(); e += 64) {
        const std::uint8_t* p = entries.data() + e;
        const std::uint32_t type = le32(p), offset = le32(p + 4), paddr = le32(p + 12), filesz = le32(p + 16),
                            memsz = le32(p + 20);
        if (type != 1 || memsz == 0) continue;
        if (filesz > memsz || std::uint64_t{offset} + filesz > elf.size())
            return fail(kTeeErrorBadParameters, "remoteproc_load_segment: bad segment");
        if (!fits_in_carve_outs(carve_outs, paddr, memsz))
            return fail(kTeeErrorAccessDenied, "remoteproc_load_segment: Fails to clear segment");
        std::uint8_t digest[SHA256_DIGEST_LENGTH];
        SHA256(elf.data() + offset, filesz, digest);
        if (std::memcmp(digest, p + 32, sizeof digest) != 0)
            return fail(kTeeErrorSecurity, "remoteproc_load_segment: segment hash mismatch");
    }
    return {};
}

}  // namespace boardsim
