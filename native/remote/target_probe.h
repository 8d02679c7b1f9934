#pragma once
// The fixed script the `target` step runs on the board (no caller input is ever inserted into it:
// it lists every remoteproc instance instead of being told which one to read) and its parser. The one thing
// it is told, the image's basename, comes as the first line of its stdin (probe_input): it then reads that
// file's SHA-256 too (TargetFacts::image_copy).
#include <string>
#include <string_view>

#include "core/expected.h"
#include "remote/probe_output.h"
#include "remote/target_facts.h"

namespace stm32mp::remote {

[[nodiscard]] const std::string& target_probe_script();
// The probe's stdin for an image named `basename`: its first line; "" (nothing read) for a name that is not one
// plain line.
[[nodiscard]] std::string probe_input(const std::string& basename);

// Turns the probe's reply into facts; an error when the reply is cut short or not the probe's.
[[nodiscard]] core::expected<TargetFacts, std::string> parse_target_facts(const ProbeOutput& out);

// Device-tree `reg` of a reserved-memory node: big-endian cells, (address, size) pairs.
[[nodiscard]] std::vector<image::MemoryRegion> parse_reg(const std::string& node, std::string_view reg, int address_cells,
                                               int size_cells);

}  // namespace stm32mp::remote
