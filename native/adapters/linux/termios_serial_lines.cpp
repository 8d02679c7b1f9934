#include "adapters/linux/termios_serial_lines.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stm32mp::adapters::linux_os {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

class TermiosLine final : public ports::SerialLine {
 public:
  explicit TermiosLine(int fd) : fd_(fd) {}
  ~TermiosLine() override {
    if (exclusive_) (void)ioctl(fd_, TIOCNXCL);  // TIOCEXCL outlives close on a pty: always undo it
    (void)flock(fd_, LOCK_UN);
    (void)close(fd_);
  }
  TermiosLine(const TermiosLine&) = delete;
  TermiosLine& operator=(const TermiosLine&) = delete;

  void set_exclusive() {
    // While the step talks to the console, a second opener would steal bytes. Root bypasses it;
    // undone in the destructor.
    exclusive_ = ioctl(fd_, TIOCEXCL) == 0;
  }

  std::optional<std::string> configure_115200_8n1() override {
    termios t{};
    if (tcgetattr(fd_, &t) != 0) return errno_text("tcgetattr");
    cfmakeraw(&t);
    if (cfsetispeed(&t, B115200) != 0 || cfsetospeed(&t, B115200) != 0) return errno_text("cfsetspeed");
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd_, TCSANOW, &t) != 0) return errno_text("tcsetattr");
    (void)tcflush(fd_, TCIOFLUSH);  // stale bytes from before the CR would confuse the classifier
    return std::nullopt;
  }

  std::optional<std::string> write(const std::string& bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          pollfd p{fd_, POLLOUT, 0};
          (void)poll(&p, 1, 100);
          continue;
        }
        return errno_text("write");
      }
      done += static_cast<std::size_t>(n);
    }
    return std::nullopt;
  }

  core::expected<std::string, std::string> read_some(const core::Deadline& deadline,
                                                     const core::CancelToken& cancel) override {
    std::string out;
    while (!cancel.cancelled()) {
      const auto slice = deadline.slice();
      pollfd p{fd_, POLLIN, 0};
      const int rc = poll(&p, 1, static_cast<int>(slice.count()));
      if (rc < 0 && errno != EINTR) return core::unexpected{errno_text("poll")};
      if (rc > 0) {
        char buf[512];
        const auto n = ::read(fd_, buf, sizeof buf);
        if (n > 0) {
          out.append(buf, static_cast<std::size_t>(n));
          return out;  // the caller decides whether to keep reading
        }
        if (n == 0 || (n < 0 && errno == EIO)) return core::unexpected{std::string("the line was closed (device unplugged?)")};
        if (n < 0 && errno != EAGAIN && errno != EINTR) return core::unexpected{errno_text("read")};
      }
      if (deadline.expired()) break;
    }
    return out;
  }

 private:
  int fd_;
  bool exclusive_ = false;
};

}  // namespace

core::expected<std::unique_ptr<ports::SerialLine>, ports::OpenError> TermiosSerialLines::open_exclusive(
    const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    ports::OpenError e;
    e.error_number = errno;
    e.text = std::strerror(errno);
    e.kind = errno == ENOENT || errno == ENXIO || errno == ENODEV ? ports::OpenError::Kind::not_found
             : errno == EACCES || errno == EPERM                  ? ports::OpenError::Kind::permission
             : errno == EBUSY                                     ? ports::OpenError::Kind::busy
                                                                  : ports::OpenError::Kind::other;
    return core::unexpected{e};
  }
  // flock is what picocom, pyserial (exclusive=True) and libserialport take: a held lock means a
  // program is using the port right now.
  if (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    ports::OpenError e{ports::OpenError::Kind::locked, errno, std::strerror(errno)};
    (void)close(fd);
    return core::unexpected{e};
  }
  auto line = std::make_unique<TermiosLine>(fd);
  line->set_exclusive();
  return std::unique_ptr<ports::SerialLine>(std::move(line));
}

}  // namespace stm32mp::adapters::linux_os
