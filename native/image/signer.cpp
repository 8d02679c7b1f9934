#include "image/signer.h"

#include <algorithm>
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

namespace {

void put_phdr(std::vector<std::uint8_t>& table, const Segment& s) {
  for (auto v : {s.type, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, s.align}) put_u32(table, v);
}

// One input as the script makes it: the (possibly encrypted) file bytes and its table entries.
struct PreparedImage {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> table;
};

core::expected<PreparedImage, SignError> prepare(Bytes elf, std::size_t index, const SignRequest& request, const SignCrypto& crypto) {
  auto info = read_elf(elf);
  if (!info) return core::unexpected{SignError{info.error(), {}, index}};
  if (elf.size() > 0xFFFFFFF0ULL) return core::unexpected{SignError{std::nullopt, "input " + std::to_string(index) + " is larger than 4 GiB", index}};
  PreparedImage out;
  out.bytes.assign(elf.begin(), elf.end());
  if (!request.enc_key) {
    for (const auto& s : info->segments) {
      put_phdr(out.table, s);
      // Like pyelftools' segment.data(): the file bytes [p_offset, p_offset + p_filesz). read_elf has
      // checked the range of PT_LOAD segments; others are clamped to the file.
      const auto digest = crypto.hash(slice(elf, s.offset, s.filesz).value_or(Bytes{}));
      out.table.insert(out.table.end(), digest.begin(), digest.end());
    }
    return out;
  }
  // ST's EncryptedElf: an 80-byte slot per program header, filled in order for PT_LOAD ones only
  // (the slots of other headers stay zero at the end of this image's part of the table).
  out.table.assign(80 * info->segments.size(), 0);
  std::size_t slot = 0;
  for (std::size_t i = 0; i < info->segments.size(); ++i) {
    const auto& s = info->segments[i];
    if (s.type != kPtLoad) continue;
    if (s.filesz % 16 != 0) {
      return core::unexpected{SignError{std::nullopt,
                                        "input " + std::to_string(index) + " segment " + std::to_string(i) + " has p_filesz " + hex32(s.filesz) +
                                            ", not a multiple of 16: AES-CBC encryption needs 16-byte segments (pad the sections with . = ALIGN(16))",
                                        index}};
    }
    auto iv = crypto.next_iv();
    if (!iv) return core::unexpected{SignError{std::nullopt, iv.error(), index}};
    auto cipher = crypto.encrypt(*request.enc_key, *iv, *slice(elf, s.offset, s.filesz));
    if (!cipher) return core::unexpected{SignError{std::nullopt, cipher.error(), index}};
    std::copy(cipher->begin(), cipher->end(), out.bytes.begin() + static_cast<std::ptrdiff_t>(s.offset));
    std::vector<std::uint8_t> entry;
    put_phdr(entry, s);
    const auto digest = crypto.hash(*cipher);
    entry.insert(entry.end(), digest.begin(), digest.end());
    entry.insert(entry.end(), iv->begin(), iv->end());
    std::copy(entry.begin(), entry.end(), out.table.begin() + static_cast<std::ptrdiff_t>(80 * slot++));
  }
  return out;
}

}  // namespace

core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(const std::vector<Bytes>& elfs, const SignRequest& request,
                                                                        const SignCrypto& crypto) {
  if (elfs.empty() || elfs.size() > 255) return core::unexpected{SignError{std::nullopt, "between 1 and 255 input ELFs are needed (NUM_IMG is one byte)", 0}};
  const bool encrypted = request.enc_key.has_value();
  if (encrypted && request.order == TlvOrder::upstream) {
    return core::unexpected{SignError{std::nullopt, "encryption is ST's extension: upstream OP-TEE's TA cannot decrypt, use the st TLV order", 0}};
  }
  std::vector<PreparedImage> images;
  std::vector<std::uint8_t> types;
  std::vector<std::uint8_t> sizes;
  std::vector<std::uint8_t> table;
  std::uint64_t img_len = 0;
  for (std::size_t i = 0; i < elfs.size(); ++i) {
    auto p = prepare(elfs[i], i, request, crypto);
    if (!p) return core::unexpected{p.error()};
    const auto padded = round8(p->bytes.size());
    img_len += padded;
    if (img_len > 0xFFFFFFF0ULL) return core::unexpected{SignError{std::nullopt, "the images together are larger than 4 GiB", i}};
    put_u32(sizes, static_cast<std::uint32_t>(padded));
    types.push_back(encrypted ? kImgTypeEncElf : kImgTypeElf);
    table.insert(table.end(), p->table.begin(), p->table.end());
    images.push_back(std::move(*p));
  }

  std::vector<std::uint8_t> tlvs;
  add_tlv(tlvs, kTlvSignType, {static_cast<std::uint8_t>(request.sign_type)});
  const auto image_records = [&] {
    add_tlv(tlvs, kTlvNumImg, {static_cast<std::uint8_t>(elfs.size())});
    add_tlv(tlvs, kTlvImgType, types);
    add_tlv(tlvs, kTlvImgSize, sizes);
    add_tlv(tlvs, kTlvHashType, {1});
  };
  if (request.order == TlvOrder::st) {
    if (encrypted) add_tlv(tlvs, kTlvEncType, {kEncTypeAesCbc});
    add_tlv(tlvs, encrypted ? kTlvEncTable : kTlvHashTable, table);
    image_records();
  } else {
    image_records();
    add_tlv(tlvs, kTlvHashTable, table);
  }
  if (!request.key_info.empty()) add_tlv(tlvs, kTlvPkeyInfo, request.key_info);
  for (const auto& p : request.platform_tlvs) add_tlv(tlvs, p.type, p.value);

  std::vector<std::uint8_t> out;
  put_u32(out, kSignedMagic);
  put_u32(out, 1);
  put_u32(out, static_cast<std::uint32_t>(tlvs.size()));
  put_u32(out, static_cast<std::uint32_t>(request.signature_size));
  put_u32(out, static_cast<std::uint32_t>(img_len));
  out.insert(out.end(), tlvs.begin(), tlvs.end());

  auto signature = crypto.sign(Bytes(out));
  if (!signature) return core::unexpected{SignError{std::nullopt, signature.error(), 0}};
  if (signature->size() != request.signature_size) {
    return core::unexpected{SignError{std::nullopt, "signature is " + std::to_string(signature->size()) + " bytes, expected " +
                                                        std::to_string(request.signature_size), 0}};
  }
  out.insert(out.end(), signature->begin(), signature->end());
  pad8(out, signature->size());
  for (const auto& image : images) {
    out.insert(out.end(), image.bytes.begin(), image.bytes.end());
    pad8(out, image.bytes.size());
  }
  return out;
}

core::expected<std::vector<std::uint8_t>, SignError> build_signed_image(Bytes elf, const SignRequest& request, const HashFunction& hash,
                                                                        const SignFunction& sign) {
  return build_signed_image(std::vector<Bytes>{elf}, request, SignCrypto{hash, sign, {}, {}});
}

}  // namespace stm32mp::image
