// Every value read from the board is capped where its reply is parsed (issue 15), not only by the report's
// generic 16 KiB fact cap: a hostile board's 1 MiB state or flood of leftovers stays small in memory.
#include <gtest/gtest.h>

#include "remote/board_value.h"
#include "remote/probe_output.h"
#include "remote/rproc_commands.h"
#include "remote/target_probe.h"

namespace stm32mp::remote {
namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

TEST(BoardValueCaps, AHugeInstanceValueIsCutWhereItIsRead) {
  const std::string huge(1 << 20, 'A');
  auto out = ProbeOutput::parse("probe.version=1\nrproc.1=present\nrproc.1.name=m33\nrproc.1.state=" + huge +
                                "\nrproc.1.firmware#=" + hex(std::string(100000, 'f')) + "\nprobe.end=1\n");
  ASSERT_TRUE(out) << out.error();
  const auto list = parse_instances(*out);
  ASSERT_EQ(list.size(), 1U);
  EXPECT_LT(list[0].state.size(), caps::kStateWord + 64);
  EXPECT_EQ(list[0].state.rfind(std::string(caps::kStateWord, 'A'), 0), 0U);
  EXPECT_NE(list[0].state.find("more bytes not shown"), std::string::npos);
  EXPECT_LT(list[0].firmware.size(), caps::kFileName + 64);
}

TEST(BoardValueCaps, AKernelLogFloodAfterAWriteKeepsItsFirstLines) {
  std::string flood;
  for (int i = 0; i < 100000; ++i) flood += "remoteproc remoteproc1: line " + std::to_string(i) + "\n";
  auto out = ProbeOutput::parse("probe.version=1\nwrite.rc=1\nwrite.err#=" + hex(std::string(70000, 'e')) +
                                "\nlog#=" + hex(flood) + "\nprobe.end=1\n");
  ASSERT_TRUE(out) << out.error();
  auto w = parse_write_outcome(*out, 1);
  ASSERT_TRUE(w) << w.error();
  EXPECT_EQ(w->log.size(), caps::kKernelLines);
  EXPECT_EQ(w->log.front(), "remoteproc remoteproc1: line 0");
  EXPECT_LT(w->error_text.size(), caps::kErrorText + 64);
}

TEST(BoardValueCaps, TargetFactsCapTheirListsAndTexts) {
  std::string reply = "probe.version=1\nkernel.release=" + std::string(5000, 'r') + "\n";
  for (int i = 0; i < 1000; ++i) reply += "fw.leftover#=" + hex(std::string(1000, 'x')) + "\n";
  reply += "fw.class_path=" + std::string(10000, 'p') + "\nprobe.end=1\n";
  auto out = ProbeOutput::parse(reply);
  ASSERT_TRUE(out) << out.error();
  auto f = parse_target_facts(*out);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->fw_leftovers.size(), caps::kListEntries);
  EXPECT_LT(f->fw_leftovers[0].size(), caps::kFileName + 64);
  EXPECT_LT(f->kernel_release.size(), caps::kShortText + 64);
  EXPECT_LT(f->firmware_class_path.size(), caps::kPath + 64);
}

TEST(BoardValueCaps, ACutNeverSplitsAUtf8Character) {
  const std::string s = "ab" + std::string("\xc3\xa9") + "cd";  // é spans bytes 2–3
  EXPECT_EQ(capped(s, 3).rfind("ab", 0), 0U);
  EXPECT_EQ(capped(s, 3).substr(0, 3), "ab\xe2");  // "ab" then the start of "…", never a lone 0xc3
  EXPECT_EQ(capped(s, 10), s);
}

}  // namespace
}  // namespace stm32mp::remote
