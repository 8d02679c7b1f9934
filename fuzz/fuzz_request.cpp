// libFuzzer target: api::parse_request on arbitrary bytes (the JSON request the Eclipse plug-in hands the JNI
// bridge). Anything but a RequestError with a code escaping it would cross JNI: abort.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  try {
    (void)api::parse_request(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const api::RequestError& e) {
    if (e.code().empty()) std::abort();
  }
  return 0;
}
