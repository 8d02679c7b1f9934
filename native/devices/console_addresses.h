#pragma once
// The board's IPv4 addresses as its own shell reports them on the serial console, so that a failed
// connection can be answered with "the board says it is at …" (F17: DHCP gave it another address).
#include <string>
#include <string_view>
#include <vector>

namespace stm32mp::devices {

// The fixed, read-only command typed on the console. One line per address (-o), global scope only
// (no 127.0.0.1).
inline constexpr std::string_view kAddressQuery = "ip -4 -o addr show scope global";

struct ConsoleAddress {
  std::string interface;  // end0, usb0, …
  std::string address;    // dotted quad, without the prefix length
};

// Parses `ip -4 -o addr` output ("2: end0    inet 10.77.1.2/24 brd … scope global end0"); the echoed
// command line and anything else is ignored.
[[nodiscard]] std::vector<ConsoleAddress> parse_ip_addr_output(std::string_view text);
// "end0 10.77.1.2, usb0 192.168.7.1": how reports show them (the serial-port step's `board_addresses`).
[[nodiscard]] std::string describe(const std::vector<ConsoleAddress>& addresses);

}  // namespace stm32mp::devices
