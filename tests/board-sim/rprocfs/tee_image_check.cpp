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
constexpr std::uint32_t kTlvSignType = 0x01, kTlvNumImg = 0x03, kTlvImgType = 0x04,
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

// One ELF of the image: every PT_LOAD program header must have its entry (same paddr, type, filesz,
// memsz) in the signed hash table; the segment then goes into the M33 memories and its SHA-256 must match.
TeeCheckResult load_elf(std::span<const std::uint8_t> elf, std::span<const std::uint8_t> table,
                        const std::vector<CarveOut>& carve_outs) {
    if (elf.size() < 52 || std::memcmp(elf.data(), "\x7f" "ELF", 4) != 0 || elf[4] != 1 || elf[5] != 1)
        return fail(kTeeErrorBadFormat, "Failed to parse firmware");
    const std::uint32_t phoff = le32(&elf[28]);
    const unsigned phentsize = elf[42] | elf[43] << 8, phnum = elf[44] | elf[45] << 8;
    if (phentsize < 32 || std::uint64_t{phoff} + std::uint64_t{phnum} * phentsize > elf.size())
        return fail(kTeeErrorBadFormat, "Failed to parse firmware");
    for (unsigned i = 0; i < phnum; ++i) {
        const std::uint8_t* ph = &elf[phoff + i * phentsize];
        const std::uint32_t type = le32(ph), offset = le32(ph + 4), paddr = le32(ph + 12), filesz = le32(ph + 16),
                            memsz = le32(ph + 20);
        if (type != 1) continue;
        const std::uint8_t* entry = nullptr;
        for (std::size_t e = 0; e + 64 <= table.size(); e += 64)
            if (le32(&table[e + 12]) == paddr) {
                entry = &table[e];
                break;
            }
        if (entry == nullptr) return fail(kTeeErrorNoData, "remoteproc_load_segment: segment not in hash table");
        if (le32(entry) != 1 || le32(entry + 16) != filesz || le32(entry + 20) != memsz ||
            std::uint64_t{offset} + filesz > elf.size())
            return fail(kTeeErrorBadParameters, "remoteproc_load_segment: segment does not match its hash entry");
        if (!fits_in_carve_outs(carve_outs, paddr, memsz))
            return fail(kTeeErrorAccessDenied, "Fails to load segment");
        std::uint8_t digest[SHA256_DIGEST_LENGTH];
        SHA256(elf.data() + offset, filesz, digest);
        if (std::memcmp(digest, entry + 32, sizeof digest) != 0)
            return fail(kTeeErrorSecurity, "Fails to load segment: hash mismatch");
    }
    return {};
}

}  // namespace

TeeCheckResult check_signed_image(std::span<const std::uint8_t> img, const std::string& public_key_pem_path,
                                  const std::vector<CarveOut>& carve_outs, bool pta_ecdsa) {
    // Header: magic, version, TLV length, signature length, images length (all u32 LE).
    if (img.size() < 20) return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
    const std::uint32_t magic = le32(&img[0]), version = le32(&img[4]), tlv_len = le32(&img[8]),
                        sig_len = le32(&img[12]), img_len = le32(&img[16]);
    // The TA's order: the image must be larger than header + TLVs + signature and both lengths non-zero,
    // then magic, version and the size rule.
    if (img.size() <= 20 + r8(tlv_len) + r8(sig_len) || tlv_len == 0 || sig_len == 0 || magic != kMagic ||
        version != 1 || 20 + r8(tlv_len) + r8(sig_len) + r8(img_len) != img.size())
        return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");

    // TLV area.
    std::map<std::uint32_t, std::span<const std::uint8_t>> tlv;
    for (std::uint64_t off = 20; off + 8 <= 20 + std::uint64_t{tlv_len};) {
        const std::uint32_t type = le32(&img[off]), len = le32(&img[off + 4]);
        if (off + 8 + len > 20 + std::uint64_t{tlv_len}) break;  // runs past the area: not found, as in the TA
        tlv.emplace(type, img.subspan(off + 8, len));            // the first record of a type wins
        off += 8 + r8(len);
    }
    auto find = [&](std::uint32_t type) -> const std::span<const std::uint8_t>* {
        auto it = tlv.find(type);
        return it == tlv.end() ? nullptr : &it->second;
    };
    const auto* sign_type_tlv = find(kTlvSignType);
    if (sign_type_tlv == nullptr || sign_type_tlv->size() != 1)
        return fail(kTeeErrorBadParameters, "Can't Authenticate the firmware");
    const int sign_type = (*sign_type_tlv)[0];
    // The TA hands the digest and the algorithm to the PTA, which refuses an algorithm it was not built for
    // before it looks at any key (crosscheck §2: ECDSA on an RSA-only PTA -> 0xFFFF000A).
    if (sign_type == 2 && !pta_ecdsa)
        return fail(kTeeErrorNotSupported, "Failed to verify signature: ECDSA not supported by the PTA");

    // Signature over the header and the TLV area (rounded up to 8 bytes), with the key the board's OP-TEE
    // was built with. The signature starts right after the rounded TLV area.
    Pkey key = load_key(public_key_pem_path);
    if (!key) return fail(kTeeErrorGeneric, "Can't Authenticate the firmware: no public key");
    const auto signed_data = img.subspan(0, 20 + r8(tlv_len));
    const auto sig = img.subspan(20 + r8(tlv_len), sig_len);
    const int key_id = EVP_PKEY_get_base_id(key.get());
    bool sig_ok = false;
    if (sign_type == 1) {
        sig_ok = key_id == EVP_PKEY_RSA && static_cast<int>(sig_len) == EVP_PKEY_get_size(key.get()) &&
                 verify(key.get(), signed_data, sig);
    } else if (sign_type == 2) {
        sig_ok = key_id == EVP_PKEY_EC && sig_len == 64 && verify(key.get(), signed_data, ecdsa_raw_to_der(sig));
    } else {
        return fail(kTeeErrorNotSupported, "Unsupported signature type");
    }
    if (!sig_ok) return fail(kTeeErrorSignatureInvalid, "Failed to verify signature");

    // Load (authenticated metadata from here on). HASHTYPE is not consulted: the PTA only does SHA-256.
    const auto* table = find(kTlvHashTable);
    if (table == nullptr || table->empty()) return fail(kTeeErrorNoData, "remoteproc_load_elf: no hash table");
    if (table->size() % 64 != 0) return fail(kTeeErrorBadParameters, "remoteproc_load_elf: bad hash table");
    const auto* num = find(kTlvNumImg);
    if (num == nullptr || num->empty()) return fail(kTeeErrorNoData, "remoteproc_load_elf: no image count");
    if (num->size() != 1) return fail(kTeeErrorBadFormat, "remoteproc_load_elf: bad image count");
    const unsigned num_img = (*num)[0];
    if (num_img == 0) return fail(kTeeErrorNoData, "remoteproc_load_elf: no image");
    const auto* types = find(kTlvImgType);
    const auto* sizes = find(kTlvImgSize);
    if (types == nullptr || sizes == nullptr || types->empty() || sizes->empty())
        return fail(kTeeErrorNoData, "remoteproc_load_elf: no image type/size");
    if (types->size() != num_img || sizes->size() != 4 * num_img)
        return fail(kTeeErrorBadParameters, "remoteproc_load_elf: bad image type/size");
    const auto images = img.subspan(20 + r8(tlv_len) + r8(sig_len), img_len);
    std::uint64_t offset = 0;
    for (unsigned i = 0; i < num_img; ++i) {
        if ((*types)[i] != 1) return fail(kTeeErrorBadFormat, "remoteproc_load_elf: not an ELF image");
        const std::uint64_t size = le32(sizes->data() + 4 * i);
        if (offset > images.size() || size > images.size() - offset)
            return fail(kTeeErrorBadFormat, "Failed to parse firmware");
        TeeCheckResult r = load_elf(images.subspan(offset, size), *table, carve_outs);
        if (r.tee_err != kTeeSuccess) return r;
        offset += size;
    }
    return {};
}

}  // namespace boardsim
