#pragma once
// Bounds-checked little-endian reads over an untrusted file image. Every offset and size in a firmware
// file is attacker- (or corruption-) controlled, so every access goes through these helpers: offsets
// are 64-bit and compared against the remaining length, never added blindly.
#include <cstdint>
#include <optional>
#include <span>

namespace stm32mp::image {

using Bytes = std::span<const std::uint8_t>;

// True when [offset, offset + length) lies inside `bytes` (no overflow possible).
[[nodiscard]] constexpr bool fits(Bytes bytes, std::uint64_t offset, std::uint64_t length) {
  return offset <= bytes.size() && length <= bytes.size() - offset;
}

[[nodiscard]] constexpr std::optional<std::uint16_t> read_u16(Bytes bytes, std::uint64_t offset) {
  if (!fits(bytes, offset, 2)) return std::nullopt;
  const auto o = static_cast<std::size_t>(offset);
  return static_cast<std::uint16_t>(bytes[o] | (bytes[o + 1] << 8));
}

[[nodiscard]] constexpr std::optional<std::uint32_t> read_u32(Bytes bytes, std::uint64_t offset) {
  if (!fits(bytes, offset, 4)) return std::nullopt;
  const auto o = static_cast<std::size_t>(offset);
  return static_cast<std::uint32_t>(bytes[o]) | (static_cast<std::uint32_t>(bytes[o + 1]) << 8) |
         (static_cast<std::uint32_t>(bytes[o + 2]) << 16) | (static_cast<std::uint32_t>(bytes[o + 3]) << 24);
}

// The sub-range [offset, offset + length), or nullopt when it does not fit.
[[nodiscard]] constexpr std::optional<Bytes> slice(Bytes bytes, std::uint64_t offset, std::uint64_t length) {
  if (!fits(bytes, offset, length)) return std::nullopt;
  return bytes.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

// Rounds up to a multiple of 8 in 64 bits (the signed format pads every chunk to 8 bytes).
[[nodiscard]] constexpr std::uint64_t round8(std::uint64_t v) { return (v + 7U) & ~std::uint64_t{7}; }

}  // namespace stm32mp::image
