#include "image/st_tee_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace stm32mp::image {
namespace {

// The prefixes ST's PTA compares byte for byte (der_rsa256_pkey_header, der_ecc_pkey_header).
constexpr std::array<std::uint8_t, 33> kRsa2048Prefix{0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                                      0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01,
                                                      0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00};
constexpr std::array<std::uint8_t, 27> kEcP256Prefix{0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                                     0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                                     0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
constexpr std::size_t kRsaDerSize = 294;
constexpr std::size_t kEcDerSize = 91;

template <std::size_t N>
bool starts_with(Bytes der, const std::array<std::uint8_t, N>& prefix) {
  return der.size() >= N && std::equal(prefix.begin(), prefix.end(), der.begin());
}

std::string offset_text(std::uint64_t offset) { return fmt::format("{} ({:#x})", offset, offset); }

}  // namespace

PkeyInfo decode_pkey_info(Bytes der) {
  PkeyInfo info;
  if (der.size() == kRsaDerSize) {
    const auto mod = der.subspan(kRsa2048Prefix.size(), 256);
    const auto exp_header = der.subspan(kRsa2048Prefix.size() + 256, 2);
    if (!starts_with(der, kRsa2048Prefix) || exp_header[0] != 0x02 || exp_header[1] != 0x03) {
      info.reason = "294 bytes, but not the DER of an RSA-2048 public key with a 3-byte exponent";
      return info;
    }
    info.kind = PkeyInfo::Kind::rsa2048;
    const auto exp = der.subspan(kRsa2048Prefix.size() + 258, 3);
    // Sized once and filled in place: growing the vector by insert() trips g++ 12's -O3 -Warray-bounds
    // false positive (mingw-w64's Release build).
    info.hash_input.resize(mod.size() + exp.size());
    std::copy(mod.begin(), mod.end(), info.hash_input.begin());
    std::copy(exp.begin(), exp.end(), info.hash_input.begin() + static_cast<std::ptrdiff_t>(mod.size()));
    return info;
  }
  if (der.size() == kEcDerSize) {
    if (!starts_with(der, kEcP256Prefix)) {
      info.reason = "91 bytes, but not the DER of an uncompressed EC P-256 public key";
      return info;
    }
    info.kind = PkeyInfo::Kind::ec_p256;
    const auto xy = der.subspan(kEcP256Prefix.size());
    info.hash_input.assign(xy.begin(), xy.end());
    return info;
  }
  info.reason = fmt::format("{} bytes; the PTA reads only a 294-byte RSA-2048 or a 91-byte EC P-256 DER public key", der.size());
  return info;
}

std::string describe(const PkeyInfo& info) {
  switch (info.kind) {
    case PkeyInfo::Kind::rsa2048: return "RSA-2048 public key (DER, 294 bytes)";
    case PkeyInfo::Kind::ec_p256: return "EC P-256 public key (DER, 91 bytes)";
    case PkeyInfo::Kind::unreadable: return "unreadable: " + info.reason;
  }
  return {};
}

std::vector<core::Diagnostic> judge_for_st_tee(const SignedImage& s, const std::string& path) {
  std::vector<core::Diagnostic> out;
  if (!s.hash_type) out.push_back(core::make_diagnostic(core::Code::HashTypeMissing, {{"path", path}}));
  for (const auto& t : s.tlvs) {
    if (t.type < kPlatformTlvMin || t.type > kPlatformTlvMax) continue;
    if (t.type == kTlvBootSec && t.value.size() == 4) {
      const auto value = static_cast<std::uint32_t>(t.value[0]) | (static_cast<std::uint32_t>(t.value[1]) << 8) |
                         (static_cast<std::uint32_t>(t.value[2]) << 16) | (static_cast<std::uint32_t>(t.value[3]) << 24);
      if (value == 0) out.push_back(core::make_diagnostic(core::Code::BootSecZeroStillSecure, {{"path", path}, {"value", hex32(value)}}));
    } else if (t.type != kTlvBootAddr && t.type != kTlvBootSec) {
      out.push_back(core::make_diagnostic(core::Code::PlatformTlvRefused, {{"path", path}, {"type", hex32(t.type)}, {"offset", offset_text(t.offset)}}));
    }
  }
  if (const auto* k = s.find_tlv(kTlvPkeyInfo)) {
    const auto info = decode_pkey_info(k->value);
    if (info.kind == PkeyInfo::Kind::unreadable) {
      out.push_back(core::make_diagnostic(core::Code::PkeyInfoUnusable,
                                          {{"path", path}, {"size", std::to_string(k->value.size())}, {"reason", info.reason}}));
    }
  }
  if (s.sign_type == SignType::ecdsa_p256_sha256) {
    out.push_back(core::make_diagnostic(core::Code::SignKeyNotStock,
                                        {{"path", path},
                                         {"key", "ECDSA P-256"},
                                         {"reason", "ECDSA needs CFG_REMOTEPROC_PUB_KEY_VERIFY=y (default n), PKEYINFO and the key's hash in OTP"}}));
  } else if (s.sign_len != 256) {
    out.push_back(core::make_diagnostic(core::Code::SignKeyNotStock,
                                        {{"path", path},
                                         {"key", fmt::format("RSA-{}", s.sign_len * 8)},
                                         {"reason", "a stock build embeds an RSA-2048 key (keys/default.pem), and with CFG_REMOTEPROC_PUB_KEY_VERIFY reads RSA-2048 keys only"}}));
  }
  return out;
}

}  // namespace stm32mp::image
