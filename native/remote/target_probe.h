#pragma once
// The fixed script the `target` step runs on the board (no caller input is ever inserted into it:
// it lists every remoteproc instance instead of being told which one to read) and its parser.
#include <string>
#include <string_view>

#include "core/expected.h"
#include "remote/probe_output.h"
#include "remote/target_facts.h"

namespace stm32mp::remote {

[[nodiscard]] const std::string& target_probe_script();

// Turns the probe's reply into facts; an error when the reply is cut short or not the probe's.
[[nodiscard]] core::expected<TargetFacts, std::string> parse_target_facts(const ProbeOutput& out);

// Device-tree `reg` of a reserved-memory node: big-endian cells, (address, size) pairs.
[[nodiscard]] std::vector<image::MemoryRegion> parse_reg(const std::string& node, std::string_view reg, int address_cells,
                                               int size_cells);

}  // namespace stm32mp::remote
