#pragma once
// AES-CBC without padding and random bytes, as ST's sign_rproc_fw.py --enc_key uses them (pycryptodome
// AES.MODE_CBC over each PT_LOAD segment, a fresh random 16-byte IV per segment), on OpenSSL libcrypto.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"

namespace stm32mp::adapters::openssl {

// `key` is 16, 24 or 32 bytes (AES-128/192/256); `plain` a multiple of 16 bytes. No key material
// in the error text.
[[nodiscard]] core::expected<std::vector<std::uint8_t>, std::string> aes_cbc_encrypt(std::span<const std::uint8_t> key,
                                                                                     std::span<const std::uint8_t, 16> iv,
                                                                                     std::span<const std::uint8_t> plain);
[[nodiscard]] core::expected<std::vector<std::uint8_t>, std::string> aes_cbc_decrypt(std::span<const std::uint8_t> key,
                                                                                     std::span<const std::uint8_t, 16> iv,
                                                                                     std::span<const std::uint8_t> cipher);
// 16 bytes from OpenSSL's CSPRNG.
[[nodiscard]] core::expected<std::array<std::uint8_t, 16>, std::string> random_iv();

}  // namespace stm32mp::adapters::openssl
