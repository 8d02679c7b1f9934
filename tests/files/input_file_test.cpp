// files::read_input_file: what the user names is read whole, in chunks, and a cancel is honoured between two chunks.
// (Refusals by kind and size: tests/cli/hostile_input_cli_test.cpp; a cancel during a slow read of the real CLI:
// tests/cli/cancel_cli_test.cpp.)
#include <gtest/gtest.h>

#include <fstream>

#include "files/input_file.h"
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

}  // namespace
}  // namespace stm32mp::files
