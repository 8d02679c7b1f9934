#include "image/source.h"

namespace stm32mp::image {

std::optional<std::vector<std::uint8_t>> MemorySource::read(std::uint64_t offset, std::uint64_t length) const {
  const auto part = slice(bytes_, offset, length);
  if (!part) return std::nullopt;
  return std::vector<std::uint8_t>(part->begin(), part->end());
}

SliceSource::SliceSource(const Source& parent, std::uint64_t base, std::uint64_t length)
    // A window that does not fit in its parent is cut to what does (the readers then see it as truncated).
    : parent_(parent),
      base_(std::min(base, parent.size())),
      size_(std::min(length, parent.size() - std::min(base, parent.size()))) {}

std::optional<std::vector<std::uint8_t>> SliceSource::read(std::uint64_t offset, std::uint64_t length) const {
  if (!fits(*this, offset, length)) return std::nullopt;
  return parent_.read(base_ + offset, length);
}

std::optional<std::uint16_t> read_u16(const Source& s, std::uint64_t offset) {
  const auto b = s.read(offset, 2);
  if (!b) return std::nullopt;
  return read_u16(Bytes(*b), 0);
}

std::optional<std::uint32_t> read_u32(const Source& s, std::uint64_t offset) {
  const auto b = s.read(offset, 4);
  if (!b) return std::nullopt;
  return read_u32(Bytes(*b), 0);
}

}  // namespace stm32mp::image
