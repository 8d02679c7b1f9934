// The formats and rules of ST's OP-TEE (optee-os-stm32mp 4.x, ta/remoteproc/src/remoteproc_core.c and
// core/pta/stm32mp/remoteproc_pta.c), read from files made by ST's own sign_rproc_fw.py
// (tests/image/data/reference) and from our signer: encrypted images, several images per file,
// HASHTYPE, platform TLVs, PKEYINFO, key types, the vector-table section name, IMG010's severity.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/openssl/openssl_crypto.h"
#include "core/code_registry.h"
#include "image/image_test_support.h"
#include "image/signed_image.h"
#include "image/st_tee_rules.h"
#include "steps/image_step.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

namespace ossl = adapters::openssl;
using core::Code;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using stm32mp::testing::cli;
using stm32mp::testing::firmware;
using stm32mp::testing::read_bytes;
using stm32mp::testing::write_bytes;

const std::string kData = PRELAUNCH_IMAGE_TEST_DATA;
const std::string kRef = kData + "/reference/";
const std::string kKey = kData + "/kat_rsa2048.pem";
const std::string kPub = kData + "/kat_rsa2048.pub.pem";

std::string fact(const core::StepReport& r, const char* key) { return r.observed.get(key).value_or(""); }

std::vector<Code> codes(const core::StepReport& r) {
  std::vector<Code> out;
  for (const auto& d : r.diagnostics) out.push_back(d.code);
  return out;
}

struct Run {
  core::StepReport report;
  std::optional<image::ImageFacts> facts;
};
Run run(const ImageInputs& in) {
  Run r;
  r.report = check_image(in, r.facts);
  return r;
}
Run signed_image(const std::string& path, const std::string& key = "") { return run({"", path, key, "m33"}); }

TEST(SignedFormats, StsEncryptedImageIsReadHashedAndVerified) {
  const auto r = signed_image(kRef + "st_enc_sign.bin", kPub);
  EXPECT_TRUE(r.report.diagnostics.empty()) << ::testing::PrintToString(codes(r.report));
  EXPECT_THAT(fact(r.report, "signed.images"), HasSubstr("AES-CBC encrypted"));
  EXPECT_THAT(fact(r.report, "signed.encryption"), HasSubstr("oem_rproc_enc_key"));
  EXPECT_EQ(fact(r.report, "signed.segment_hashes"), "all match the embedded ELFs' encrypted segments");
  EXPECT_THAT(fact(r.report, "signed.signature"), HasSubstr("verified"));
  ASSERT_TRUE(r.facts);
  EXPECT_EQ(r.facts->kind, image::ImageKind::signed_image);
  EXPECT_TRUE(r.facts->has_resource_table);
  // Before: IMG013 "type 2, expected 1". Now the encrypted table's IVs are read too.
  const auto s = image::read_signed_image(read_bytes(kRef + "st_enc_sign.bin"));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->encrypted());
  EXPECT_EQ(s->images.at(0).type, image::kImgTypeEncElf);
  EXPECT_TRUE(s->hash_table.at(0).iv.has_value());
}

TEST(SignedFormats, EncryptedSegmentThatChangedBreaksItsHash) {
  stm32mp::testing::TempDir dir;
  auto b = read_bytes(kRef + "st_enc_sign.bin");
  const auto s = image::read_signed_image(b);
  ASSERT_TRUE(s);
  b[s->images[0].offset + s->hash_table[0].phdr.offset + 5] ^= 0x01;
  write_bytes(dir.file("x.bin"), b);
  EXPECT_THAT(codes(signed_image(dir.file("x.bin")).report), Contains(Code::SegmentHashMismatch));
}

TEST(SignedFormats, SeveralImagesAreEachCheckedAgainstTheOneTable) {
  // Before: every entry was compared with image 0 (false IMG016 for the second image's segments).
  for (const auto* name : {"st_multi_sign.bin", "up_multi_sign.bin", "st_enc_multi_sign.bin"}) {
    const auto r = signed_image(kRef + name, kPub);
    EXPECT_THAT(codes(r.report), Not(Contains(Code::SegmentHashMismatch))) << name;
    EXPECT_THAT(codes(r.report), Not(Contains(Code::SignatureInvalid))) << name;
    EXPECT_EQ(fact(r.report, "signed.images").substr(0, 1), "2") << name;
    EXPECT_FALSE(fact(r.report, "signed.image1.entry").empty()) << name;
    ASSERT_TRUE(r.facts);
    // The segments of both images reach the target step's carve-out check.
    EXPECT_EQ(r.facts->segments.size(), 5U) << name;
  }
  // A byte of the second image's code changed: the mismatch names that image.
  stm32mp::testing::TempDir dir;
  auto b = read_bytes(kRef + "st_multi_sign.bin");
  const auto s = image::read_signed_image(b);
  ASSERT_TRUE(s);
  b[s->images[1].offset + 0x1000 + 8] ^= 0xFF;
  write_bytes(dir.file("x.bin"), b);
  const auto r = signed_image(dir.file("x.bin"));
  ASSERT_THAT(codes(r.report), Contains(Code::SegmentHashMismatch));
  EXPECT_EQ(r.report.diagnostics.at(0).observed.get("segment"), "0 of image 1");
}

TEST(SignedFormats, TwoResourceTablesAreRefusedAsStsTaDoes) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("two_tables.bin");
  const auto s = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--in", kRef + "enc16_m33_ns_stripped.elf", "--out", out, "--key", kKey});
  ASSERT_EQ(s.exit_code, 0) << s.out;
  const auto r = signed_image(out);
  ASSERT_THAT(codes(r.report), Contains(Code::SeveralResourceTables));
  EXPECT_EQ(r.report.status, core::StepStatus::error);
}

TEST(SignedFormats, MissingHashTypeIsRefused) {
  stm32mp::testing::TempDir dir;
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  auto tlvs = stm32mp::testing::standard_tlvs(elf, 1);
  std::erase_if(tlvs, [](const auto& t) { return t.type == image::kTlvHashType; });
  write_bytes(dir.file("nohash.bin"), stm32mp::testing::assemble_signed(tlvs, std::vector<std::uint8_t>(256, 0), elf));
  const auto r = signed_image(dir.file("nohash.bin"));
  EXPECT_THAT(codes(r.report), Contains(Code::HashTypeMissing));
  EXPECT_THAT(r.report.diagnostics.at(0).why, HasSubstr("ffff000b"));
}

TEST(SignedFormats, PlatformTlvsAsStsPtaJudgesThem) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("plat.bin");
  auto s = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", kKey, "--plat-tlv", "0x10005", "hello", "--plat-tlv",
                "BOOTSEC", "0x0"});
  ASSERT_EQ(s.exit_code, 0) << s.out;
  const auto r = signed_image(out);
  EXPECT_THAT(codes(r.report), Contains(Code::PlatformTlvRefused));
  EXPECT_THAT(codes(r.report), Contains(Code::BootSecZeroStillSecure));
  EXPECT_EQ(r.report.status, core::StepStatus::error);
  EXPECT_THAT(fact(r.report, "signed.secure_boot"), HasSubstr("whatever its value"));
  // BOOTADDR and a non-zero BOOTSEC are what the PTA knows: no diagnostic for them.
  s = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", kKey, "--plat-tlv", "BOOTADDR", "0x80100000", "--plat-tlv",
           "BOOTSEC", "0x1"});
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_TRUE(signed_image(out).report.diagnostics.empty()) << ::testing::PrintToString(codes(signed_image(out).report));
}

// The OTP hash ST's PTA compares (oem_rproc_pkh): SHA-256(modulus ‖ 3-byte exponent), computed here
// from `openssl rsa -modulus`, independently of the DER walk under test.
TEST(SignedFormats, PkeyInfoIsDecodedWithTheHashTheOtpHolds) {
  const auto mod = stm32mp::testing::openssl({"rsa", "-pubin", "-in", kPub, "-noout", "-modulus"});
  ASSERT_EQ(mod.exit_code, 0);
  std::string hex = mod.out.substr(mod.out.find('=') + 1);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  std::vector<std::uint8_t> input;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) input.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  ASSERT_EQ(input.size(), 256U);
  input.insert(input.end(), {0x01, 0x00, 0x01});
  const auto r = signed_image(kRef + "st_keyinfo_sign.bin", kPub);
  EXPECT_EQ(fact(r.report, "signed.pkey_info"), "RSA-2048 public key (DER, 294 bytes)");
  EXPECT_EQ(fact(r.report, "signed.pkey_info_otp_hash"), ossl::to_hex(ossl::sha256(input)));
  EXPECT_THAT(codes(r.report), Not(Contains(Code::PkeyInfoOtherKey)));
  EXPECT_THAT(codes(r.report), Contains(Code::BootSecZeroStillSecure)) << "made with --plat-tlv BOOTSEC 0x0";
}

TEST(SignedFormats, PkeyInfoOfAnotherKeyOrUnreadable) {
  stm32mp::testing::TempDir dir;
  const auto der = dir.file("other.der");
  ASSERT_EQ(stm32mp::testing::openssl({"pkey", "-pubin", "-in", stm32mp::testing::firmware_key("test_rsa2048.pub.pem"), "-outform", "DER", "-out", der})
                .exit_code,
            0);
  const auto out = dir.file("o.bin");
  ASSERT_EQ(cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", kKey, "--key-info", der}).exit_code, 0);
  EXPECT_THAT(codes(signed_image(out, kPub).report), Contains(Code::PkeyInfoOtherKey));
  write_bytes(dir.file("junk.der"), {1, 2, 3, 4});
  ASSERT_EQ(cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", kKey, "--key-info", dir.file("junk.der")}).exit_code, 0);
  const auto r = signed_image(out);
  ASSERT_THAT(codes(r.report), Contains(Code::PkeyInfoUnusable));
  EXPECT_THAT(fact(r.report, "signed.pkey_info"), HasSubstr("4 bytes"));
}

TEST(SignedFormats, KeysAStockStOpteeDoesNotLoadAreWarned) {
  const auto ecc = signed_image(firmware("m33_ns_sign_ecc.bin"));
  ASSERT_THAT(codes(ecc.report), Contains(Code::SignKeyNotStock));
  EXPECT_EQ(ecc.report.status, core::StepStatus::warning);
  stm32mp::testing::TempDir dir;
  ASSERT_EQ(stm32mp::testing::openssl({"genrsa", "-out", dir.file("k3072.pem"), "3072"}).exit_code, 0);
  ASSERT_EQ(cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", dir.file("o.bin"), "--key", dir.file("k3072.pem")}).exit_code, 0);
  const auto rsa3072 = signed_image(dir.file("o.bin"));
  ASSERT_THAT(codes(rsa3072.report), Contains(Code::SignKeyNotStock));
  EXPECT_THAT(rsa3072.report.diagnostics.at(0).message, HasSubstr("RSA-3072"));
  EXPECT_THAT(codes(signed_image(firmware("m33_ns_sign.bin")).report), Not(Contains(Code::SignKeyNotStock)));
}

TEST(SignedFormats, WithoutAKeyTheReportSaysTheSignatureWasNotChecked) {
  stm32mp::testing::TempDir dir;
  auto b = read_bytes(firmware("m33_ns_sign.bin"));
  const auto s = image::read_signed_image(b);
  ASSERT_TRUE(s);
  b[s->sign_offset + 3] ^= 0x01;  // a flipped signature byte
  write_bytes(dir.file("x.bin"), b);
  const auto r = cli({"inspect", dir.file("x.bin")});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("signed.signature: not checked"));
  const auto with_key = cli({"inspect", dir.file("x.bin"), "--image-key", stm32mp::testing::firmware_key("test_rsa2048.pub.pem")});
  EXPECT_EQ(with_key.exit_code, 1);
  EXPECT_THAT(with_key.out, HasSubstr("IMG017"));
}

// ST's stm32_rproc_get_vect_table looks for ".isr_vectors"; ST's STM32MP2 linker scripts
// (STM32CubeMP2 stm32mp2xx_DDR_m33_ns.ld: "Do not update the .isr_vectors section name") use it.
TEST(SignedFormats, VectorTableUnderEitherNameAndAWarningForTheOldOneOnTheM33) {
  const auto m33 = run({firmware("m33_ns.elf"), "", "", "m33"});
  EXPECT_TRUE(m33.report.diagnostics.empty()) << ::testing::PrintToString(codes(m33.report));
  EXPECT_EQ(fact(m33.report, "elf.vector_table"), "0x80100000");
  const auto old_name = run({kData + "/kat_m33_ns_stripped.elf", "", "", "m33"});
  EXPECT_THAT(codes(old_name.report), Contains(Code::VectorTableSectionName));
  EXPECT_EQ(fact(old_name.report, "elf.vector_table"), "0x80100000");
  EXPECT_THAT(codes(run({firmware("m4.elf"), "", "", "m4"}).report), Not(Contains(Code::VectorTableSectionName)));
}

// Issue 10: "a segment the board will refuse … fails the image step (exit 1), it is not a warning";
// the board's own reserved-memory stays the authority when it will be read (the target step).
TEST(SignedFormats, SegmentOutsideTheMapIsAnErrorUnlessTheBoardWillBeAsked) {
  const auto offline = run({firmware("m33_outside.elf"), "", "", "m33"});
  ASSERT_THAT(codes(offline.report), Contains(Code::SegmentOutsideMemory));
  EXPECT_EQ(offline.report.status, core::StepStatus::error);
  const auto board = run({firmware("m33_outside.elf"), "", "", "m33", true});
  ASSERT_THAT(codes(board.report), Contains(Code::SegmentOutsideMemory));
  EXPECT_EQ(board.report.status, core::StepStatus::warning);
  EXPECT_EQ(cli({"inspect", firmware("m33_outside.elf")}).exit_code, 1);
}

// ST's 3.19.0-stm32mp25-beta TA (remoteproc_fw_hdr): magic, version, sign_len, img_len, tlv_len, plat_tlv_len; the
// signature at 24, then the images, then the TLVs (an MCUboot-style area opening with 0x6907).
TEST(SignedFormats, StsBetaLayoutIsNamedAsSuch) {
  auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  elf.resize((elf.size() + 7) / 8 * 8, 0);
  std::vector<std::uint8_t> f;
  for (std::uint32_t v : {0x3543A468U, 1U, 256U, static_cast<std::uint32_t>(elf.size()), 8U, 0U}) {
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  f.insert(f.end(), 256, 0xA5);
  f.insert(f.end(), elf.begin(), elf.end());
  f.insert(f.end(), {0x07, 0x69, 0x08, 0x00, 0, 0, 0, 0});
  stm32mp::testing::TempDir dir;
  write_bytes(dir.file("beta.bin"), f);
  const auto r = signed_image(dir.file("beta.bin"));
  ASSERT_THAT(codes(r.report), ::testing::ElementsAre(Code::SignedBetaFormat));
  ASSERT_TRUE(r.facts);
  EXPECT_EQ(r.facts->kind, image::ImageKind::signed_legacy);
  // The current layout is never taken for the beta one.
  EXPECT_FALSE(image::is_beta_signed(read_bytes(firmware("m33_ns_sign.bin"))));
  EXPECT_FALSE(image::is_beta_signed(read_bytes(kRef + "st_multi_sign.bin")));
}

}  // namespace
}  // namespace stm32mp::steps
