#pragma once
// Which file the kernel actually booted, from its own line: rproc_fw_boot prints
// "Booting fw image <name>, size <bytes>" (drivers/remoteproc/remoteproc_core.c, mainline and ST's
// fork, ELF and TEE mode alike) after the firmware loader found the file. Compared with what was
// asked for and uploaded, it shows an older copy started instead (firmware_class.path searched
// before /lib/firmware, another file of the same name).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stm32mp::remote {

struct BootedImage {
  std::string name;
  std::uint64_t size = 0;
  std::string line;  // the kernel line, as evidence
};

// The last such line of `log` (the start log of one instance), or nullopt.
[[nodiscard]] std::optional<BootedImage> booted_image(const std::vector<std::string>& log);

}  // namespace stm32mp::remote
