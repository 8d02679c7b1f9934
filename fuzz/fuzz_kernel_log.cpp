// libFuzzer target: remote::classify_kernel_log on arbitrary text, as `stm32mp-prelaunch log` reads a
// capture a user pasted. Properties: a recognised cause quotes at least one line, every quoted line
// is (the bounded head of) an input line, and the reason texts are never empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "remote/kernel_log_classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp::remote;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto lines = split_lines(text);
  for (const char* wanted : {"m33", "m0"}) {
    const auto v = classify_kernel_log(lines, wanted);
    if (v.cause != LogCause::none && v.evidence.empty()) std::abort();
    for (const auto& e : v.evidence) {
      bool found = false;
      for (const auto& l : lines) found = found || l.compare(0, e.size(), e) == 0;
      if (!found) std::abort();
    }
    if (v.loader_error && firmware_loader_reason(*v.loader_error, v.dotdot_refused).empty()) std::abort();
    if (stop_failure_reason(v, "").empty() || setup_failure_reason(v.cause).empty()) std::abort();
    (void)to_string(v.cause);
  }
  for (const auto& l : lines) (void)kernel_timestamp(l);
  return 0;
}
