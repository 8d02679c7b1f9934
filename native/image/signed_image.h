#pragma once
// Reader for the signed remoteproc image of OP-TEE's remoteproc TA (format of
// OP-TEE/optee_os scripts/sign_rproc_fw.py, checked as ta/remoteproc/src/remoteproc_core.c checks it):
//
//   header   5 × u32 LE: magic 0x3543A468, version 1, tlv_len, sign_len, img_len
//   TLVs     {u32 type, u32 length, value} records, each padded to 8; area padded to 8
//   signature of SHA-256(header ‖ padded TLV area), padded to 8
//   images   the ELF file(s) verbatim, each padded to 8 (IMGSIZE holds the padded sizes)
//
// ST's tree (optee-os-stm32mp 4.x, its sign_rproc_fw.py --enc_key) adds encrypted images: ENCTYPE 1
// (AES-CBC), IMGTYPE 2 (an ELF whose PT_LOAD contents are AES-CBC ciphertext, headers in clear) and
// ENCTABLE instead of HASHTABLE, 80-byte entries (program header, SHA-256 of the ciphertext, IV).
// Several images (NUM_IMG > 1) share one table: the TA looks each segment up by p_paddr.
//
// File size must be 20 + round8(tlv_len) + round8(sign_len) + round8(img_len). The older ST format
// (same magic, 56-byte header of 14 u32) is recognised and reported as signed_legacy.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "image/byte_view.h"
#include "image/format_error.h"
#include "image/segment.h"
#include "image/source.h"

namespace stm32mp::image {

inline constexpr std::uint32_t kSignedMagic = 0x3543A468;
inline constexpr std::uint64_t kSignedHeaderSize = 20;
inline constexpr std::uint64_t kLegacyHeaderSize = 56;

// TLV types (sign_rproc_fw.py TLV_TYPES; ST platform TLVs from the ST fork).
enum TlvType : std::uint32_t {
  kTlvSignType = 0x01,
  kTlvHashType = 0x02,
  kTlvNumImg = 0x03,
  kTlvImgType = 0x04,
  kTlvImgSize = 0x05,
  kTlvEncType = 0x06,
  kTlvHashTable = 0x10,
  kTlvPkeyInfo = 0x11,
  kTlvEncTable = 0x12,
  kTlvBootAddr = 0x00010001,
  kTlvBootSec = 0x00010002,
};
inline constexpr std::uint32_t kPlatformTlvMin = 0x00010000;
inline constexpr std::uint32_t kPlatformTlvMax = 0x0001FFFF;

enum class SignType : std::uint8_t { rsa_pkcs1_sha256 = 1, ecdsa_p256_sha256 = 2 };

struct Tlv {
  std::uint32_t type = 0;
  std::uint32_t length = 0;
  std::uint64_t offset = 0;  // file offset of the record (its type field)
  std::vector<std::uint8_t> value;
};

struct HashEntry {
  Segment phdr;
  std::array<std::uint8_t, 32> sha256{};  // of the segment as stored in the file (ciphertext when encrypted)
  std::optional<std::array<std::uint8_t, 16>> iv;  // ENCTABLE entries only
};

inline constexpr std::uint8_t kImgTypeElf = 1;
inline constexpr std::uint8_t kImgTypeEncElf = 2;
inline constexpr std::uint8_t kEncTypeAesCbc = 1;

struct EmbeddedImage {
  std::uint8_t type = 0;       // 1 = ELF, 2 = ELF with AES-CBC encrypted segments
  std::uint64_t offset = 0;    // file offset
  std::uint32_t size = 0;      // padded size from IMGSIZE
};

struct SignedImage {
  std::uint32_t version = 0;
  std::uint32_t tlv_len = 0;
  std::uint32_t sign_len = 0;
  std::uint32_t img_len = 0;
  std::vector<Tlv> tlvs;                 // every record, in file order
  SignType sign_type = SignType::rsa_pkcs1_sha256;
  std::vector<EmbeddedImage> images;
  std::vector<HashEntry> hash_table;
  std::optional<std::uint32_t> boot_addr;
  std::optional<std::uint32_t> boot_sec;
  std::optional<std::uint8_t> hash_type;  // HASHTYPE (ST's TA requires it; upstream's reads it too)
  std::optional<std::uint8_t> enc_type;   // ENCTYPE: the images' segments are encrypted
  std::uint64_t sign_offset = 0;
  std::uint64_t img_offset = 0;

  // Records whose type is neither a known generic type nor in the platform range.
  [[nodiscard]] std::vector<const Tlv*> unknown_tlvs() const;
  // The first record of `type`, or nullptr (the TA also takes the first).
  [[nodiscard]] const Tlv* find_tlv(std::uint32_t type) const;
  [[nodiscard]] bool encrypted() const { return enc_type.has_value(); }
};

// True when the file starts with the signed-image magic (either format).
[[nodiscard]] bool has_signed_magic(const Source& file);
[[nodiscard]] bool has_signed_magic(Bytes file);
// True when the header is the older 56-byte layout (hash_offset at +28 equals 56).
[[nodiscard]] bool is_legacy_signed(const Source& file);
[[nodiscard]] bool is_legacy_signed(Bytes file);
// True when the file follows ST's 3.19-beta layout (24-byte header, size rule of that layout) and not
// the current one.
[[nodiscard]] bool is_beta_signed(const Source& file);
[[nodiscard]] bool is_beta_signed(Bytes file);

// Reads the header and the TLV area through `file`, never the signature nor the images.
[[nodiscard]] core::expected<SignedImage, FormatError> read_signed_image(const Source& file);
[[nodiscard]] core::expected<SignedImage, FormatError> read_signed_image(Bytes file);

[[nodiscard]] std::string tlv_name(std::uint32_t type);
[[nodiscard]] std::string sign_type_name(SignType t);

}  // namespace stm32mp::image
