#pragma once
// SHA-256 of a range of a Source, read in chunks: a whole 64 MiB image, or one segment of it, is hashed
// with one chunk in memory at a time, and a cancel is honoured between two chunks.
#include <cstdint>
#include <optional>

#include "adapters/openssl/openssl_crypto.h"
#include "core/cancellation.h"
#include "image/source.h"

namespace stm32mp::image {

// The digest of [offset, offset + length), or nullopt when the range does not fit, a read fails (the
// source's failure() says why) or `cancel` was set.
[[nodiscard]] std::optional<adapters::openssl::Digest> sha256_of(const Source& source, std::uint64_t offset,
                                                                 std::uint64_t length,
                                                                 const core::CancelToken* cancel = nullptr);

// Feeds [offset, offset + length) to `verify` in chunks; false when a read fails.
[[nodiscard]] bool feed(const Source& source, std::uint64_t offset, std::uint64_t length,
                        adapters::openssl::VerifyStream& verify);

}  // namespace stm32mp::image
