#pragma once
// SHA-256 and the two signature schemes of OP-TEE's remoteproc images, on OpenSSL 3 libcrypto.
// Keys are PEM files; their content never leaves this file (no key material in errors or logs).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"

using EVP_PKEY = struct evp_pkey_st;
using EVP_MD_CTX = struct evp_md_ctx_st;

namespace stm32mp::adapters::openssl {

using Digest = std::array<std::uint8_t, 32>;

[[nodiscard]] Digest sha256(std::span<const std::uint8_t> data);
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const;
};

// SHA-256 fed in pieces: a file read in chunks is hashed without being held whole.
class Sha256Stream {
 public:
  Sha256Stream();
  void update(std::span<const std::uint8_t> data);
  [[nodiscard]] Digest finish();  // once; the digest of every piece given, in order

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
};

enum class KeyKind { rsa, ec_p256, other };

class Key {
 public:
  [[nodiscard]] KeyKind kind() const { return kind_; }
  // Bytes of a signature in the image: RSA modulus size, 64 for ECDSA P-256 (raw r‖s).
  [[nodiscard]] std::size_t signature_size() const;
  [[nodiscard]] std::string description() const;  // "RSA 2048-bit", "EC P-256" (no key material)
  [[nodiscard]] EVP_PKEY* get() const { return key_.get(); }

 private:
  friend core::expected<Key, std::string> load_private_key(const std::string&, const std::optional<std::string>&);
  friend core::expected<Key, std::string> load_public_key(const std::string&);
  struct Free {
    void operator()(EVP_PKEY* k) const;
  };
  std::unique_ptr<EVP_PKEY, Free> key_;
  KeyKind kind_ = KeyKind::other;
};

// A PEM private key (PKCS#8, traditional RSA or SEC1 EC). An encrypted key is opened with
// `passphrase` only: OpenSSL never prompts on the terminal. Error: a reason without key content
// (nor the pass phrase).
[[nodiscard]] core::expected<Key, std::string> load_private_key(const std::string& path,
                                                                const std::optional<std::string>& passphrase = std::nullopt);
// True when the PEM file holds an encrypted private key (PKCS#8 or a Proc-Type: 4,ENCRYPTED block).
[[nodiscard]] bool is_encrypted_pem(const std::string& path);
// The DER SubjectPublicKeyInfo of the key's public half (what sign_rproc_fw.py --key_info carries).
[[nodiscard]] std::vector<std::uint8_t> public_key_der(const Key& key);
// A PEM public key, or a private key whose public half is used.
[[nodiscard]] core::expected<Key, std::string> load_public_key(const std::string& path);

// RSA: PKCS#1 v1.5 over SHA-256 (modulus-size bytes). EC P-256: ECDSA over SHA-256, encoded as raw
// r‖s, 32 bytes each, big-endian — what sign_rproc_fw.py's DSS(…, 'fips-186-3') emits and the
// OP-TEE PTA consumes (TEE_ALG_ECDSA_P256 takes r‖s), not the DER that OpenSSL produces.
[[nodiscard]] core::expected<std::vector<std::uint8_t>, std::string> sign_sha256(const Key& key, std::span<const std::uint8_t> data);
// Same encodings as sign_sha256. Returns false for a well-formed but wrong signature.
[[nodiscard]] core::expected<bool, std::string> verify_sha256(const Key& key, std::span<const std::uint8_t> data,
                                                              std::span<const std::uint8_t> signature);

// verify_sha256 with the signed data fed in pieces (EVP_DigestVerifyInit/Update/Final): the signed part of an
// image is read from the file in chunks. `key` must outlive it.
class VerifyStream {
 public:
  [[nodiscard]] static core::expected<VerifyStream, std::string> start(const Key& key);
  void update(std::span<const std::uint8_t> data);
  // Once, after the last piece: false for a well-formed but wrong signature.
  [[nodiscard]] core::expected<bool, std::string> finish(std::span<const std::uint8_t> signature);

 private:
  VerifyStream(std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx, KeyKind kind) : ctx_(std::move(ctx)), kind_(kind) {}
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
  KeyKind kind_;
  bool broken_ = false;  // an update failed: finish says so instead of judging a partial digest
};

}  // namespace stm32mp::adapters::openssl
