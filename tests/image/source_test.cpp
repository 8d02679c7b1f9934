// image::Source and the chunked hashes: what the streaming image step rests on. The in-memory and sliced sources
// refuse every range outside them; a hash or a signature check fed in chunks gives what the one-shot function
// gives; a file that changed while it was read is IMG001 with its reason.
#include <gtest/gtest.h>

#include <limits>

#include "adapters/openssl/openssl_crypto.h"
#include "image/image_test_support.h"
#include "image/inspection.h"
#include "image/signed_image.h"
#include "image/source.h"
#include "image/source_digest.h"

namespace stm32mp::image {
namespace {

namespace ossl = adapters::openssl;
using stm32mp::testing::firmware_key;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * 7U + i / 251U) & 0xFFU);
  return v;
}

TEST(Source, MemoryAndSliceReadTheirOwnRangeAndNothingOutsideIt) {
  const auto bytes = pattern(100);
  const MemorySource mem{Bytes(bytes)};
  const auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(mem.read(96, 4), std::vector<std::uint8_t>(bytes.begin() + 96, bytes.end()));
  EXPECT_EQ(mem.read(97, 4), std::nullopt);
  EXPECT_EQ(mem.read(max, 2), std::nullopt);
  EXPECT_EQ(read_u32(mem, 96), read_u32(Bytes(bytes), 96));
  EXPECT_EQ(read_u32(mem, 97), std::nullopt);

  const SliceSource slice(mem, 40, 20);  // bytes 40..59, addressed from 0
  EXPECT_EQ(slice.size(), 20U);
  EXPECT_EQ(slice.read(0, 20), std::vector<std::uint8_t>(bytes.begin() + 40, bytes.begin() + 60));
  EXPECT_EQ(slice.read(19, 2), std::nullopt) << "the parent holds byte 60, the slice does not";
  EXPECT_EQ(slice.read(max, 2), std::nullopt);
  const SliceSource past(mem, 90, 50);  // cut to what the parent holds
  EXPECT_EQ(past.size(), 10U);
  EXPECT_EQ(SliceSource(mem, 500, 4).size(), 0U);
}

TEST(Source, ChunksCoverTheRangeInOrderAndStopAtTheFirstRefusal) {
  const auto bytes = pattern(10);
  const MemorySource mem{Bytes(bytes)};
  std::vector<std::uint8_t> seen;
  std::vector<std::size_t> sizes;
  EXPECT_TRUE(for_each_chunk(mem, 1, 9, 4, [&](Bytes c) {
    seen.insert(seen.end(), c.begin(), c.end());
    sizes.push_back(c.size());
    return true;
  }));
  EXPECT_EQ(seen, std::vector<std::uint8_t>(bytes.begin() + 1, bytes.end()));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 1}));
  int calls = 0;
  EXPECT_FALSE(for_each_chunk(mem, 0, 10, 4, [&](Bytes) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(for_each_chunk(mem, 2, 9, 4, [](Bytes) { return true; })) << "the range does not fit";
}

TEST(Source, AHashInChunksIsTheOneShotHashAndACancelGivesNone) {
  const auto bytes = pattern((5U << 20) / 2 + 3);  // two whole chunks and a part
  const MemorySource mem{Bytes(bytes)};
  EXPECT_EQ(sha256_of(mem, 0, bytes.size()), ossl::sha256(bytes));
  EXPECT_EQ(sha256_of(mem, 1000, 77), ossl::sha256(Bytes(bytes).subspan(1000, 77)));
  EXPECT_EQ(sha256_of(mem, 0, 0), ossl::sha256(Bytes{}));
  EXPECT_EQ(sha256_of(mem, 1, bytes.size()), std::nullopt);
  core::CancelToken cancel;
  cancel.cancel();
  EXPECT_EQ(sha256_of(mem, 0, bytes.size(), &cancel), std::nullopt);
}

TEST(Source, ASignatureCheckedInChunksIsTheOneShotVerdict) {
  const auto data = pattern((3U << 20) + 5);
  const MemorySource mem{Bytes(data)};
  for (const auto* name : {"test_rsa2048.pem", "test_p256.pem"}) {
    const auto key = ossl::load_private_key(firmware_key(name));
    ASSERT_TRUE(key.has_value()) << key.error();
    const auto sig = ossl::sign_sha256(*key, data);
    ASSERT_TRUE(sig.has_value()) << sig.error();
    auto good = ossl::VerifyStream::start(*key);
    ASSERT_TRUE(good.has_value()) << good.error();
    ASSERT_TRUE(feed(mem, 0, data.size(), *good));
    const auto verdict = good->finish(*sig);
    ASSERT_TRUE(verdict.has_value()) << verdict.error();
    EXPECT_TRUE(*verdict) << name;
    auto other = ossl::VerifyStream::start(*key);
    ASSERT_TRUE(other.has_value());
    ASSERT_TRUE(feed(mem, 0, data.size() - 1, *other));
    const auto shorter = other->finish(*sig);
    ASSERT_TRUE(shorter.has_value()) << shorter.error();
    EXPECT_FALSE(*shorter) << name << ": one byte less is another message";
    const auto one_shot = ossl::verify_sha256(*key, data, *sig);
    ASSERT_TRUE(one_shot.has_value()) << one_shot.error();
    EXPECT_TRUE(*one_shot) << name << ": the one-shot function agrees";
  }
}

TEST(Source, ATlvAreaLargerThanAnyImageNeedsIsRefusedNotRead) {
  const auto elf = stm32mp::testing::read_bytes(stm32mp::testing::firmware("m33_ns.elf"));
  auto tlvs = stm32mp::testing::standard_tlvs(elf, 1);
  tlvs.push_back({0x00010003, std::vector<std::uint8_t>(7U << 20, 0)});  // a platform TLV of 7 MiB
  const auto file = stm32mp::testing::assemble_signed(tlvs, std::vector<std::uint8_t>(256, 1), elf);
  const auto s = read_signed_image(file);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().problem, FormatProblem::signed_header);
  EXPECT_EQ(s.error().field, "header.tlv_len");
  EXPECT_EQ(s.error().expected, "at most 6291456 (a table for 65535 program headers takes 5.2 MiB)");
  tlvs.back().value.resize(1U << 20);  // 1 MiB: read as before
  EXPECT_TRUE(read_signed_image(stm32mp::testing::assemble_signed(tlvs, std::vector<std::uint8_t>(256, 1), elf)).has_value());
}

// A source whose file changed after the readers had started.
class ChangedSource final : public Source {
 public:
  [[nodiscard]] std::uint64_t size() const override { return 64; }
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> read(std::uint64_t, std::uint64_t) const override { return std::nullopt; }
  [[nodiscard]] std::optional<std::string> failure() const override {
    return "the file changed while it was read (it is now shorter than the 64 bytes it had when opened)";
  }
};

TEST(Source, AFileThatChangedWhileItWasReadIsImg001OnceAndLeavesNoFacts) {
  Inspection in;
  in.path = "fw.elf";
  in.readable = true;
  in.source = std::make_shared<ChangedSource>();
  core::StepReport r;
  EXPECT_TRUE(report_if_changed(in, r));
  EXPECT_TRUE(report_if_changed(in, r));
  ASSERT_EQ(r.diagnostics.size(), 1U) << "said once, however many readers met it";
  EXPECT_EQ(r.diagnostics[0].code, core::Code::ImageUnreadable);
  EXPECT_NE(r.diagnostics[0].message.find("the file changed while it was read"), std::string::npos) << r.diagnostics[0].message;
  EXPECT_FALSE(in.readable) << "what was decoded then describes no file: no facts for the upload";
}

}  // namespace
}  // namespace stm32mp::image
