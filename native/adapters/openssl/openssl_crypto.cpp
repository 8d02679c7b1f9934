#include "adapters/openssl/openssl_crypto.h"

#include "files/input_file.h"

#include <cstdio>
#include <cstring>
#include <iterator>
#include <string_view>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace stm32mp::adapters::openssl {
namespace {

std::string last_error(const char* what) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return what;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return std::string(what) + " (" + buf + ")";
}

struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

KeyKind kind_of(EVP_PKEY* k) {
  if (EVP_PKEY_is_a(k, "RSA")) return KeyKind::rsa;
  if (EVP_PKEY_is_a(k, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, &len) == 1 &&
        (std::string(group) == "prime256v1" || std::string(group) == "P-256")) {
      return KeyKind::ec_p256;
    }
  }
  return KeyKind::other;
}

}  // namespace

void Key::Free::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

std::size_t Key::signature_size() const {
  if (kind_ == KeyKind::ec_p256) return 64;
  return static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
}

std::string Key::description() const {
  switch (kind_) {
    case KeyKind::rsa: return "RSA " + std::to_string(EVP_PKEY_get_bits(key_.get())) + "-bit";
    case KeyKind::ec_p256: return "EC P-256";
    default: return std::string("unsupported key type ") + EVP_PKEY_get0_type_name(key_.get());
  }
}

void MdCtxFree::operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_) EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void Sha256Stream::update(std::span<const std::uint8_t> data) {
  if (ctx_) EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
}

Digest Sha256Stream::finish() {
  Digest d{};
  unsigned int len = 0;
  if (ctx_) EVP_DigestFinal_ex(ctx_.get(), d.data(), &len);
  return d;
}

Digest sha256(std::span<const std::uint8_t> data) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

// The key file's text in a memory BIO: read through files::read_input_file (UTF-8 names on every OS,
// bounded size), never fopen(), which Windows would give the name in the ANSI code page.
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
core::expected<std::string, std::string> key_file_text(const std::string& path) {
  auto text = files::read_input_file(path, files::kMaxKeyFileBytes);
  if (!text) return core::unexpected{std::string("cannot open the key file")};
  return std::move(*text);
}

bool is_encrypted_pem_text(std::string_view text) {
  return text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
         text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

core::expected<Key, std::string> load_private_key(const std::string& path, const std::optional<std::string>& passphrase) {
  auto text = key_file_text(path);
  if (!text) return core::unexpected{text.error()};
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  Key key;
  // With a null callback OpenSSL would ask for a pass phrase on the controlling terminal: a hang
  // inside the IDE. This one answers with the given pass phrase, or refuses.
  const auto answer = [](char* buf, int size, int, void* user) -> int {
    const auto* phrase = static_cast<const std::optional<std::string>*>(user);
    if (!phrase->has_value() || (*phrase)->size() > static_cast<std::size_t>(size)) return -1;
    std::memcpy(buf, (*phrase)->data(), (*phrase)->size());
    return static_cast<int>((*phrase)->size());
  };
  key.key_.reset(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, answer, const_cast<std::optional<std::string>*>(&passphrase)));
  const bool encrypted = is_encrypted_pem_text(*text);
  OPENSSL_cleanse(text->data(), text->size());
  if (!key.key_ && encrypted) {
    ERR_clear_error();
    return core::unexpected{std::string(passphrase ? "the pass phrase does not open this encrypted key"
                                                   : "the key is encrypted and no pass phrase was given (--key-pass-env VAR or --key-pass-file FILE)")};
  }
  if (!key.key_) return core::unexpected{last_error("not a PEM private key (PKCS#8, RSA or EC)")};
  key.kind_ = kind_of(key.key_.get());
  return key;
}

bool is_encrypted_pem(const std::string& path) {
  auto text = key_file_text(path);
  if (!text) return false;
  const bool encrypted = is_encrypted_pem_text(*text);
  OPENSSL_cleanse(text->data(), text->size());
  return encrypted;
}

std::vector<std::uint8_t> public_key_der(const Key& key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) return {};
  std::vector<std::uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

core::expected<Key, std::string> load_public_key(const std::string& path) {
  auto text = key_file_text(path);
  if (!text) return core::unexpected{text.error()};
  Key key;
  {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    key.key_.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  }
  if (!key.key_) {
    ERR_clear_error();
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    key.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, [](char*, int, int, void*) { return -1; }, nullptr));
  }
  OPENSSL_cleanse(text->data(), text->size());
  if (!key.key_) return core::unexpected{last_error("not a PEM public key (or private key)")};
  key.kind_ = kind_of(key.key_.get());
  return key;
}

core::expected<std::vector<std::uint8_t>, std::string> sign_sha256(const Key& key, std::span<const std::uint8_t> data) {
  if (key.kind() == KeyKind::other) return core::unexpected{key.description() + " (need RSA or EC P-256)"};
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1) {
    return core::unexpected{last_error("signing set-up failed")};
  }
  if (key.kind() == KeyKind::rsa && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return core::unexpected{last_error("RSA PKCS#1 v1.5 padding not available")};
  }
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) return core::unexpected{last_error("signing failed")};
  std::vector<std::uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) return core::unexpected{last_error("signing failed")};
  sig.resize(len);
  if (key.kind() == KeyKind::rsa) return sig;

  // DER ECDSA-Sig-Value → raw r‖s (each left-padded to 32 bytes).
  const unsigned char* p = sig.data();
  std::unique_ptr<ECDSA_SIG, SigFree> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
  if (!es) return core::unexpected{last_error("ECDSA signature decoding failed")};
  std::vector<std::uint8_t> raw(64);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), raw.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), raw.data() + 32, 32) != 32) {
    return core::unexpected{std::string("ECDSA signature does not fit 64 bytes")};
  }
  return raw;
}

core::expected<VerifyStream, std::string> VerifyStream::start(const Key& key) {
  if (key.kind() == KeyKind::other) return core::unexpected{key.description() + " (need RSA or EC P-256)"};
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1) {
    return core::unexpected{last_error("verification set-up failed")};
  }
  if (key.kind() == KeyKind::rsa && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return core::unexpected{last_error("RSA PKCS#1 v1.5 padding not available")};
  }
  return VerifyStream(std::move(ctx), key.kind());
}

void VerifyStream::update(std::span<const std::uint8_t> data) {
  if (!broken_ && EVP_DigestVerifyUpdate(ctx_.get(), data.data(), data.size()) != 1) broken_ = true;
}

core::expected<bool, std::string> VerifyStream::finish(std::span<const std::uint8_t> signature) {
  if (broken_) return core::unexpected{last_error("hashing the signed data failed")};
  std::vector<std::uint8_t> der;
  if (kind_ == KeyKind::ec_p256) {
    if (signature.size() != 64) return false;
    std::unique_ptr<ECDSA_SIG, SigFree> es(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(signature.data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + 32, 32, nullptr);
    if (!es || !r || !s || ECDSA_SIG_set0(es.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return core::unexpected{last_error("ECDSA signature encoding failed")};
    }
    unsigned char* out = nullptr;
    const int len = i2d_ECDSA_SIG(es.get(), &out);
    if (len <= 0) return core::unexpected{last_error("ECDSA signature encoding failed")};
    der.assign(out, out + len);
    OPENSSL_free(out);
    signature = der;
  }
  const int rc = EVP_DigestVerifyFinal(ctx_.get(), signature.data(), signature.size());
  ERR_clear_error();
  return rc == 1;
}

core::expected<bool, std::string> verify_sha256(const Key& key, std::span<const std::uint8_t> data,
                                                std::span<const std::uint8_t> signature) {
  auto v = VerifyStream::start(key);
  if (!v) return core::unexpected{v.error()};
  v->update(data);
  return v->finish(signature);
}

}  // namespace stm32mp::adapters::openssl
