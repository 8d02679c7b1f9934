// libFuzzer target: devices::classify_console on arbitrary bytes (what a board console, or anything on the
// serial line, sends back). The sanitised lines it keeps for the report must hold no control character.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "devices/console_classifier.h"

namespace {

void require_printable(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const std::string_view received(reinterpret_cast<const char*>(data), size);
  const auto r = devices::classify_console(received);
  if (r.bytes > size) std::abort();
  require_printable(r.first_line);
  require_printable(r.last_line);
  require_printable(r.noise_line);
  (void)devices::to_string(r.state);
  (void)devices::ends_with_prompt(received);
  require_printable(devices::sanitise(received));
  return 0;
}
