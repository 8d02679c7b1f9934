#include <gtest/gtest.h>

#include "image/elf_reader.h"
#include "image/image_test_support.h"
#include "image/memory_map.h"

namespace stm32mp::image {
namespace {

Segment load(std::uint32_t paddr, std::uint32_t memsz) { return Segment{kPtLoad, 0, paddr, paddr, 0, memsz, 5, 4}; }

TEST(MemoryMap, SegmentMustFitInOneRegion) {
  const std::vector<MemoryRegion> regions{{"fw", 0x1000, 0x1000}, {"data", 0x2000, 0x1000}};
  const auto out = segments_outside({load(0x1000, 0x1000), load(0x1800, 0x1000), load(0x5000, 4), Segment{}}, regions);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].index, 1U) << "spanning two adjacent regions is refused, like rproc_da_to_va";
  EXPECT_EQ(out[1].index, 2U);
  EXPECT_EQ(out[1].nearest_region, "data");
}

TEST(MemoryMap, EndAtTopOfAddressSpaceDoesNotWrap) {
  const std::vector<MemoryRegion> regions{{"low", 0, 0x100}};
  EXPECT_EQ(segments_outside({load(0xFFFFFF00U, 0x200)}, regions).size(), 1U);
}

TEST(MemoryMap, RealFirmwareAgainstTheBuiltInProfiles) {
  const auto* mp25 = find_profile_by_remoteproc("m33");
  const auto* mp15 = find_profile_by_remoteproc("m4");
  ASSERT_TRUE(mp25 && mp15);
  const auto inside = read_elf(testing::read_bytes(testing::firmware("m33_ns.elf")));
  const auto outside = read_elf(testing::read_bytes(testing::firmware("m33_outside.elf")));
  const auto m4 = read_elf(testing::read_bytes(testing::firmware("m4.elf")));
  ASSERT_TRUE(inside && outside && m4);
  EXPECT_TRUE(segments_outside(inside->segments, mp25->regions).empty());
  EXPECT_EQ(segments_outside(outside->segments, mp25->regions).size(), outside->loadable_count());
  EXPECT_TRUE(segments_outside(m4->segments, mp15->regions).empty());
  EXPECT_FALSE(segments_outside(m4->segments, mp25->regions).empty());
}

// ST's current device trees (STM32CubeMP2 v1.2.0) have scmi-cid2-s/ns at 0x0a041000/0x0a042000 and
// cm33-sram1 at 0x0a043000 on the DK as on the EV1; an older DK device tree had SRAM1 at 0x0a041000.
TEST(MemoryMap, DkAndEv1Sram1StartAfterTheScmiPagesAsInCubeMp2DeviceTrees) {
  using namespace std::string_literals;
  const auto* dk = find_profile_by_compatible("st,stm32mp257f-dk\0st,stm32mp257\0"s);
  const auto* ev1 = find_profile_by_compatible("st,stm32mp257f-ev1\0st,stm32mp257\0"s);
  ASSERT_NE(dk, nullptr);
  ASSERT_NE(ev1, nullptr);
  Segment at_scmi;
  at_scmi.type = kPtLoad;
  at_scmi.vaddr = at_scmi.paddr = 0x0a041000;
  at_scmi.filesz = at_scmi.memsz = 0x1000;
  EXPECT_EQ(segments_outside({at_scmi}, dk->regions).size(), 1u) << "the DK's SCMI page is no M33 memory";
  EXPECT_EQ(segments_outside({at_scmi}, ev1->regions).size(), 1u);
  Segment at_sram1 = at_scmi;
  at_sram1.vaddr = at_sram1.paddr = 0x0a043000;
  at_sram1.filesz = at_sram1.memsz = 0x1d000;
  EXPECT_TRUE(segments_outside({at_sram1}, ev1->regions).empty());
  EXPECT_TRUE(segments_outside({at_sram1}, dk->regions).empty());
  Segment past_end = at_sram1;
  past_end.memsz = 0x1d001;
  EXPECT_EQ(segments_outside({past_end}, dk->regions).size(), 1u) << "SRAM1 ends where SRAM2 begins, 0x0a060000";
  EXPECT_NE(dk->source.find("STM32CubeMP2 v1.2.0"), std::string::npos) << "the profile names the DT release it follows";
}

TEST(MemoryMap, ProfileByDeviceTreeCompatible) {
  using namespace std::string_literals;
  const auto* dk = find_profile_by_compatible("st,stm32mp257f-dk\0st,stm32mp257\0"s);
  ASSERT_NE(dk, nullptr);
  EXPECT_EQ(dk->remoteproc, "m33");
  EXPECT_NE(dk->name.find("DK"), std::string::npos);
  const auto* ev1 = find_profile_by_compatible("st,stm32mp257f-ev1\0st,stm32mp257\0"s);
  ASSERT_NE(ev1, nullptr);
  EXPECT_NE(ev1->name.find("EV1"), std::string::npos);
  const auto* dk2 = find_profile_by_compatible("st,stm32mp157c-dk2\0st,stm32mp157\0"s);
  ASSERT_NE(dk2, nullptr);
  EXPECT_EQ(dk2->remoteproc, "m4");
  EXPECT_EQ(find_profile_by_compatible("raspberrypi,4-model-b\0brcm,bcm2711\0"s), nullptr);
  EXPECT_EQ(find_profile_by_compatible(""), nullptr);
  const auto& regions = dk->regions;
  const auto fw = std::find_if(regions.begin(), regions.end(), [](const MemoryRegion& r) { return r.name == "cm33_cube_fw"; });
  ASSERT_NE(fw, regions.end());
  EXPECT_EQ(fw->start, 0x80100000U);
  EXPECT_EQ(fw->size, 0x800000U);
}

}  // namespace
}  // namespace stm32mp::image
