// request_firmware() as the kernel's firmware loader does it for remoteproc (drivers/base/firmware_loader/
// main.c, fs/kernel_read_file.c): the search path, the '..' refusal and each errno with its log line.
#pragma once

#include "kernel_log.h"

#include <cstdint>
#include <string>
#include <vector>

namespace boardsim {

struct FirmwareSearch {
    std::string fw_path_param;   // the firmware_class.path module parameter file (a custom first directory)
    std::string firmware_dir;    // /lib/firmware
    std::string kernel_release;  // `uname -r` of the board: /lib/firmware/updates/<release>, /lib/firmware/<release>
};

// Reads `name` into `data`; 0 or a negative errno. Logs as `dev` ("remoteproc remoteproc0").
[[nodiscard]] int request_firmware(const KernelLog& log, const std::string& dev, const FirmwareSearch& search,
                                   const std::string& name, std::vector<std::uint8_t>& data);

}  // namespace boardsim
