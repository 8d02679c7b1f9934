// files::read_input_file: what the user names is read whole, in chunks, and a cancel is honoured between two chunks;
// files::InputFileSource: the same file read where it lies (the image step).
// (Refusals by kind and size: tests/cli/hostile_input_cli_test.cpp; a cancel during a slow read of the real CLI:
// tests/cli/cancel_cli_test.cpp.)
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>

#include "files/input_file.h"
#include "files/input_file_source.h"
#include "support/temp_dir.h"

namespace stm32mp::files {
namespace {

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131U + i / 4099U) & 0xFFU);
  return s;
}

TEST(InputFile, AFileOfSeveralChunksIsReadWholeAndInOrder) {
  testing::TempDir dir;
  const auto content = pattern(kReadChunkBytes * 2 + 12345);
  std::ofstream(dir.file("big.elf"), std::ios::binary) << content;
  core::CancelToken cancel;
  const auto read = read_input_file(dir.file("big.elf"), 64U << 20, &cancel);
  ASSERT_TRUE(read.has_value()) << read.error().reason;
  EXPECT_TRUE(*read == content) << "size " << read->size() << " instead of " << content.size();
}

TEST(InputFile, AnExactMultipleOfTheChunkAndAnEmptyFile) {
  testing::TempDir dir;
  const auto content = pattern(kReadChunkBytes);
  std::ofstream(dir.file("one.bin"), std::ios::binary) << content;
  std::ofstream(dir.file("empty.bin"), std::ios::binary);
  const auto one = read_input_file(dir.file("one.bin"), kReadChunkBytes);
  ASSERT_TRUE(one.has_value()) << one.error().reason;
  EXPECT_TRUE(*one == content);
  const auto empty = read_input_file(dir.file("empty.bin"), 10);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(InputFile, ACancelledRunReadsNothingAndGetsNoVerdict) {
  testing::TempDir dir;
  std::ofstream(dir.file("big.elf"), std::ios::binary) << pattern(kReadChunkBytes + 1);
  core::CancelToken cancel;
  cancel.cancel();
  const auto read = read_input_file(dir.file("big.elf"), 64U << 20, &cancel);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().kind, InputFileError::Kind::cancelled);
}

TEST(InputFile, TheCapStillHoldsWithChunks) {
  testing::TempDir dir;
  std::ofstream(dir.file("big.elf"), std::ios::binary) << pattern(kReadChunkBytes + 1);
  const auto read = read_input_file(dir.file("big.elf"), kReadChunkBytes);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().kind, InputFileError::Kind::too_large);
}

// files::InputFileSource: an image read where it lies. Reads outside the size it had at open are refused without
// touching the file; a file that shrank or grew since is a failure ("the file changed while it was read"), never
// a crash or a short buffer judged as if whole.
std::vector<std::uint8_t> bytes_of(const std::string& s, std::size_t from, std::size_t n) {
  return {s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

// `content` written to dir/fw.elf, then opened as the image step opens it.
std::unique_ptr<InputFileSource> written_and_opened(const testing::TempDir& dir, const std::string& content) {
  std::ofstream(dir.file("fw.elf"), std::ios::binary) << content;
  auto src = open_input_file_source(dir.file("fw.elf"), 64U << 20);
  EXPECT_TRUE(src.has_value()) << src.error().reason;
  return src ? std::move(*src) : nullptr;
}

TEST(InputFileSource, ReadsInsideTheFileAndRefusesEveryRangeOutsideIt) {
  testing::TempDir dir;
  const auto content = pattern(10000);
  const auto src = written_and_opened(dir, content);
  ASSERT_NE(src, nullptr);
  const auto& f = *src;
  EXPECT_EQ(f.size(), 10000U);
  EXPECT_EQ(f.read(0, 10000), bytes_of(content, 0, 10000));
  EXPECT_EQ(f.read(1234, 17), bytes_of(content, 1234, 17));
  EXPECT_EQ(f.read(9996, 4), bytes_of(content, 9996, 4));
  EXPECT_EQ(f.read(10000, 0), std::vector<std::uint8_t>{});
  EXPECT_EQ(f.read(9997, 4), std::nullopt) << "one byte past the end";
  EXPECT_EQ(f.read(10001, 0), std::nullopt);
  EXPECT_EQ(f.read(0, 10001), std::nullopt);
  const auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(f.read(max, 2), std::nullopt) << "offset + length wraps around";
  EXPECT_EQ(f.read(2, max), std::nullopt);
  EXPECT_EQ(f.failure(), std::nullopt) << "a range outside the file is refused, not a change of the file";
  EXPECT_EQ(f.read(5000, 8), bytes_of(content, 5000, 8)) << "a refused range leaves the source usable";
}

TEST(InputFileSource, AFileThatShrankAfterOpenIsReportedAsChanged) {
  testing::TempDir dir;
  const auto content = pattern(3U << 20);
  const auto src = written_and_opened(dir, content);
  ASSERT_NE(src, nullptr);
  const auto& f = *src;
  std::filesystem::resize_file(dir.file("fw.elf"), 1U << 20);  // a rebuild truncated it under us
  EXPECT_EQ(f.size(), 3U << 20) << "the size is the one taken at open";
  EXPECT_EQ(f.read(0, 16), bytes_of(content, 0, 16)) << "what the file still holds reads as before";
  EXPECT_EQ(f.failure(), std::nullopt);
  EXPECT_EQ(f.read((1U << 20) - 8, 16), std::nullopt) << "a read across the new end";
  ASSERT_TRUE(f.failure().has_value());
  EXPECT_NE(f.failure()->find("the file changed while it was read"), std::string::npos) << *f.failure();
  EXPECT_NE(f.failure()->find("shorter than the 3145728 bytes"), std::string::npos) << *f.failure();
}

TEST(InputFileSource, AFileThatGrewIsNoticedByTheReadThatReachesItsEnd) {
  testing::TempDir dir;
  const auto content = pattern(4096);
  const auto src = written_and_opened(dir, content);
  ASSERT_NE(src, nullptr);
  const auto& f = *src;
  std::ofstream(dir.file("fw.elf"), std::ios::binary | std::ios::app) << "more";
  EXPECT_EQ(f.read(0, 4000), bytes_of(content, 0, 4000));
  EXPECT_EQ(f.failure(), std::nullopt);
  EXPECT_EQ(f.read(4000, 96), std::nullopt) << "hashing up to the old end would judge the first 4096 bytes only";
  ASSERT_TRUE(f.failure().has_value());
  EXPECT_NE(f.failure()->find("grew past the 4096 bytes"), std::string::npos) << *f.failure();
}

TEST(InputFileSource, OpensOnlyWhatReadInputFileReads) {
  testing::TempDir dir;
  std::ofstream(dir.file("big.bin"), std::ios::binary) << pattern(2048);
  const auto missing = open_input_file_source(dir.file("absent.elf"), 1U << 20);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, InputFileError::Kind::unreadable);
  const auto directory = open_input_file_source(dir.path().string(), 1U << 20);
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().kind, InputFileError::Kind::not_regular);
  EXPECT_EQ(directory.error().what, "a directory");
  const auto large = open_input_file_source(dir.file("big.bin"), 1024);
  ASSERT_FALSE(large.has_value());
  EXPECT_EQ(large.error().kind, InputFileError::Kind::too_large);
  EXPECT_EQ(large.error().limit, 1024U);
}

}  // namespace
}  // namespace stm32mp::files
