// The signed-image reader against images made by `stm32mp-prelaunch sign` (built by tests/firmware)
// and by an independent assembler (image_test_support), plus mutations of every header field.
#include <gtest/gtest.h>

#include "adapters/openssl/openssl_crypto.h"
#include "image/elf_reader.h"
#include "image/image_test_support.h"
#include "image/signed_image.h"

namespace stm32mp::image {
namespace {

using testing::firmware;
using testing::put_u32;
using testing::read_bytes;

TEST(SignedImageReader, DecodesTheSignedTestFirmware) {
  const auto bytes = read_bytes(firmware("m33_ns_sign.bin"));
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  // File starts 68 a4 43 35 (facts D3).
  ASSERT_GE(bytes.size(), 4U);
  EXPECT_EQ(bytes[0], 0x68);
  EXPECT_EQ(bytes[3], 0x35);
  const auto img = read_signed_image(bytes);
  ASSERT_TRUE(img.has_value()) << img.error().field << ": " << img.error().found;
  EXPECT_EQ(img->version, 1U);
  EXPECT_EQ(img->sign_len, 256U);
  EXPECT_EQ(img->sign_type, SignType::rsa_pkcs1_sha256);
  EXPECT_EQ(img->img_len, (elf.size() + 7) / 8 * 8);
  ASSERT_EQ(img->images.size(), 1U);
  EXPECT_TRUE(std::equal(elf.begin(), elf.end(), bytes.begin() + static_cast<std::ptrdiff_t>(img->images[0].offset)));
  EXPECT_EQ(img->boot_addr, 0x80100000U);
  const auto info = read_elf(elf);
  ASSERT_TRUE(info);
  ASSERT_EQ(img->hash_table.size(), info->segments.size());
  for (std::size_t i = 0; i < info->segments.size(); ++i) {
    EXPECT_EQ(img->hash_table[i].phdr, info->segments[i]);
    const auto& s = info->segments[i];
    EXPECT_EQ(img->hash_table[i].sha256, adapters::openssl::sha256(std::span(elf).subspan(s.offset, s.filesz)));
  }
  EXPECT_TRUE(img->unknown_tlvs().empty());
}

TEST(SignedImageReader, ReadsAnIndependentlyAssembledImage) {
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  auto tlvs = testing::standard_tlvs(elf, 2);
  tlvs.push_back({0x00010001, {0x00, 0x00, 0x10, 0x80}});
  const auto bytes = testing::assemble_signed(tlvs, std::vector<std::uint8_t>(64, 0xAB), elf);
  const auto img = read_signed_image(bytes);
  ASSERT_TRUE(img) << img.error().field;
  EXPECT_EQ(img->sign_type, SignType::ecdsa_p256_sha256);
  EXPECT_EQ(img->boot_addr, 0x80100000U);
  EXPECT_EQ(img->tlvs.size(), 7U);
}

TEST(SignedImageReader, UnknownGenericTlvIsListed) {
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  auto tlvs = testing::standard_tlvs(elf, 1);
  tlvs.push_back({0x42, {1, 2, 3}});
  const auto img = read_signed_image(testing::assemble_signed(tlvs, std::vector<std::uint8_t>(256, 1), elf));
  ASSERT_TRUE(img);
  ASSERT_EQ(img->unknown_tlvs().size(), 1U);
  EXPECT_EQ(img->unknown_tlvs()[0]->type, 0x42U);
}

struct HeaderCase {
  const char* name;
  std::size_t offset;
  std::uint32_t value;
  FormatProblem problem;
  const char* field;
};

// gtest prints the case by name rather than as raw bytes.
void PrintTo(const HeaderCase& c, std::ostream* os) { *os << c.name; }

class SignedHeaderMutation : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(SignedHeaderMutation, IsReportedWithFieldAndOffset) {
  auto bytes = read_bytes(firmware("m33_ns_sign.bin"));
  put_u32(bytes, GetParam().offset, GetParam().value);
  const auto img = read_signed_image(bytes);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().problem, GetParam().problem);
  EXPECT_EQ(img.error().field.rfind(GetParam().field, 0), 0U) << img.error().field;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, SignedHeaderMutation,
    ::testing::Values(HeaderCase{"magic", 0, 0x3543A469, FormatProblem::signed_header, "header.magic"},
                      HeaderCase{"version", 4, 2, FormatProblem::signed_header, "header.version"},
                      HeaderCase{"tlv_len_zero", 8, 0, FormatProblem::signed_header, "header.tlv_len"},
                      HeaderCase{"sign_len_zero", 12, 0, FormatProblem::signed_header, "header.sign_len"},
                      HeaderCase{"img_len", 16, 8, FormatProblem::signed_header, "file size"},
                      HeaderCase{"tlv_len_huge", 8, 0xFFFFFFF8U, FormatProblem::signed_header, "file size"},
                      HeaderCase{"signtype_value", 28, 3, FormatProblem::signed_tlv, "TLV SIGNTYPE"},
                      HeaderCase{"first_tlv_length", 24, 0x7FFFFFFF, FormatProblem::signed_tlv, "TLV SIGNTYPE length"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SignedImageReader, SizeRuleCatchesTruncatedAndPaddedCopies) {
  auto bytes = read_bytes(firmware("m33_ns_sign.bin"));
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(read_signed_image(longer).error().problem, FormatProblem::signed_header);
  for (std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{19}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    const auto img = read_signed_image(std::span(bytes).first(n));
    ASSERT_FALSE(img) << n;
    EXPECT_TRUE(img.error().problem == FormatProblem::truncated || img.error().problem == FormatProblem::signed_header) << n;
  }
}

TEST(SignedImageReader, LegacyFiftySixByteHeaderIsNamed) {
  // The 2020 ST layout: magic, version, length, sign_len, sign_offset, sign_type, hash_len,
  // hash_offset (= 56), hash_type, key_len, key_offset, img_len, img_offset, img_type.
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  std::vector<std::uint8_t> bytes(56 + 3 * 64 + 256, 0);
  const std::uint32_t fields[14] = {0x3543A468, 1, 56 + 3 * 64 + 256, 256, 56 + 3 * 64, 1, 3 * 64, 56, 1, 0, 0,
                                    static_cast<std::uint32_t>(elf.size()), 56 + 3 * 64 + 256, 1};
  for (int i = 0; i < 14; ++i) put_u32(bytes, 4 * i, fields[i]);
  bytes.insert(bytes.end(), elf.begin(), elf.end());
  EXPECT_TRUE(is_legacy_signed(bytes));
  const auto img = read_signed_image(bytes);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().problem, FormatProblem::signed_legacy);
  EXPECT_EQ(img.error().offset, 28U);
  EXPECT_FALSE(is_legacy_signed(read_bytes(firmware("m33_ns_sign.bin"))));
}

}  // namespace
}  // namespace stm32mp::image
