#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ports/platform.h"

namespace stm32mp::ports {

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

void prepare_console() {}  // a POSIX terminal takes the bytes as they are

// rename(2) replaces the target atomically; until then an older file stays intact.
std::optional<std::string> write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return std::string(std::strerror(errno));
  std::size_t done = 0;
  std::optional<std::string> failure;
  while (done < bytes.size() && !failure) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) failure = std::string(std::strerror(n < 0 ? errno : EIO));
    else done += static_cast<std::size_t>(n);
  }
  if (!failure && ::fchmod(fd, 0644) != 0) failure = std::string(std::strerror(errno));
  if (!failure && ::fsync(fd) != 0) failure = std::string(std::strerror(errno));
  if (::close(fd) != 0 && !failure) failure = std::string(std::strerror(errno));
  if (!failure && std::rename(tmp.c_str(), path.c_str()) != 0) failure = std::string(std::strerror(errno));
  if (failure) ::unlink(tmp.c_str());
  return failure;
}

std::FILE* open_for_reading(const std::string& path) { return std::fopen(path.c_str(), "rb"); }

std::string home_directory() {
  const char* home = std::getenv("HOME");
  return home != nullptr ? home : "";
}

std::string default_agent_address() { return {}; }  // an agent on POSIX is found through SSH_AUTH_SOCK only

}  // namespace stm32mp::ports
