// Checks a firmware file the way Linux's remoteproc_elf_loader.c does (sanity check, resource table lookup,
// segment load into the carve-outs) and reports the kernel's own messages and error codes.
// Written from the kernel's behaviour, not from its code; the rules are listed in elf_loader_check.cpp.
#pragma once

#include "carve_out.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace boardsim {

struct ElfCheckResult {
    int sanity_err = 0;          // rproc_elf_sanity_check(): negative errno, 0 = passed
    std::string sanity_msg;      // e.g. "Image is corrupted (bad magic)"
    bool rsc_table_found = false;
    std::string rsc_msg;         // find_table() complaint ("resource table truncated"), empty if none
    int load_err = 0;            // rproc_elf_load_segments()
    std::string load_msg;        // e.g. "bad phdr da 0x80100000 mem 0x540"
    // Address of the vector table section (.isr_vector in CubeMX's linker scripts; ST's driver looks for
    // .isr_vectors, the simulator accepts both), which ST's driver writes into the boot register.
    std::optional<std::uint64_t> vector_table;
};

[[nodiscard]] ElfCheckResult check_elf_firmware(std::span<const std::uint8_t> fw,
                                                const std::vector<CarveOut>& carve_outs);

}  // namespace boardsim
