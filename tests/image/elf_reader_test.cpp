// The ELF reader against real arm-none-eabi-gcc output (tests/firmware) and byte-level mutations.
#include <gtest/gtest.h>

#include "image/elf_reader.h"
#include "image/image_test_support.h"

namespace stm32mp::image {
namespace {

using testing::firmware;
using testing::put_u32;
using testing::read_bytes;

TEST(ElfReader, ReadsTheM33NonSecureFirmware) {
  const auto bytes = read_bytes(firmware("m33_ns.elf"));
  const auto elf = read_elf(bytes);
  ASSERT_TRUE(elf.has_value()) << elf.error().field;
  EXPECT_EQ(elf->machine, 40);
  EXPECT_EQ(elf->type, 2);
  EXPECT_EQ(elf->entry & 1U, 1U) << "Thumb entry point";
  EXPECT_GE(elf->entry, 0x80100040U) << "Reset_Handler follows the 64-byte vector table";
  ASSERT_EQ(elf->loadable_count(), 3U);
  EXPECT_EQ(elf->segments[0].paddr, 0x80100000U);
  EXPECT_EQ(elf->segments[0].flags & 1U, 1U) << "the code segment is executable";
  ASSERT_TRUE(elf->resource_table.has_value());
  EXPECT_EQ(elf->resource_table->addr, 0x80a00000U);
  EXPECT_EQ(elf->resource_table->size, 0x44U);
  EXPECT_EQ(elf->vector_table, 0x80100000U);
  EXPECT_TRUE(elf->has_symbols);
  EXPECT_EQ(elf->cpu_arch, "v8-M.mainline");
  // The vector table's reset entry is the entry point (Thumb bit set).
  EXPECT_EQ(word_at(bytes, elf->segments, 0x80100004), elf->entry);
}

TEST(ElfReader, StrippedKeepsSegmentsAndResourceTableButNoSymbols) {
  const auto full = read_elf(read_bytes(firmware("m33_ns.elf")));
  const auto stripped = read_elf(read_bytes(firmware("m33_ns_stripped.elf")));
  ASSERT_TRUE(full && stripped);
  EXPECT_FALSE(stripped->has_symbols);
  EXPECT_TRUE(stripped->resource_table.has_value());
  ASSERT_EQ(stripped->segments.size(), full->segments.size());
  for (std::size_t i = 0; i < full->segments.size(); ++i) {
    EXPECT_EQ(stripped->segments[i].paddr, full->segments[i].paddr);
    EXPECT_EQ(stripped->segments[i].memsz, full->segments[i].memsz);
  }
}

TEST(ElfReader, VariantsWithoutResourceTableAndForAnotherCore) {
  const auto no_rsc = read_elf(read_bytes(firmware("m33_ns_no_rsc.elf")));
  ASSERT_TRUE(no_rsc);
  EXPECT_FALSE(no_rsc->resource_table.has_value());
  const auto m4 = read_elf(read_bytes(firmware("m4.elf")));
  ASSERT_TRUE(m4);
  EXPECT_EQ(m4->cpu_arch, "v7E-M");
  EXPECT_EQ(m4->segments[0].paddr, 0U);
}

TEST(ElfReader, EveryTruncationIsAnErrorNeverACrash) {
  const auto bytes = read_bytes(firmware("m33_ns.elf"));
  // The section header table is at the end of the file, so every strict prefix is unloadable.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto elf = read_elf(std::span(bytes).first(n));
    ASSERT_FALSE(elf.has_value()) << "prefix of " << n << " bytes accepted";
    const auto p = elf.error().problem;
    EXPECT_TRUE(p == FormatProblem::truncated) << "prefix " << n << ": " << elf.error().field;
  }
}

TEST(ElfReader, Elf64HeaderIsWrongClassAtOffset4) {
  auto bytes = read_bytes(firmware("m33_ns.elf"));
  bytes[4] = 2;
  const auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::wrong_class);
  EXPECT_EQ(elf.error().field, "e_ident[EI_CLASS]");
  EXPECT_EQ(elf.error().offset, 4U);
  EXPECT_EQ(elf.error().found, "2 (ELFCLASS64)");
}

TEST(ElfReader, TheHostsOwnExecutableIsWrongClassOrMachine) {
  // A real x86-64 (ELF64) program: the CLI binary itself.
  const auto bytes = read_bytes(PRELAUNCH_CLI);
  const auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::wrong_class);
}

TEST(ElfReader, BigEndianFlagIsReportedAtOffset5) {
  auto bytes = read_bytes(firmware("m33_ns.elf"));
  bytes[5] = 2;
  const auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::wrong_endian);
  EXPECT_EQ(elf.error().offset, 5U);
}

TEST(ElfReader, OtherMachineAndTypeAreNamed) {
  auto bytes = read_bytes(firmware("m33_ns.elf"));
  bytes[18] = 62;  // EM_X86_64
  auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::wrong_machine);
  EXPECT_EQ(elf.error().found, "EM_X86_64 (62)");
  EXPECT_EQ(elf.error().offset, 18U);

  bytes = read_bytes(firmware("m33_ns.elf"));
  bytes[16] = 1;  // ET_REL: an object file
  elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::wrong_type);
  EXPECT_EQ(elf.error().found, "ET_REL (1)");
}

TEST(ElfReader, SegmentLargerInFileThanInMemoryIsRejectedLikeLinux) {
  auto bytes = read_bytes(firmware("m33_ns.elf"));
  const auto phoff = testing::get_u32(bytes, 28);
  put_u32(bytes, phoff + 20, 0x10);  // memsz of segment 0 < its filesz 0x98
  const auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::bad_segment);
  EXPECT_EQ(elf.error().field, "segment 0 p_filesz");
  EXPECT_EQ(elf.error().offset, phoff + 16);
}

TEST(ElfReader, HugeOffsetsDoNotWrapAround) {
  auto bytes = read_bytes(firmware("m33_ns.elf"));
  const auto phoff = testing::get_u32(bytes, 28);
  put_u32(bytes, phoff + 4, 0xFFFFFFF0U);  // p_offset near 4 GiB: offset + filesz overflows 32 bits
  auto elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::truncated);

  bytes = read_bytes(firmware("m33_ns.elf"));
  put_u32(bytes, 28, 0xFFFFFFFFU);  // e_phoff
  elf = read_elf(bytes);
  ASSERT_FALSE(elf);
  EXPECT_EQ(elf.error().problem, FormatProblem::truncated);
  EXPECT_EQ(elf.error().offset, 0xFFFFFFFFU);
}

}  // namespace
}  // namespace stm32mp::image
