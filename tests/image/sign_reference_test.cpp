// `sign` against files made by the reference scripts themselves (tests/image/data/reference/README.md
// says how each was made): ST's current sign_rproc_fw.py (optee-os-stm32mp 4.x) and OP-TEE's. RSA
// PKCS#1 v1.5 is deterministic, so the same key and ELFs must give the same bytes; encryption draws a
// random IV per segment, so those files are reproduced by feeding the signer the IVs they hold.
#include <chrono>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/openssl/openssl_crypto.h"
#include "image/image_test_support.h"
#include "image/signed_image.h"
#include "image/signer.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::image {
namespace {

namespace fs = std::filesystem;
namespace ossl = adapters::openssl;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::cli;
using testing::read_bytes;

const std::string kData = PRELAUNCH_IMAGE_TEST_DATA;
const std::string kRef = kData + "/reference/";
const std::string kKey = kData + "/kat_rsa2048.pem";
const std::string kElf = kData + "/kat_m33_ns_stripped.elf";

std::string hex(const std::vector<std::uint8_t>& b) { return ossl::to_hex(b); }

TEST(SignReference, DefaultOrderIsByteIdenticalToStsScript) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("fw_sign.bin");
  const auto r = cli({"sign", "--in", kElf, "--out", out, "--key", kKey, "--plat-tlv", "BOOTADDR", "0x80100000"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(out), read_bytes(kRef + "st_kat_sign.bin"));
  EXPECT_THAT(r.out, HasSubstr("tlv_order: st"));
  // ST's order puts the hash table right after SIGNTYPE: TLV 2 starts at 20 + 16.
  EXPECT_EQ(testing::get_u32(read_bytes(out), 36), 0x10U);
}

TEST(SignReference, UpstreamOrderOnRequestStaysTheKnownAnswer) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("fw_sign.bin");
  const auto r = cli({"sign", "--in", kElf, "--out", out, "--key", kKey, "--plat-tlv", "BOOTADDR", "0x80100000", "--tlv-order", "upstream"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // OP-TEE's sign_rproc_fw.py output for these inputs (the session's earlier measurement, kept in sign_test).
  EXPECT_EQ(ossl::to_hex(ossl::sha256(read_bytes(out))), "ea8e5759802d7b6dba931ec0325ac2103a6ee4c5a2ac374b10cbd6635b9e19dd");
  // Both orders hold the same records.
  const auto st = read_signed_image(read_bytes(kRef + "st_kat_sign.bin"));
  const auto up = read_signed_image(read_bytes(out));
  ASSERT_TRUE(st && up);
  EXPECT_EQ(st->hash_table.size(), up->hash_table.size());
  EXPECT_EQ(st->boot_addr, up->boot_addr);
}

TEST(SignReference, SeveralInputsAndKeyInfoMatchBothScripts) {
  stm32mp::testing::TempDir dir;
  const auto st = dir.file("multi_st.bin");
  auto r = cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--in", kRef + "second_m33_ns_stripped.elf", "--out", st, "--key", kKey,
                "--plat-tlv", "BOOTADDR", "0x80100000"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(st), read_bytes(kRef + "st_multi_sign.bin"));
  const auto up = dir.file("multi_up.bin");
  r = cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--in", kRef + "second_m33_ns_stripped.elf", "--out", up, "--key", kKey,
           "--key-info", kRef + "kat_rsa2048.pub.der", "--tlv-order", "upstream"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(up), read_bytes(kRef + "up_multi_sign.bin"));
  const auto info = dir.file("keyinfo.bin");
  r = cli({"sign", "--in", kElf, "--out", info, "--key", kKey, "--key-info", kRef + "kat_rsa2048.pub.der", "--plat-tlv", "BOOTADDR",
           "0x80100000", "--plat-tlv", "BOOTSEC", "0x0"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(info), read_bytes(kRef + "st_keyinfo_sign.bin"));
}

// The IVs a reference file holds, in the order the script drew them (ENCTABLE order).
std::vector<std::array<std::uint8_t, 16>> ivs_of(const std::vector<std::uint8_t>& file) {
  const auto s = read_signed_image(file);
  std::vector<std::array<std::uint8_t, 16>> out;
  if (!s) return out;
  for (const auto& h : s->hash_table) {
    if (h.iv && h.phdr.type == kPtLoad) out.push_back(*h.iv);
  }
  return out;
}

std::vector<std::uint8_t> sign_with_ivs(const std::vector<std::string>& inputs, const std::vector<std::array<std::uint8_t, 16>>& ivs,
                                        std::vector<PlatformTlv> plat) {
  const auto key = ossl::load_private_key(kKey);
  EXPECT_TRUE(key);
  std::vector<std::vector<std::uint8_t>> files;
  for (const auto& p : inputs) files.push_back(read_bytes(p));
  std::vector<Bytes> elfs(files.begin(), files.end());
  SignRequest req;
  req.signature_size = 256;
  req.platform_tlvs = std::move(plat);
  req.enc_key = read_bytes(kRef + "aes256.key");
  std::size_t next = 0;
  const SignCrypto crypto{[](Bytes b) { return ossl::sha256(b); }, [&key](Bytes b) { return ossl::sign_sha256(*key, b); },
                          [](Bytes k, std::span<const std::uint8_t, 16> iv, Bytes p) {
                            // An independent AES: the openssl command line, not the adapter under test.
                            stm32mp::testing::TempDir d;
                            testing::write_bytes(d.file("p"), std::vector<std::uint8_t>(p.begin(), p.end()));
                            const auto r = testing::openssl({"enc", "-aes-256-cbc", "-nopad", "-K", ossl::to_hex(k), "-iv", ossl::to_hex(iv),
                                                             "-in", d.file("p"), "-out", d.file("c")});
                            EXPECT_EQ(r.exit_code, 0) << r.err;
                            return core::expected<std::vector<std::uint8_t>, std::string>(read_bytes(d.file("c")));
                          },
                          [&]() -> core::expected<std::array<std::uint8_t, 16>, std::string> {
                            if (next >= ivs.size()) return core::unexpected{std::string("more segments than IVs")};
                            return ivs[next++];
                          }};
  auto out = build_signed_image(elfs, req, crypto);
  EXPECT_TRUE(out) << (out ? "" : out.error().reason);
  return out ? *out : std::vector<std::uint8_t>{};
}

TEST(SignReference, EncryptedImagesAreStsScriptOutputGivenTheSameIvs) {
  const auto one = read_bytes(kRef + "st_enc_sign.bin");
  const auto ivs = ivs_of(one);
  ASSERT_EQ(ivs.size(), 3U) << "one IV per PT_LOAD segment of enc16_m33_ns_stripped.elf";
  EXPECT_EQ(hex(sign_with_ivs({kRef + "enc16_m33_ns_stripped.elf"}, ivs, {{kTlvBootAddr, {0x00, 0x00, 0x10, 0x80}}})), hex(one));
  const auto two = read_bytes(kRef + "st_enc_multi_sign.bin");
  EXPECT_EQ(hex(sign_with_ivs({kRef + "enc16_m33_ns_stripped.elf", kRef + "second_m33_ns_stripped.elf"}, ivs_of(two), {})), hex(two));
}

TEST(SignReference, EncryptedCliOutputDecryptsBackToTheElfWithTheOpensslCommandLine) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("enc.bin");
  const auto r = cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--out", out, "--key", kKey, "--enc-key", kRef + "aes256.key"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("AES-256-CBC"));
  const auto file = read_bytes(out);
  const auto s = read_signed_image(file);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->encrypted());
  const auto plain = read_bytes(kRef + "enc16_m33_ns_stripped.elf");
  const auto img = s->images.at(0).offset;
  std::size_t segments = 0;
  for (const auto& h : s->hash_table) {
    if (h.phdr.type != kPtLoad || h.phdr.filesz == 0) continue;
    const std::vector<std::uint8_t> cipher(file.begin() + static_cast<std::ptrdiff_t>(img + h.phdr.offset),
                                           file.begin() + static_cast<std::ptrdiff_t>(img + h.phdr.offset + h.phdr.filesz));
    EXPECT_NE(cipher, std::vector<std::uint8_t>(plain.begin() + h.phdr.offset, plain.begin() + h.phdr.offset + h.phdr.filesz));
    testing::write_bytes(dir.file("c"), cipher);
    const auto d = testing::openssl({"enc", "-d", "-aes-256-cbc", "-nopad", "-K", hex(read_bytes(kRef + "aes256.key")), "-iv",
                                     ossl::to_hex(*h.iv), "-in", dir.file("c"), "-out", dir.file("p")});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_EQ(read_bytes(dir.file("p")), std::vector<std::uint8_t>(plain.begin() + h.phdr.offset, plain.begin() + h.phdr.offset + h.phdr.filesz));
    ++segments;
  }
  EXPECT_EQ(segments, 3U);
  // Two runs draw other IVs: no IV is ever reused for the same key.
  const auto again = dir.file("enc2.bin");
  ASSERT_EQ(cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--out", again, "--key", kKey, "--enc-key", kRef + "aes256.key"}).exit_code, 0);
  EXPECT_NE(ivs_of(read_bytes(again)), ivs_of(file));
}

TEST(SignReference, EncryptionRefusesSegmentsThatAreNotBlocksAndUpstreamOrderAndBadKeys) {
  stm32mp::testing::TempDir dir;
  const auto out = dir.file("o.bin");
  auto r = cli({"sign", "--in", kElf, "--out", out, "--key", kKey, "--enc-key", kRef + "aes256.key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("not a multiple of 16"));
  r = cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--out", out, "--key", kKey, "--enc-key", kRef + "aes256.key", "--tlv-order", "upstream"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("upstream OP-TEE's TA cannot decrypt"));
  testing::write_bytes(dir.file("short.key"), std::vector<std::uint8_t>(20, 1));
  r = cli({"sign", "--in", kRef + "enc16_m33_ns_stripped.elf", "--out", out, "--key", kKey, "--enc-key", dir.file("short.key")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("20 bytes"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(SignReference, PassPhraseFromEnvironmentOrFileNeverPromptsNorShows) {
  stm32mp::testing::TempDir dir;
  const std::string key = kRef + "kat_rsa2048_encrypted.pem";
  const std::string phrase = "kat pass phrase";
  const auto out = dir.file("o.bin");
  const std::vector<std::string> base{PRELAUNCH_CLI, "sign", "--in", kElf, "--out", out, "--key", key, "--plat-tlv", "BOOTADDR", "0x80100000"};
  // No pass phrase: refused at once (OpenSSL's terminal prompt would block the IDE).
  const auto t0 = std::chrono::steady_clock::now();
  auto r = stm32mp::testing::run_process(base, {"NO_COLOR=1"}, 20000);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("IMG018"));
  EXPECT_THAT(r.out, HasSubstr("--key-pass-env"));
  // From the environment: the same bytes as ST's script made with --key_pwd (= the unencrypted key).
  auto argv = base;
  argv.insert(argv.end(), {"--key-pass-env", "KAT_KEY_PASS", "--json"});
  r = stm32mp::testing::run_process(argv, {"NO_COLOR=1", "KAT_KEY_PASS=" + phrase});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(out), read_bytes(kRef + "st_kat_sign.bin"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(phrase)));
  // From a file (first line).
  testing::write_bytes(dir.file("pass.txt"), std::vector<std::uint8_t>(phrase.begin(), phrase.end()));
  fs::remove(out);
  argv = base;
  argv.insert(argv.end(), {"--key-pass-file", dir.file("pass.txt")});
  r = stm32mp::testing::run_process(argv, {"NO_COLOR=1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_bytes(out), read_bytes(kRef + "st_kat_sign.bin"));
  // A wrong one and a missing variable are told apart, and neither shows a pass phrase.
  argv = base;
  argv.insert(argv.end(), {"--key-pass-env", "KAT_KEY_PASS"});
  r = stm32mp::testing::run_process(argv, {"NO_COLOR=1", "KAT_KEY_PASS=wrong horse"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("does not open this encrypted key"));
  EXPECT_THAT(r.out, Not(HasSubstr("wrong horse")));
  r = stm32mp::testing::run_process(argv, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("KAT_KEY_PASS (--key-pass-env) is not set"));
  // Never on the command line: there is no option that takes the pass phrase itself.
  argv = base;
  argv.insert(argv.end(), {"--key-pass", phrase});
  r = stm32mp::testing::run_process(argv, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace stm32mp::image
