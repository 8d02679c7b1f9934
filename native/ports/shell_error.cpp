#include "ports/board_session.h"

namespace stm32mp::ports {

RemoteError::Kind kind_from_shell_error(const std::string& text) {
  using K = RemoteError::Kind;
  if (text.find("Read-only file system") != std::string::npos) return K::read_only;
  if (text.find("No space left") != std::string::npos) return K::no_space;
  if (text.find("Permission denied") != std::string::npos || text.find("not permitted") != std::string::npos) {
    return K::permission_denied;
  }
  if (text.find("No such file") != std::string::npos) return K::no_such_file;
  return K::failure;
}

}  // namespace stm32mp::ports
