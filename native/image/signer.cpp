#include "image/signer.h"

#include <charconv>

#include "image/elf_reader.h"

namespace stm32mp::image {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Pads a chunk of `chunk_size` bytes to a multiple of 8. The chunks are padded relative to their own
// length, not to the file offset: the 20-byte header leaves every later chunk at offset 4 mod 8.
void pad8(std::vector<std::uint8_t>& out, std::size_t chunk_size) {
  out.insert(out.end(), (8 - chunk_size % 8) % 8, std::uint8_t{0});
}

void add_tlv(std::vector<std::uint8_t>& area, std::uint32_t type, const std::vector<std::uint8_t>& value) {
  put_u32(area, type);
  put_u32(area, static_cast<std::uint32_t>(value.size()));
  area.insert(area.end(), value.begin(), value.end());
  pad8(area, 8 + value.size());
}

std::optional<std::uint64_t> parse_number(const std::string& text) {
  std::uint64_t v = 0;
  const bool hex = text.starts_with("0x") || text.starts_with("0X");
  const char* first = text.data() + (hex ? 2 : 0);
  const char* last = text.data() + text.size();
  if (first == last) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(first, last, v, hex ? 16 : 10);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

}  // namespace

core::expected<PlatformTlv, std::string> parse_platform_tlv(const std::string& id, const std::string& value) {
  PlatformTlv t;
  if (id == "BOOTADDR") {
    t.type = kTlvBootAddr;
  } else if (id == "BOOTSEC") {
    t.type = kTlvBootSec;
  } else if (auto n = parse_number(id); n && *n >= kPlatformTlvMin && *n <= kPlatformTlvMax) {
    t.type = static_cast<std::uint32_t>(*n);
  } else {
    return core::unexpected{"TLV id '" + id + "' is neither BOOTADDR, BOOTSEC nor a number in 0x10000..0x1FFFF"};
  }
  if (value.starts_with("0x")) {
    const auto n = parse_number(value);
    if (!n || *n > 0xFFFFFFFFULL) return core::unexpected{"TLV value '" + value + "' is not a 32-bit hexadecimal number"};
    for (int i = 0; i < 4; ++i) t.value.push_back(static_cast<std::uint8_t>(*n >> (8 * i)));
  } else {
    if ((t.type == kTlvBootAddr || t.type == kTlvBootSec)) {
      return core::unexpected{"TLV " + id + " needs a 0x… value (the script would store the text '" + value + "')"};
    }
    t.value.assign(value.begin(), value.end());
  }
  if (t.value.empty()) return core::unexpected{std::string("TLV value is empty")};
  return t;
}

core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(Bytes elf, const SignRequest& request,
                                                                        const HashFunction& hash, const SignFunction& sign) {
  auto info = read_elf(elf);
  if (!info) return core::unexpected{SignError{info.error(), {}}};
  if (elf.size() > 0xFFFFFFF0ULL) return core::unexpected{SignError{std::nullopt, "the ELF is larger than 4 GiB"}};

  const auto padded_size = static_cast<std::uint32_t>(round8(elf.size()));
  std::vector<std::uint8_t> hash_table;
  for (const auto& s : info->segments) {
    for (auto v : {s.type, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, s.align}) put_u32(hash_table, v);
    // Like pyelftools' segment.data(): the file bytes [p_offset, p_offset + p_filesz). read_elf has
    // checked the range of PT_LOAD segments; others are clamped to the file.
    const auto contents = slice(elf, s.offset, s.filesz).value_or(Bytes{});
    const auto digest = hash(contents);
    hash_table.insert(hash_table.end(), digest.begin(), digest.end());
  }

  std::vector<std::uint8_t> tlvs;
  add_tlv(tlvs, kTlvSignType, {static_cast<std::uint8_t>(request.sign_type)});
  add_tlv(tlvs, kTlvNumImg, {1});
  add_tlv(tlvs, kTlvImgType, {1});
  std::vector<std::uint8_t> size_le;
  put_u32(size_le, padded_size);
  add_tlv(tlvs, kTlvImgSize, size_le);
  add_tlv(tlvs, kTlvHashType, {1});
  add_tlv(tlvs, kTlvHashTable, hash_table);
  for (const auto& p : request.platform_tlvs) add_tlv(tlvs, p.type, p.value);

  std::vector<std::uint8_t> out;
  put_u32(out, kSignedMagic);
  put_u32(out, 1);
  put_u32(out, static_cast<std::uint32_t>(tlvs.size()));
  put_u32(out, static_cast<std::uint32_t>(request.signature_size));
  put_u32(out, padded_size);
  out.insert(out.end(), tlvs.begin(), tlvs.end());

  auto signature = sign(Bytes(out));
  if (!signature) return core::unexpected{SignError{std::nullopt, signature.error()}};
  if (signature->size() != request.signature_size) {
    return core::unexpected{SignError{std::nullopt, "signature is " + std::to_string(signature->size()) + " bytes, expected " +
                                                        std::to_string(request.signature_size)}};
  }
  out.insert(out.end(), signature->begin(), signature->end());
  pad8(out, signature->size());
  out.insert(out.end(), elf.begin(), elf.end());
  pad8(out, elf.size());
  return out;
}

}  // namespace stm32mp::image
