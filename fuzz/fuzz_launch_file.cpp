// libFuzzer target: config::parse_launch_xml on arbitrary bytes (the launch file the user names), then every
// accessor the config step calls. Its caps (elements, attribute sizes) must hold on anything.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/launch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const std::string xml(reinterpret_cast<const char*>(data), size);
  const auto launch = config::parse_launch_xml(xml);
  if (!launch) {
    if (launch.error().reason.empty()) std::abort();  // every refusal says why
    return 0;
  }
  for (const auto& [key, value] : launch->attributes) {
    if (key.size() > config::kMaxLaunchAttributeBytes || value.size() > config::kMaxLaunchAttributeBytes) std::abort();
  }
  (void)launch->serial_device();
  (void)launch->board_address();
  (void)launch->production_mode();
  (void)launch->program();
  (void)launch->project();
  (void)launch->connection();
  return 0;
}
