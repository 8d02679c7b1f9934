#include "devices/console_addresses.h"

#include <arpa/inet.h>

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
    in_addr parsed{};
    // inet_pton rather than a hand-written check: only a real dotted quad is offered to the user.
    if (inet_pton(AF_INET, address.c_str(), &parsed) != 1) continue;
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
