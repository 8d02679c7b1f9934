#include "image/signed_image.h"

#include <algorithm>

namespace stm32mp::image {
namespace {

constexpr std::uint64_t kHashEntrySize = 64;  // Elf32_Phdr (32) + SHA-256 (32)
constexpr std::uint64_t kEncEntrySize = 80;   // Elf32_Phdr (32) + SHA-256 (32) + AES IV (16)
// The TLV area is read into memory: one larger than this is refused rather than allocated (a hostile header could
// otherwise make us hold most of a 64 MiB file). The largest a loadable image needs is a table of 65535 program
// headers (e_phnum is 16-bit) × 80 bytes, 5.2 MiB, and a few small records.
constexpr std::uint64_t kMaxTlvArea = 6U << 20;

FormatError header_error(std::string field, std::uint64_t offset, std::string found, std::string expected) {
  return FormatError{FormatProblem::signed_header, std::move(field), offset, std::move(found), std::move(expected)};
}

FormatError tlv_error(const Tlv& t, std::string found, std::string expected) {
  return FormatError{FormatProblem::signed_tlv, "TLV " + tlv_name(t.type), t.offset, std::move(found), std::move(expected)};
}

bool is_known_generic(std::uint32_t type) {
  switch (type) {
    case kTlvSignType:
    case kTlvHashType:
    case kTlvNumImg:
    case kTlvImgType:
    case kTlvImgSize:
    case kTlvEncType:
    case kTlvHashTable:
    case kTlvPkeyInfo:
    case kTlvEncTable: return true;
    default: return false;
  }
}

const Tlv* find(const std::vector<Tlv>& tlvs, std::uint32_t type) {
  const auto it = std::find_if(tlvs.begin(), tlvs.end(), [&](const Tlv& t) { return t.type == type; });
  return it == tlvs.end() ? nullptr : &*it;
}

std::uint32_t le32(const std::vector<std::uint8_t>& v, std::size_t at) {
  return static_cast<std::uint32_t>(v[at]) | (static_cast<std::uint32_t>(v[at + 1]) << 8) |
         (static_cast<std::uint32_t>(v[at + 2]) << 16) | (static_cast<std::uint32_t>(v[at + 3]) << 24);
}

FormatError truncated_tlv_area(std::uint64_t offset, std::uint64_t size) {
  return FormatError{FormatProblem::truncated, "TLV area", offset, "file ends at " + hex32(size), "the TLV area (header.tlv_len)"};
}

// The first `n` bytes (or all the source holds): the header fields every check below reads.
std::vector<std::uint8_t> head_of(const Source& file, std::uint64_t n) {
  return file.read(0, std::min(n, file.size())).value_or(std::vector<std::uint8_t>{});
}

// Walks the TLV area the way remoteproc_get_tlv does (8-byte record header, value padded to 8).
std::optional<FormatError> read_tlvs(const Source& file, SignedImage& img) {
  const std::uint64_t end = kSignedHeaderSize + img.tlv_len;
  std::uint64_t p = kSignedHeaderSize;
  while (p < end) {
    if (end - p < 8) {
      return FormatError{FormatProblem::signed_tlv, "TLV record header", p, hex32(end - p) + " bytes left in the TLV area",
                         "8 bytes (u32 type, u32 length)"};
    }
    Tlv t;
    t.offset = p;
    const auto record = file.read(p, 8);
    if (!record) return truncated_tlv_area(p, file.size());  // the file changed under us: failure() says so
    t.type = *read_u32(Bytes(*record), 0);
    t.length = *read_u32(Bytes(*record), 4);
    if (t.length > end - p - 8) {
      return FormatError{FormatProblem::signed_tlv, "TLV " + tlv_name(t.type) + " length", p + 4, hex32(t.length),
                         "at most " + hex32(end - p - 8) + " (end of the TLV area)"};
    }
    auto value = file.read(p + 8, t.length);
    if (!value) return truncated_tlv_area(p + 8, file.size());
    t.value = std::move(*value);
    img.tlvs.push_back(std::move(t));
    p += 8 + round8(img.tlvs.back().length);
  }
  return std::nullopt;
}

std::optional<FormatError> need_one_byte(const Tlv* t, std::uint32_t type, const char* expected) {
  if (t == nullptr) {
    return FormatError{FormatProblem::signed_tlv, "TLV " + tlv_name(type), kSignedHeaderSize, "absent", expected};
  }
  if (t->length != 1) return tlv_error(*t, "length " + std::to_string(t->length), "length 1");
  return std::nullopt;
}

std::optional<FormatError> decode_tlvs(SignedImage& img) {
  const auto* sign = find(img.tlvs, kTlvSignType);
  if (auto e = need_one_byte(sign, kTlvSignType, "1 (RSA) or 2 (ECDSA)")) return e;
  if (sign->value[0] != 1 && sign->value[0] != 2) {
    return tlv_error(*sign, std::to_string(sign->value[0]), "1 (RSA PKCS#1 v1.5 SHA-256) or 2 (ECDSA P-256 SHA-256)");
  }
  img.sign_type = static_cast<SignType>(sign->value[0]);

  // A missing HASHTYPE is judged by the caller (ST's TA refuses it, TEE_ERROR_NO_DATA), so that the
  // rest of the image can still be read and reported.
  if (const auto* hash = find(img.tlvs, kTlvHashType)) {
    if (auto e = need_one_byte(hash, kTlvHashType, "1 (SHA-256)")) return e;
    if (hash->value[0] != 1) return tlv_error(*hash, std::to_string(hash->value[0]), "1 (SHA-256)");
    img.hash_type = hash->value[0];
  }
  if (const auto* enc = find(img.tlvs, kTlvEncType)) {
    if (auto e = need_one_byte(enc, kTlvEncType, "1 (AES-CBC)")) return e;
    if (enc->value[0] != kEncTypeAesCbc) {
      return tlv_error(*enc, std::to_string(enc->value[0]), "1 (AES-CBC, the only encryption ST's TA knows: TEE_ERROR_NOT_SUPPORTED)");
    }
    img.enc_type = enc->value[0];
  }

  const auto* num = find(img.tlvs, kTlvNumImg);
  if (auto e = need_one_byte(num, kTlvNumImg, "number of images (1)")) return e;
  const std::uint8_t n = num->value[0];
  if (n == 0) return tlv_error(*num, "0", "at least 1");

  const auto* types = find(img.tlvs, kTlvImgType);
  if (types == nullptr) return need_one_byte(types, kTlvImgType, "one type byte per image");
  if (types->length != n) return tlv_error(*types, "length " + std::to_string(types->length), "length " + std::to_string(n) + " (NUM_IMG)");
  const auto* sizes = find(img.tlvs, kTlvImgSize);
  if (sizes == nullptr) return need_one_byte(sizes, kTlvImgSize, "one u32 size per image");
  if (sizes->length != 4U * n) return tlv_error(*sizes, "length " + std::to_string(sizes->length), "length " + std::to_string(4U * n) + " (4 × NUM_IMG)");

  std::uint64_t at = img.img_offset;
  const std::uint64_t img_end = img.img_offset + img.img_len;
  for (std::size_t i = 0; i < n; ++i) {
    EmbeddedImage e{types->value[i], at, le32(sizes->value, 4 * i)};
    // ST's TA: an ELF with ENCTYPE, or an encrypted ELF without it, is TEE_ERROR_BAD_FORMAT.
    const std::uint8_t wanted = img.encrypted() ? kImgTypeEncElf : kImgTypeElf;
    if (e.type != wanted) {
      return tlv_error(*types, "image " + std::to_string(i) + " type " + std::to_string(e.type),
                       img.encrypted() ? "2 (encrypted ELF: the file has ENCTYPE)" : "1 (ELF; type 2, an encrypted ELF, needs ENCTYPE and ENCTABLE)");
    }
    if (e.size > img_end - at) {
      return tlv_error(*sizes, "image " + std::to_string(i) + " size " + hex32(e.size),
                       "at most " + hex32(img_end - at) + " (rest of the image area, header.img_len " + hex32(img.img_len) + ")");
    }
    at += e.size;
    img.images.push_back(e);
  }

  const auto table_type = img.encrypted() ? kTlvEncTable : kTlvHashTable;
  const auto entry_size = img.encrypted() ? kEncEntrySize : kHashEntrySize;
  const auto* table = find(img.tlvs, table_type);
  if (table == nullptr) {
    return need_one_byte(table, table_type, img.encrypted() ? "one 80-byte entry (phdr, SHA-256, IV) per ELF program header"
                                                            : "one 64-byte entry per ELF program header");
  }
  if (table->length == 0 || table->length % entry_size != 0) {
    return tlv_error(*table, "length " + std::to_string(table->length), "a non-zero multiple of " + std::to_string(entry_size));
  }
  for (std::size_t off = 0; off < table->length; off += entry_size) {
    HashEntry h;
    const auto& v = table->value;
    h.phdr = {le32(v, off), le32(v, off + 4), le32(v, off + 8), le32(v, off + 12),
              le32(v, off + 16), le32(v, off + 20), le32(v, off + 24), le32(v, off + 28)};
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(off + 32), 32, h.sha256.begin());
    if (img.encrypted()) {
      h.iv.emplace();
      std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(off + 64), 16, h.iv->begin());
    }
    img.hash_table.push_back(h);
  }

  for (const auto type : {kTlvBootAddr, kTlvBootSec}) {
    if (const auto* t = find(img.tlvs, type)) {
      if (t->length != 4) return tlv_error(*t, "length " + std::to_string(t->length), "length 4 (u32 little-endian)");
      (type == kTlvBootAddr ? img.boot_addr : img.boot_sec) = le32(t->value, 0);
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<const Tlv*> SignedImage::unknown_tlvs() const {
  std::vector<const Tlv*> out;
  for (const auto& t : tlvs) {
    const bool platform = t.type >= kPlatformTlvMin && t.type <= kPlatformTlvMax;
    if (!platform && !is_known_generic(t.type)) out.push_back(&t);
  }
  return out;
}

const Tlv* SignedImage::find_tlv(std::uint32_t type) const { return find(tlvs, type); }

bool has_signed_magic(const Source& file) { return read_u32(file, 0) == kSignedMagic; }
bool has_signed_magic(Bytes file) { return has_signed_magic(MemorySource(file)); }

bool is_legacy_signed(const Source& file) {
  // Old header: magic, version, length, sign_len, sign_offset, sign_type, hash_len, hash_offset(+28)…
  // hash_offset is the header size 56. In the current format +28 is the SIGNTYPE value (1 or 2).
  return has_signed_magic(file) && read_u32(file, 28) == kLegacyHeaderSize;
}
bool is_legacy_signed(Bytes file) { return is_legacy_signed(MemorySource(file)); }

bool is_beta_signed(const Source& source) {
  // ST 3.19.0-stm32mp25-beta (ta/remoteproc remoteproc_fw_hdr): magic, version, sign_len, img_len, tlv_len,
  // plat_tlv_len; signature at 24, then the images, the TLVs and the platform TLVs, each padded to 8.
  const auto head = head_of(source, 24);
  const Bytes file(head);
  const auto size = source.size();
  if (!has_signed_magic(file) || !fits(file, 0, 24) || read_u32(file, 4) != 1U) return false;
  const std::uint64_t sign = *read_u32(file, 8);
  if (sign != 64 && sign != 256 && sign != 384 && sign != 512) return false;
  const std::uint64_t body = 24 + round8(sign) + round8(*read_u32(file, 12)) + round8(*read_u32(file, 16));
  const std::uint64_t plat = *read_u32(file, 20);
  const bool size_fits = size == body + plat || size == body + round8(plat);
  const std::uint64_t current = kSignedHeaderSize + round8(*read_u32(file, 8)) + round8(*read_u32(file, 12)) + round8(*read_u32(file, 16));
  return size_fits && current != size;
}
bool is_beta_signed(Bytes file) { return is_beta_signed(MemorySource(file)); }

core::expected<SignedImage, FormatError> read_signed_image(Bytes file) { return read_signed_image(MemorySource(file)); }

core::expected<SignedImage, FormatError> read_signed_image(const Source& source) {
  const auto head = head_of(source, kSignedHeaderSize);
  const Bytes file(head);
  if (!fits(file, 0, 4)) {
    return core::unexpected{FormatError{FormatProblem::truncated, "header.magic", 0, "file ends at " + hex32(source.size()), "4 bytes"}};
  }
  if (!has_signed_magic(file)) {
    return core::unexpected{header_error("header.magic", 0, hex32(*read_u32(file, 0)), hex32(kSignedMagic) + " (bytes 68 a4 43 35)")};
  }
  if (is_legacy_signed(source)) {
    return core::unexpected{FormatError{FormatProblem::signed_legacy, "header.hash_offset", 28, "56 (56-byte header of the 2020 ST format)",
                                        "the 20-byte TLV header of the current OP-TEE format"}};
  }
  if (!fits(file, 0, kSignedHeaderSize)) {
    return core::unexpected{FormatError{FormatProblem::truncated, "header", 0, "file ends at " + hex32(source.size()), "20 bytes (5 × u32)"}};
  }
  if (is_beta_signed(source)) {
    return core::unexpected{FormatError{FormatProblem::signed_beta, "header", 0,
                                        "24-byte header, sign_len " + std::to_string(*read_u32(file, 8)) + " at offset 8, the size rule of that layout holds",
                                        "the 20-byte TLV header of the current OP-TEE format"}};
  }
  SignedImage img;
  img.version = *read_u32(file, 4);
  img.tlv_len = *read_u32(file, 8);
  img.sign_len = *read_u32(file, 12);
  img.img_len = *read_u32(file, 16);
  if (img.version != 1) return core::unexpected{header_error("header.version", 4, std::to_string(img.version), "1")};
  if (img.tlv_len == 0) return core::unexpected{header_error("header.tlv_len", 8, "0", "the TLV area size (non-zero)")};
  if (img.sign_len == 0) return core::unexpected{header_error("header.sign_len", 12, "0", "the signature size (256 for RSA-2048, 64 for ECDSA P-256)")};
  // All in 64 bits: three u32 rounded up cannot overflow.
  const std::uint64_t expected = kSignedHeaderSize + round8(img.tlv_len) + round8(img.sign_len) + round8(img.img_len);
  if (expected != source.size()) {
    return core::unexpected{header_error("file size (header.tlv_len/sign_len/img_len at 8..19)", 8, std::to_string(source.size()) + " bytes",
                                         std::to_string(expected) + " = 20 + round8(tlv_len " + std::to_string(img.tlv_len) +
                                             ") + round8(sign_len " + std::to_string(img.sign_len) + ") + round8(img_len " +
                                             std::to_string(img.img_len) + ")")};
  }
  if (img.tlv_len > kMaxTlvArea) {
    return core::unexpected{header_error("header.tlv_len", 8, std::to_string(img.tlv_len),
                                         "at most " + std::to_string(kMaxTlvArea) + " (a table for 65535 program headers takes 5.2 MiB)")};
  }
  img.sign_offset = kSignedHeaderSize + round8(img.tlv_len);
  img.img_offset = img.sign_offset + round8(img.sign_len);
  if (auto e = read_tlvs(source, img)) return core::unexpected{*e};
  if (auto e = decode_tlvs(img)) return core::unexpected{*e};
  return img;
}

std::string tlv_name(std::uint32_t type) {
  switch (type) {
    case kTlvSignType: return "SIGNTYPE";
    case kTlvHashType: return "HASHTYPE";
    case kTlvNumImg: return "NUM_IMG";
    case kTlvImgType: return "IMGTYPE";
    case kTlvImgSize: return "IMGSIZE";
    case kTlvEncType: return "ENCTYPE";
    case kTlvHashTable: return "HASHTABLE";
    case kTlvPkeyInfo: return "PKEYINFO";
    case kTlvEncTable: return "ENCTABLE";
    case kTlvBootAddr: return "BOOTADDR";
    case kTlvBootSec: return "BOOTSEC";
    default: return hex32(type);
  }
}

std::string sign_type_name(SignType t) {
  return t == SignType::rsa_pkcs1_sha256 ? "RSA PKCS#1 v1.5 SHA-256" : "ECDSA P-256 SHA-256";
}

}  // namespace stm32mp::image
