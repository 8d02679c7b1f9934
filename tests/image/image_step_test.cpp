// Step `image` on real firmware and on mutated copies: one test per diagnosis.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "image/image_facts.h"
#include "image/image_test_support.h"
#include "image/inspection.h"
#include "steps/image_step.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using ::testing::HasSubstr;
using stm32mp::testing::firmware;
using stm32mp::testing::put_u32;
using stm32mp::testing::read_bytes;
using stm32mp::testing::write_bytes;

struct Run {
  core::StepReport report;
  std::optional<image::ImageFacts> facts;
};

Run run(ImageInputs in) {
  if (in.remoteproc.empty()) in.remoteproc = "m33";
  Run r;
  r.report = check_image(in, r.facts);
  return r;
}

Run run_elf(const std::string& path, const std::string& remoteproc = "m33") { return run({path, "", "", remoteproc}); }

std::vector<Code> codes(const core::StepReport& r) {
  std::vector<Code> out;
  for (const auto& d : r.diagnostics) out.push_back(d.code);
  return out;
}

class ImageStep : public ::testing::Test {
 protected:
  // A mutated copy of a firmware file.
  std::string mutated(const std::string& name, const std::function<void(std::vector<std::uint8_t>&)>& change) {
    auto bytes = read_bytes(firmware(name));
    change(bytes);
    const auto path = dir_.file("mut_" + std::to_string(counter_++) + "_" + name);
    write_bytes(path, bytes);
    return path;
  }
  stm32mp::testing::TempDir dir_;
  int counter_ = 0;
};

TEST_F(ImageStep, SkippedWithoutAnImage) {
  const auto r = run({});
  EXPECT_EQ(r.report.status, core::StepStatus::skipped);
  EXPECT_FALSE(r.facts);
}

TEST_F(ImageStep, GoodElfGivesFactsForLaterSteps) {
  const auto r = run_elf(firmware("m33_ns.elf"));
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << ::testing::PrintToString(codes(r.report));
  ASSERT_TRUE(r.facts);
  EXPECT_EQ(r.facts->kind, image::ImageKind::elf);
  EXPECT_EQ(r.facts->upload_path, firmware("m33_ns.elf"));
  EXPECT_EQ(r.facts->upload_size, read_bytes(firmware("m33_ns.elf")).size());
  EXPECT_EQ(r.facts->upload_sha256.size(), 64U);
  EXPECT_TRUE(r.facts->has_resource_table);
  EXPECT_EQ(r.facts->segments.size(), 3U);
  EXPECT_EQ(r.facts->cpu_arch, "v8-M.mainline");
  EXPECT_EQ(r.report.observed.get("elf.kind"), "elf");
}

TEST_F(ImageStep, SignedImageIsTheUploadAndIsCheckedAgainstTheElf) {
  const auto r = run({firmware("m33_ns.elf"), firmware("m33_ns_sign.bin"), stm32mp::testing::firmware_key("test_rsa2048.pub.pem"), "m33"});
  EXPECT_EQ(r.report.status, core::StepStatus::ok) << ::testing::PrintToString(codes(r.report));
  ASSERT_TRUE(r.facts);
  EXPECT_EQ(r.facts->kind, image::ImageKind::signed_image);
  EXPECT_EQ(r.facts->upload_path, firmware("m33_ns_sign.bin"));
  EXPECT_EQ(r.facts->elf_path, firmware("m33_ns.elf"));
  EXPECT_EQ(r.facts->boot_addr, 0x80100000U);
  EXPECT_THAT(*r.report.observed.get("stale_check"), HasSubstr("holds the ELF's segments"));
  EXPECT_THAT(*r.report.observed.get("signed.signature"), HasSubstr("verified"));
}

TEST_F(ImageStep, MissingFile) {
  const auto r = run_elf(dir_.file("nope.elf"));
  EXPECT_THAT(codes(r.report), ::testing::ElementsAre(Code::ImageUnreadable));
  EXPECT_FALSE(r.facts);
}

TEST_F(ImageStep, RawBinaryAndIntelHexAreNotImages) {
  for (const char* name : {"m33_ns.bin", "m33_ns.hex"}) {
    const auto r = run_elf(firmware(name));
    ASSERT_THAT(codes(r.report), ::testing::ElementsAre(Code::NotAnImage)) << name;
    EXPECT_EQ(r.facts->kind, image::ImageKind::other);
  }
  EXPECT_THAT(run_elf(firmware("m33_ns.hex")).report.diagnostics[0].message, HasSubstr("Intel HEX"));
  EXPECT_THAT(run_elf(firmware("m33_ns.bin")).report.diagnostics[0].message, HasSubstr("vector table"));
}

TEST_F(ImageStep, ElfHeaderProblemsEachHaveTheirCode) {
  const auto path_trunc = mutated("m33_ns.elf", [](auto& b) { b.resize(40); });
  EXPECT_THAT(codes(run_elf(path_trunc).report), ::testing::ElementsAre(Code::ImageTruncated));
  EXPECT_THAT(codes(run_elf(mutated("m33_ns.elf", [](auto& b) { b[4] = 2; })).report), ::testing::ElementsAre(Code::ElfWrongClass));
  EXPECT_THAT(codes(run_elf(mutated("m33_ns.elf", [](auto& b) { b[5] = 2; })).report), ::testing::ElementsAre(Code::ElfWrongEndian));
  EXPECT_THAT(codes(run_elf(mutated("m33_ns.elf", [](auto& b) { b[18] = 3; })).report), ::testing::ElementsAre(Code::ElfWrongMachine));
  EXPECT_THAT(codes(run_elf(mutated("m33_ns.elf", [](auto& b) { b[16] = 3; })).report), ::testing::ElementsAre(Code::ElfWrongType));
  const auto bad = mutated("m33_ns.elf", [](auto& b) { put_u32(b, stm32mp::testing::get_u32(b, 28) + 20, 1); });
  const auto r = run_elf(bad);
  ASSERT_THAT(codes(r.report), ::testing::ElementsAre(Code::ElfBadHeader));
  EXPECT_EQ(r.report.diagnostics[0].observed.get("field"), "segment 0 p_filesz");
}

TEST_F(ImageStep, NoLoadableSegment) {
  const auto path = mutated("m33_ns.elf", [](auto& b) {
    const auto phoff = stm32mp::testing::get_u32(b, 28);
    for (int i = 0; i < (b[44] | (b[45] << 8)); ++i) put_u32(b, phoff + 32U * static_cast<std::uint32_t>(i), 0);  // PT_NULL
  });
  EXPECT_THAT(codes(run_elf(path).report), ::testing::Contains(Code::NoLoadableSegment));
}

TEST_F(ImageStep, SegmentsOutsideTheCarveOutsNameTheSegmentAndRegion) {
  const auto r = run_elf(firmware("m33_outside.elf"));
  ASSERT_THAT(codes(r.report), ::testing::Each(Code::SegmentOutsideMemory));
  ASSERT_FALSE(r.report.diagnostics.empty());
  EXPECT_THAT(r.report.diagnostics[0].message, HasSubstr("0x84000000"));
  EXPECT_THAT(r.report.diagnostics[0].message, HasSubstr("STM32MP257F-DK"));
  EXPECT_THAT(r.report.diagnostics[0].message, HasSubstr("bad phdr da 0x84000000"));
}

TEST_F(ImageStep, NoResourceTableIsAWarning) {
  const auto r = run_elf(firmware("m33_ns_no_rsc.elf"));
  EXPECT_THAT(codes(r.report), ::testing::ElementsAre(Code::NoResourceTable));
  EXPECT_EQ(r.report.status, core::StepStatus::warning);
  EXPECT_FALSE(r.facts->has_resource_table);
}

// remoteproc_core.c rproc_elf_find_loaded_rsc_table → find_table: a section smaller than struct
// resource_table gives "header-less resource table"; an empty section is named as such.
TEST_F(ImageStep, EmptyResourceTableSectionIsNamedAsSuch) {
  const auto path = mutated("m33_ns.elf", [](auto& b) {
    const auto shoff = stm32mp::testing::get_u32(b, 32);
    const auto shnum = static_cast<std::uint32_t>(b[48] | (b[49] << 8));
    const auto shstrndx = static_cast<std::uint32_t>(b[50] | (b[51] << 8));
    const auto strtab_off = stm32mp::testing::get_u32(b, shoff + 40U * shstrndx + 16);
    for (std::uint32_t i = 0; i < shnum; ++i) {
      const auto name = stm32mp::testing::get_u32(b, shoff + 40U * i);
      const std::string n(reinterpret_cast<const char*>(b.data() + strtab_off + name));
      if (n == ".resource_table") put_u32(b, shoff + 40U * i + 20, 0);  // sh_size = 0
    }
  });
  const auto r = run_elf(path);
  ASSERT_THAT(codes(r.report), ::testing::Contains(Code::NoResourceTable));
  EXPECT_THAT(r.report.diagnostics[0].message, HasSubstr("an empty .resource_table section (0 bytes)"));
}

TEST_F(ImageStep, FirmwareForAnotherCore) {
  const auto on_m33 = run_elf(firmware("m4.elf"), "m33");
  EXPECT_THAT(codes(on_m33.report), ::testing::Contains(Code::CpuMismatch));
  EXPECT_EQ(on_m33.report.status, core::StepStatus::error) << "an image for another core is an error, not a warning";
  EXPECT_THAT(codes(on_m33.report), ::testing::Contains(Code::SegmentOutsideMemory));
  const auto on_m4 = run_elf(firmware("m4.elf"), "m4");
  EXPECT_EQ(on_m4.report.status, core::StepStatus::ok) << ::testing::PrintToString(codes(on_m4.report));
}

TEST_F(ImageStep, SignedHeaderTlvAndLegacyProblems) {
  const auto header = mutated("m33_ns_sign.bin", [](auto& b) { put_u32(b, 4, 7); });
  EXPECT_THAT(codes(run({"", header, "", ""}).report), ::testing::ElementsAre(Code::SignedHeaderInvalid));
  const auto tlv = mutated("m33_ns_sign.bin", [](auto& b) { b[28] = 9; });
  EXPECT_THAT(codes(run({"", tlv, "", ""}).report), ::testing::ElementsAre(Code::SignedTlvInvalid));
  const auto legacy = mutated("m33_ns_sign.bin", [](auto& b) { put_u32(b, 28, 56); });
  const auto r = run({"", legacy, "", ""});
  EXPECT_THAT(codes(r.report), ::testing::ElementsAre(Code::SignedLegacyFormat));
  EXPECT_EQ(r.facts->kind, image::ImageKind::signed_legacy);
}

TEST_F(ImageStep, UnknownTlvIsAWarning) {
  const auto elf = read_bytes(firmware("m33_ns_stripped.elf"));
  auto tlvs = stm32mp::testing::standard_tlvs(elf, 1);
  tlvs.push_back({0x77, {1}});
  const auto path = dir_.file("unknown_tlv.bin");
  write_bytes(path, stm32mp::testing::assemble_signed(tlvs, std::vector<std::uint8_t>(256, 0), elf));
  const auto r = run({"", path, "", ""});
  EXPECT_THAT(codes(r.report), ::testing::ElementsAre(Code::UnknownTlv));
}

TEST_F(ImageStep, ModifiedSegmentBreaksItsHash) {
  // Flip a byte inside the code segment of the embedded ELF (offset: image area + p_offset).
  const auto path = mutated("m33_ns_sign.bin", [](auto& b) {
    const auto img_offset = 20 + (stm32mp::testing::get_u32(b, 8) + 7) / 8 * 8 + (stm32mp::testing::get_u32(b, 12) + 7) / 8 * 8;
    const auto phoff = stm32mp::testing::get_u32(b, img_offset + 28);
    const auto seg0 = stm32mp::testing::get_u32(b, img_offset + phoff + 4);
    b[img_offset + seg0 + 0x50] ^= 0xFF;
  });
  const auto r = run({"", path, "", ""});
  ASSERT_THAT(codes(r.report), ::testing::Contains(Code::SegmentHashMismatch));
  EXPECT_EQ(r.report.diagnostics[0].observed.get("segment"), "0");
}

TEST_F(ImageStep, SignatureThatDoesNotVerifyAndUnusableKey) {
  const auto wrong = run({"", firmware("m33_ns_sign.bin"), std::string(PRELAUNCH_IMAGE_TEST_DATA) + "/kat_rsa2048.pub.pem", ""});
  EXPECT_THAT(codes(wrong.report), ::testing::ElementsAre(Code::SignatureInvalid));
  const auto ecc_key = run({"", firmware("m33_ns_sign.bin"), stm32mp::testing::firmware_key("test_p256.pub.pem"), ""});
  EXPECT_THAT(codes(ecc_key.report), ::testing::ElementsAre(Code::SignatureInvalid));
  const auto garbage = dir_.file("key.pem");
  write_bytes(garbage, {'x'});
  EXPECT_THAT(codes(run({"", firmware("m33_ns_sign.bin"), garbage, ""}).report), ::testing::ElementsAre(Code::KeyUnusable));
}

TEST_F(ImageStep, BootAddrNotAtTheVectorTable) {
  const auto path = dir_.file("bad_boot.bin");
  const auto s = stm32mp::testing::cli({"sign", "--in", firmware("m33_ns_stripped.elf"), "--out", path, "--key",
                                        stm32mp::testing::firmware_key("test_rsa2048.pem"), "--plat-tlv", "BOOTADDR", "0x80100100"});
  ASSERT_EQ(s.exit_code, 0) << s.out;
  const auto r = run({"", path, "", ""});
  ASSERT_THAT(codes(r.report), ::testing::ElementsAre(Code::BootAddrMismatch));
  EXPECT_THAT(r.report.diagnostics[0].fix, HasSubstr("BOOTADDR 0x80100000"));
}

TEST_F(ImageStep, StaleSignedImage) {
  // The signed image holds m33_ns; the ELF being debugged is another build (no resource table).
  const auto r = run({firmware("m33_ns_no_rsc.elf"), firmware("m33_ns_sign.bin"), "", ""});
  EXPECT_THAT(codes(r.report), ::testing::Contains(Code::StaleSignedImage));
}

TEST(ImageKindFits, TeeNeedsSignedAndElfNeedsPlain) {
  image::ImageFacts f;
  f.upload_path = "/x/fw.elf";
  f.kind = image::ImageKind::elf;
  auto d = image::check_kind_fits(f, "TEE\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->code, Code::ImageKindMismatch);
  EXPECT_THAT(d->message, HasSubstr("signed image"));
  EXPECT_THAT(d->message, HasSubstr("ffff0006"));
  EXPECT_FALSE(image::check_kind_fits(f, "ELF"));
  f.kind = image::ImageKind::signed_image;
  d = image::check_kind_fits(f, "ELF");
  ASSERT_TRUE(d);
  EXPECT_THAT(d->message, HasSubstr("bad magic"));
  EXPECT_FALSE(image::check_kind_fits(f, "TEE"));
  EXPECT_FALSE(image::check_kind_fits(f, ""));
  f.kind = image::ImageKind::signed_legacy;
  EXPECT_TRUE(image::check_kind_fits(f, "TEE"));
}

// The remote steps' model of the image without the image step (--skip image): the same facts as the
// step gives, read by the one parser (image/), or the reason the file cannot be read.
TEST_F(ImageStep, FactsWithoutTheStepAreTheStepsFacts) {
  for (const auto& [elf, sig] : {std::pair{firmware("m33_ns.elf"), std::string()},
                                 std::pair{firmware("m33_ns.elf"), firmware("m33_ns_sign.bin")}}) {
    const auto step = run({elf, sig, "", "m33"});
    ASSERT_TRUE(step.facts) << elf << " " << sig;
    const auto read = image::read_image_facts(sig.empty() ? elf : sig, elf);
    ASSERT_TRUE(read) << read.error();
    EXPECT_EQ(read->kind, step.facts->kind);
    EXPECT_EQ(read->upload_path, step.facts->upload_path);
    EXPECT_EQ(read->upload_size, step.facts->upload_size);
    EXPECT_EQ(read->upload_sha256, step.facts->upload_sha256);
    EXPECT_EQ(read->segments, step.facts->segments);
    EXPECT_EQ(read->has_resource_table, step.facts->has_resource_table);
    EXPECT_EQ(read->boot_addr, step.facts->boot_addr);
    EXPECT_EQ(read->upload_name(), sig.empty() ? "m33_ns.elf" : "m33_ns_sign.bin");
  }
  const auto signed_facts = image::read_image_facts(firmware("m33_ns_sign.bin"), "");
  ASSERT_TRUE(signed_facts);
  EXPECT_EQ(signed_facts->kind, image::ImageKind::signed_image);
  EXPECT_FALSE(signed_facts->segments.empty()) << "the embedded ELF's segments";
}

TEST_F(ImageStep, FactsWithoutTheStepHashAnyFileAndNameAnUnreadableOne) {
  const auto path = dir_.file("abc");
  write_bytes(path, {'a', 'b', 'c'});
  const auto abc = image::read_image_facts(path, "");
  ASSERT_TRUE(abc) << abc.error();
  EXPECT_EQ(abc->upload_sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(abc->kind, image::ImageKind::other);
  const auto missing = image::read_image_facts(dir_.file("missing.elf"), "");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error(), HasSubstr("missing.elf"));
}

TEST(InspectCommand, JsonOfARealImage) {
  const auto r = stm32mp::testing::cli({"inspect", firmware("m33_ns_sign.bin"), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"signed.kind\""));
  EXPECT_THAT(r.out, HasSubstr("BOOTADDR = 0x80100000"));
  const auto bad = stm32mp::testing::cli({"inspect", firmware("m33_outside.elf")});
  EXPECT_EQ(bad.exit_code, 1) << "a segment the board will refuse is an error (issue 10)";
  EXPECT_THAT(bad.out, HasSubstr("IMG010"));
}

}  // namespace
}  // namespace stm32mp::steps
