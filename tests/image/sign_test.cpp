// `stm32mp-prelaunch sign` as a user runs it: real keys from the openssl command line, the signature
// checked independently with `openssl dgst -verify` over the exact signed bytes, a known answer.
#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/openssl/openssl_crypto.h"
#include "core/code_registry.h"
#include "image/image_test_support.h"
#include "image/signed_image.h"
#include "support/temp_dir.h"

namespace stm32mp::image {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::cli;
using testing::firmware;
using testing::openssl;
using testing::read_bytes;
using testing::write_bytes;

const std::string kData = PRELAUNCH_IMAGE_TEST_DATA;

// RSA PKCS#1 v1.5 is deterministic: this fixed key and fixed ELF always give this file (in upstream
// OP-TEE's TLV order; ST's order is checked against ST's script in sign_reference_test). A change
// here means the output format (or the signature input) drifted.
constexpr const char* kKnownAnswerSha256 = "ea8e5759802d7b6dba931ec0325ac2103a6ee4c5a2ac374b10cbd6635b9e19dd";

std::vector<std::uint8_t> signed_part(const std::vector<std::uint8_t>& image) {
  const auto tlv_len = testing::get_u32(image, 8);
  return {image.begin(), image.begin() + static_cast<std::ptrdiff_t>(20 + (tlv_len + 7) / 8 * 8)};
}

std::vector<std::uint8_t> signature_of(const std::vector<std::uint8_t>& image) {
  const auto start = signed_part(image).size();
  const auto len = testing::get_u32(image, 12);
  return {image.begin() + static_cast<std::ptrdiff_t>(start), image.begin() + static_cast<std::ptrdiff_t>(start + len)};
}

// Raw r‖s (what the image holds) → DER ECDSA-Sig-Value (what openssl dgst wants), written here by
// hand so the conversion is independent of the code under test.
// Tag, length, value (short form: every value here is under 128 bytes). Sized first and copied into: g++ 12 at -O3
// flags an insert after a two-byte initializer list with a false -Warray-bounds.
std::vector<std::uint8_t> tagged(std::uint8_t tag, const std::vector<std::uint8_t>& value) {
  std::vector<std::uint8_t> out(value.size() + 2);
  out[0] = tag;
  out[1] = static_cast<std::uint8_t>(value.size());
  std::copy(value.begin(), value.end(), out.begin() + 2);
  return out;
}
std::vector<std::uint8_t> der_integer(std::vector<std::uint8_t> v) {
  while (v.size() > 1 && v[0] == 0 && (v[1] & 0x80) == 0) v.erase(v.begin());
  if (v[0] & 0x80) v.insert(v.begin(), 0);
  return tagged(0x02, v);
}
std::vector<std::uint8_t> raw_to_der(const std::vector<std::uint8_t>& raw) {
  auto r = der_integer({raw.begin(), raw.begin() + 32});
  const auto s = der_integer({raw.begin() + 32, raw.end()});
  r.insert(r.end(), s.begin(), s.end());
  return tagged(0x30, r);
}

TEST(Sign, RsaRoundTripVerifiedByOpensslCommandLine) {
  stm32mp::testing::TempDir dir;
  const auto key = dir.file("rsa.pem");
  const auto pub = dir.file("rsa.pub.pem");
  ASSERT_EQ(openssl({"genrsa", "-out", key, "3072"}).exit_code, 0);
  ASSERT_EQ(openssl({"rsa", "-in", key, "-pubout", "-out", pub}).exit_code, 0);
  const auto out = dir.file("fw_sign.bin");
  const auto r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", key, "--plat-tlv", "BOOTADDR", "0x80100000"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto image = read_bytes(out);
  EXPECT_EQ(testing::get_u32(image, 12), 384U) << "RSA-3072 signature is the modulus size";
  write_bytes(dir.file("data.bin"), signed_part(image));
  write_bytes(dir.file("sig.bin"), signature_of(image));
  const auto v = openssl({"dgst", "-sha256", "-verify", pub, "-signature", dir.file("sig.bin"), dir.file("data.bin")});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("Verified OK"));
  // One flipped bit in the TLV area: openssl must now refuse (the check above can fail).
  auto tampered = signed_part(image);
  tampered[30] ^= 1;
  write_bytes(dir.file("data.bin"), tampered);
  EXPECT_NE(openssl({"dgst", "-sha256", "-verify", pub, "-signature", dir.file("sig.bin"), dir.file("data.bin")}).exit_code, 0);

  const auto inspect = cli({"inspect", out, "--image-key", pub});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.out;
  EXPECT_THAT(inspect.out, HasSubstr("signed.signature: verified"));
}

TEST(Sign, EcdsaRoundTripIsRawRAndSVerifiedByOpensslCommandLine) {
  stm32mp::testing::TempDir dir;
  const auto key = dir.file("ec.pem");
  const auto pub = dir.file("ec.pub.pem");
  ASSERT_EQ(openssl({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key}).exit_code, 0);
  ASSERT_EQ(openssl({"ec", "-in", key, "-pubout", "-out", pub}).exit_code, 0);
  const auto out = dir.file("fw_sign.bin");
  const auto r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", key, "--key-type", "ecc"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto image = read_bytes(out);
  ASSERT_EQ(testing::get_u32(image, 12), 64U);
  const auto img = read_signed_image(image);
  ASSERT_TRUE(img);
  EXPECT_EQ(img->sign_type, SignType::ecdsa_p256_sha256);
  write_bytes(dir.file("data.bin"), signed_part(image));
  write_bytes(dir.file("sig.der"), raw_to_der(signature_of(image)));
  const auto v = openssl({"dgst", "-sha256", "-verify", pub, "-signature", dir.file("sig.der"), dir.file("data.bin")});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("Verified OK"));
  EXPECT_EQ(cli({"inspect", out, "--image-key", pub}).exit_code, 0);
}

TEST(Sign, KnownAnswerOnFixedKeyAndElf) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("kat_sign.bin");
  const auto r = cli({"sign", "--in", kData + "/kat_m33_ns_stripped.elf", "--out", out, "--key", kData + "/kat_rsa2048.pem",
                      "--plat-tlv", "BOOTADDR", "0x80100000", "--tlv-order", "upstream"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto image = read_bytes(out);
  EXPECT_EQ(adapters::openssl::to_hex(adapters::openssl::sha256(image)), kKnownAnswerSha256);
  // The same bytes from the independent assembler (format of sign_rproc_fw.py) around its signature.
  const auto elf = read_bytes(kData + "/kat_m33_ns_stripped.elf");
  auto tlvs = testing::standard_tlvs(elf, 1);
  tlvs.push_back({0x00010001, {0x00, 0x00, 0x10, 0x80}});
  EXPECT_EQ(testing::assemble_signed(tlvs, signature_of(image), elf), image);
}

TEST(Sign, KeyOfTheWrongTypeOrGarbageIsKeyUnusable) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("o.bin");
  auto r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", testing::firmware_key("test_p256.pem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(std::string(core::info(core::Code::KeyUnusable).id)));
  EXPECT_THAT(r.out, HasSubstr("does not fit --key-type rsa"));
  write_bytes(dir.file("garbage.pem"), {'n', 'o', 'p', 'e'});
  r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", out, "--key", dir.file("garbage.pem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("IMG018"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(Sign, BadInputLeavesAnExistingOutputUntouchedAndNoTempFile) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("fw_sign.bin");
  write_bytes(out, {1, 2, 3});
  const auto r = cli({"sign", "--in", firmware("m33_ns.hex"), "--out", out, "--key", testing::firmware_key("test_rsa2048.pem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("IMG002"));  // Intel HEX is not an image
  EXPECT_EQ(read_bytes(out), (std::vector<std::uint8_t>{1, 2, 3}));
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1U);
}

TEST(Sign, UnwritableOutputIsSignOutputFailed) {
  const auto r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", "/nonexistent-dir/fw_sign.bin", "--key",
                      testing::firmware_key("test_rsa2048.pem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(std::string(core::info(core::Code::SignOutputFailed).id)));
}

TEST(Sign, PlatformTlvIdsAndValuesAreValidated) {
  stm32mp::testing::TempDir dir;
  const auto key = testing::firmware_key("test_rsa2048.pem");
  auto r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", dir.file("o"), "--key", key, "--plat-tlv", "0x20000", "0x1"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", dir.file("o"), "--key", key, "--plat-tlv", "BOOTADDR", "boot"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", dir.file("o"), "--key", key, "--plat-tlv", "BOOTADDR", "0x1",
           "--plat-tlv", "0x10001", "0x2"});
  EXPECT_EQ(r.exit_code, 2) << "the same id twice";
  r = cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", dir.file("o"), "--key", key, "--plat-tlv", "0x10005", "hello",
           "--plat-tlv", "BOOTSEC", "0x1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto img = read_signed_image(read_bytes(dir.file("o")));
  ASSERT_TRUE(img);
  EXPECT_EQ(img->boot_sec, 1U);
  const auto custom = std::find_if(img->tlvs.begin(), img->tlvs.end(), [](const Tlv& t) { return t.type == 0x10005; });
  ASSERT_NE(custom, img->tlvs.end());
  EXPECT_EQ(std::string(custom->value.begin(), custom->value.end()), "hello");
}

}  // namespace
}  // namespace stm32mp::image
