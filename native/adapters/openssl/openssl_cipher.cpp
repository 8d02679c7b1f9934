#include "adapters/openssl/openssl_cipher.h"

#include <memory>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace stm32mp::adapters::openssl {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

const EVP_CIPHER* aes_cbc(std::size_t key_size) {
  switch (key_size) {
    case 16: return EVP_aes_128_cbc();
    case 24: return EVP_aes_192_cbc();
    case 32: return EVP_aes_256_cbc();
    default: return nullptr;
  }
}

core::expected<std::vector<std::uint8_t>, std::string> run(bool encrypt, std::span<const std::uint8_t> key,
                                                          std::span<const std::uint8_t, 16> iv, std::span<const std::uint8_t> in) {
  const auto* cipher = aes_cbc(key.size());
  if (cipher == nullptr) return core::unexpected{"the AES key is " + std::to_string(key.size()) + " bytes; AES needs 16, 24 or 32"};
  if (in.size() % 16 != 0) return core::unexpected{std::to_string(in.size()) + " bytes is not a multiple of the 16-byte AES block"};
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data(), encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return core::unexpected{std::string("AES-CBC set-up failed")};
  }
  std::vector<std::uint8_t> out(in.size() + 16);
  int n = 0;
  int tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    return core::unexpected{std::string("AES-CBC failed")};
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

}  // namespace

core::expected<std::vector<std::uint8_t>, std::string> aes_cbc_encrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t, 16> iv,
                                                                       std::span<const std::uint8_t> plain) {
  return run(true, key, iv, plain);
}

core::expected<std::vector<std::uint8_t>, std::string> aes_cbc_decrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t, 16> iv,
                                                                       std::span<const std::uint8_t> cipher) {
  return run(false, key, iv, cipher);
}

core::expected<std::array<std::uint8_t, 16>, std::string> random_iv() {
  std::array<std::uint8_t, 16> iv{};
  if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) return core::unexpected{std::string("no random bytes from OpenSSL")};
  return iv;
}

}  // namespace stm32mp::adapters::openssl
