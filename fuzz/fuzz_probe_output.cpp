// libFuzzer target: remote::ProbeOutput::parse on arbitrary bytes (a board's reply to the probe scripts),
// then every lookup the target and upload steps make. A refusal names the malformed line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "remote/probe_output.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto out = remote::ProbeOutput::parse(text);
  if (!out) {
    if (out.error().empty()) std::abort();
    return 0;
  }
  for (const auto& [key, value] : out->entries()) {
    (void)out->get(key);
    (void)out->get_all(key);
    (void)out->value_or(key, "");
    (void)remote::hex_decode(value);
  }
  (void)remote::hex_decode(text);
  return 0;
}
