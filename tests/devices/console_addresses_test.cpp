#include "devices/console_addresses.h"

#include <gtest/gtest.h>

namespace stm32mp::devices {
namespace {

TEST(ConsoleAddresses, ParsesIpOneLineOutputAndIgnoresTheEchoedCommand) {
  const std::string answer =
      "ip -4 -o addr show scope global\r\n"
      "2: end0    inet 10.77.1.2/24 brd 10.77.1.255 scope global end0\\       valid_lft forever preferred_lft forever\r\n"
      "5: usb0    inet 192.168.7.1/24 scope global usb0\\       valid_lft forever preferred_lft forever\r\n"
      "root@stm32mp2-e3-c7-3f:~# ";
  const auto found = parse_ip_addr_output(answer);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].interface, "end0");
  EXPECT_EQ(found[0].address, "10.77.1.2");
  EXPECT_EQ(describe(found), "end0 10.77.1.2, usb0 192.168.7.1");
}

TEST(ConsoleAddresses, RefusesWhatIsNotAnIpv4Address) {
  EXPECT_TRUE(parse_ip_addr_output("3: eth0    inet6 fe80::1/64 scope link\n").empty());
  EXPECT_TRUE(parse_ip_addr_output("2: end0    inet 999.1.1.1/24 scope global end0\n").empty());
  EXPECT_TRUE(parse_ip_addr_output("-sh: ip: not found\nroot@stm32mp2:~# ").empty());
  EXPECT_TRUE(parse_ip_addr_output("").empty());
}

TEST(ConsoleAddresses, DescribedInTheOrderTheBoardListedThem) {
  EXPECT_EQ(describe({{"end0", "10.0.0.5"}, {"usb0", "192.168.7.1"}}), "end0 10.0.0.5, usb0 192.168.7.1");
  EXPECT_EQ(describe({}), "");
}

}  // namespace
}  // namespace stm32mp::devices
