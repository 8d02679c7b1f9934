#pragma once
// Where the readers get a firmware file's bytes from: a random-access source with a size fixed when it
// was opened and bounded reads. A 64 MiB image is never held whole: the readers fetch the headers and
// tables they decode, the hashes read the rest in chunks (issue 12: peak RSS < 20 MB). Positioned reads,
// not mmap: a file truncated while mapped raises SIGBUS, and inside Eclipse (JNI) that kills the IDE.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/byte_view.h"

namespace stm32mp::image {

class Source {
 public:
  virtual ~Source() = default;
  // The size when the source was opened; every offset a reader checks is checked against it.
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // The bytes [offset, offset + length), or nullopt when that range does not fit in size() or cannot be
  // read (then failure() says why). Never reads outside the range; the caller bounds `length`.
  [[nodiscard]] virtual std::optional<std::vector<std::uint8_t>> read(std::uint64_t offset, std::uint64_t length) const = 0;
  // Why a read inside size() failed ("the file changed while it was read"), the first such reason; nullopt
  // while every read succeeded. A reader that met such a read judged bytes it never saw: the caller
  // reports this reason instead of the reader's verdict.
  [[nodiscard]] virtual std::optional<std::string> failure() const { return std::nullopt; }
};

// Bytes already in memory (tests, fuzzers, the signer): reads copy out of the span, which must outlive it.
class MemorySource final : public Source {
 public:
  explicit MemorySource(Bytes bytes) : bytes_(bytes) {}
  [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> read(std::uint64_t offset, std::uint64_t length) const override;

 private:
  Bytes bytes_;
};

// [base, base + length) of another source, addressed from 0: one ELF embedded in a signed image is read
// with its own offsets, as the TA reads it after copying. `parent` must outlive it.
class SliceSource final : public Source {
 public:
  SliceSource(const Source& parent, std::uint64_t base, std::uint64_t length);
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> read(std::uint64_t offset, std::uint64_t length) const override;
  [[nodiscard]] std::optional<std::string> failure() const override { return parent_.failure(); }

 private:
  const Source& parent_;
  std::uint64_t base_;
  std::uint64_t size_;
};

// True when [offset, offset + length) lies inside the source (no overflow possible).
[[nodiscard]] inline bool fits(const Source& s, std::uint64_t offset, std::uint64_t length) {
  return offset <= s.size() && length <= s.size() - offset;
}
[[nodiscard]] std::optional<std::uint16_t> read_u16(const Source& s, std::uint64_t offset);
[[nodiscard]] std::optional<std::uint32_t> read_u32(const Source& s, std::uint64_t offset);

// Calls `sink` with consecutive chunks of [offset, offset + length), each at most `chunk` bytes, so that no
// more than one chunk is held at a time; stops early (false) when a read fails or `sink` returns false.
template <class Sink>
bool for_each_chunk(const Source& s, std::uint64_t offset, std::uint64_t length, std::uint64_t chunk, Sink&& sink) {
  if (!fits(s, offset, length) || chunk == 0) return false;
  for (std::uint64_t done = 0; done < length;) {
    const auto n = std::min(chunk, length - done);
    const auto bytes = s.read(offset + done, n);
    if (!bytes || !sink(Bytes(*bytes))) return false;
    done += n;
  }
  return true;
}

// Chunk size of the hashes that read a file through (the same as files::kReadChunkBytes: 1 MiB).
inline constexpr std::uint64_t kHashChunkBytes = 1U << 20;

}  // namespace stm32mp::image
