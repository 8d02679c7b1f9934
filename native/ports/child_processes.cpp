#include "ports/child_processes.h"

#include <chrono>
#include <thread>

namespace stm32mp::ports {

std::string ProxyStream::end_reason() {
  for (int i = 0; i < 20 && !exit_status(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto status = exit_status();
  if (!status) return "";
  std::string said = stderr_text();
  while (!said.empty() && (said.back() == '\n' || said.back() == '\r')) said.pop_back();
  const auto last = said.find_last_of('\n');
  if (last != std::string::npos) said = said.substr(last + 1);
  return "the proxy " + program() + " exited with status " + std::to_string(*status) + (said.empty() ? "" : ": " + said);
}

}  // namespace stm32mp::ports
