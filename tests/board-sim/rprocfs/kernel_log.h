// Appends kernel-style lines ("[   12.345678] remoteproc remoteproc1: powering up m33") to the board's
// simulated kernel log, which `dmesg` inside the board prints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace boardsim {

class KernelLog {
public:
    KernelLog() = default;
    KernelLog(std::string path, std::int64_t boot_monotonic_ns);

    // One line, prefixed with the time since board start. `device` is the kernel's dev_name prefix
    // ("remoteproc remoteproc1"); empty for lines without a device.
    void line(std::string_view device, std::string_view message) const;
    // A line without timestamp (the OP-TEE secure console prints "E/TA: …" as is).
    void raw(std::string_view text) const;

private:
    std::string path_;
    std::int64_t boot_ns_ = 0;
};

}  // namespace boardsim
