#include <gtest/gtest.h>

#include "devices/console_classifier.h"
#include "devices/stlink_models.h"

namespace stm32mp::devices {
namespace {

TEST(ConsoleClassifier, ShellPromptWithBracketedPasteCodes) {
  const auto r = classify_console("\r\n\x1b[?2004hroot@stm32mp2-e3-c7-3f:~# ");
  EXPECT_EQ(r.state, ConsoleState::shell);
  EXPECT_EQ(r.last_line, "root@stm32mp2-e3-c7-3f:~# ");
  EXPECT_TRUE(ends_with_prompt("\r\nroot@stm32mp1:~# "));
}

TEST(ConsoleClassifier, LoginUBootNoiseSilenceGarbage) {
  EXPECT_EQ(classify_console("\r\nstm32mp1 login: ").state, ConsoleState::login);
  EXPECT_EQ(classify_console("\r\nSTM32MP> ").state, ConsoleState::uboot);
  EXPECT_EQ(classify_console("").state, ConsoleState::silence);
  EXPECT_EQ(classify_console("\r\n").state, ConsoleState::silence);
  const auto noise = classify_console("E/TC:0 0 stm32_pm_notif:1 low power\r\n[   12.5] rproc\r\n");
  EXPECT_EQ(noise.state, ConsoleState::log_only);
  EXPECT_TRUE(noise.log_noise);
  EXPECT_EQ(noise.noise_line, "E/TC:0 0 stm32_pm_notif:1 low power");
  const auto bad = classify_console(std::string("\xf0\x8f\xa3\xfe\x00\x9c", 6));
  EXPECT_EQ(bad.state, ConsoleState::garbage);
  EXPECT_EQ(bad.first_line, "\\xf0\\x8f\\xa3\\xfe\\x00\\x9c");
}

TEST(ConsoleClassifier, SanitiseCutsLongLines) {
  EXPECT_EQ(sanitise(std::string(200, 'a'), 10), "aaaaaaaaaa…");
}

TEST(StlinkModels, KnownPidsAndVcp) {
  EXPECT_EQ(find_stlink(0x0483, 0x374e)->name, "STLINK-V3E");
  EXPECT_EQ(find_stlink(0x0483, 0x3753)->vcp, VcpSupport::two);
  EXPECT_FALSE(carries_vcp(find_stlink(0x0483, 0x3748)->vcp));
  EXPECT_FALSE(find_stlink(0x0403, 0x374e).has_value());
  EXPECT_FALSE(find_stlink(0x0483, 0x5740).has_value()) << "an STM32 CDC device is not an ST-LINK";
}

}  // namespace
}  // namespace stm32mp::devices
