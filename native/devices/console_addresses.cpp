#include "devices/console_addresses.h"

#include <regex>
#include <sstream>

namespace stm32mp::devices {

std::vector<ConsoleAddress> parse_ip_addr_output(std::string_view text) {
  std::vector<ConsoleAddress> found;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string index, interface, family, cidr;
    if (!(words >> index >> interface >> family >> cidr)) continue;
    if (index.empty() || index.back() != ':' || family != "inet") continue;
    const auto address = cidr.substr(0, cidr.find('/'));
    // Only a real dotted quad is offered to the user: four numbers 0-255 without leading zeros, as
    // inet_pton(AF_INET) accepts (not used: it is a socket-library call, not available alike on Windows).
    static const std::regex dotted_quad(R"(^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$)");
    if (!std::regex_match(address, dotted_quad)) continue;
    found.push_back({interface, address});
  }
  return found;
}

std::string describe(const std::vector<ConsoleAddress>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a.interface + " " + a.address;
  return out;
}

}  // namespace stm32mp::devices
