#include "image/source_digest.h"

namespace stm32mp::image {

std::optional<adapters::openssl::Digest> sha256_of(const Source& source, std::uint64_t offset, std::uint64_t length,
                                                   const core::CancelToken* cancel) {
  adapters::openssl::Sha256Stream digest;
  const bool whole = for_each_chunk(source, offset, length, kHashChunkBytes, [&](Bytes chunk) {
    if (cancel != nullptr && cancel->cancelled()) return false;
    digest.update(chunk);
    return true;
  });
  // An empty range reads nothing: only a cancel already set refuses it.
  if (!whole || (cancel != nullptr && cancel->cancelled())) return std::nullopt;
  return digest.finish();
}

bool feed(const Source& source, std::uint64_t offset, std::uint64_t length, adapters::openssl::VerifyStream& verify) {
  return for_each_chunk(source, offset, length, kHashChunkBytes, [&](Bytes chunk) {
    verify.update(chunk);
    return true;
  });
}

}  // namespace stm32mp::image
