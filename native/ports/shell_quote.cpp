#include "ports/board_session.h"

namespace stm32mp::ports {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  out += "'";
  return out;
}

}  // namespace stm32mp::ports
