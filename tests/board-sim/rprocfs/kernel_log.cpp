#include "kernel_log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

namespace boardsim {

KernelLog::KernelLog(std::string path, std::int64_t boot_monotonic_ns)
    : path_(std::move(path)), boot_ns_(boot_monotonic_ns) {}

void KernelLog::line(std::string_view device, std::string_view message) const {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::int64_t since = now.tv_sec * 1000000000LL + now.tv_nsec - boot_ns_;
    if (since < 0) since = 0;
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "[%5lld.%06lld] ", static_cast<long long>(since / 1000000000LL),
                  static_cast<long long>((since % 1000000000LL) / 1000));
    std::string text = stamp;
    if (!device.empty()) {
        text += device;
        text += ": ";
    }
    text += message;
    raw(text);
}

void KernelLog::raw(std::string_view message) const {
    if (path_.empty()) return;
    std::string text(message);
    text += '\n';
    // O_APPEND + one write per line: the board-sim script appends to the same file, lines must not interleave.
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ssize_t written = ::write(fd, text.data(), text.size());
    (void)written;
    ::close(fd);
}

}  // namespace boardsim
