#pragma once
// End-to-end helpers: run the real CLI (stm32mp-prelaunch check --json) against a simulated board
// and look into its report; run commands inside the board (its namespaces) to set up or inspect it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "board_fixture.h"

namespace stm32mp::e2e {

struct CheckRun {
  int exit_code = -1;
  nlohmann::json report;
  std::string raw;
  long long wall_ms = 0;
};

// check --host/--identity/--known-hosts of `board`, --skip devices,serial-port (the host-side serial
// steps have their own tests), --json, plus `extra`.
CheckRun run_check(const boardsim::SimulatedBoard& board, const std::vector<std::string>& extra, int timeout_ms = 90000);
// check --skip devices,serial-port --json plus `args` only (no login options of a board).
CheckRun run_cli_check(const std::vector<std::string>& args, int timeout_ms = 90000);
// `log <path> --json`: a saved kernel log (e.g. the board's, SimulatedBoard::kernel_log()); its step id is "log".
CheckRun run_log(const std::string& path, int timeout_ms = 90000);

const nlohmann::json& step(const CheckRun& run, const std::string& id);
std::string status(const CheckRun& run, const std::string& id);
// The diagnostic with `code` in step `id`, or null json.
nlohmann::json diagnostic(const CheckRun& run, const std::string& id, const std::string& code);
std::string observed(const CheckRun& run, const std::string& id, const std::string& key);
// Summary for failure messages: every step's status and codes.
std::string summary(const CheckRun& run);

// sh -c `command` inside the board's mount/network/UTS namespaces; returns stdout.
std::string board_shell(const boardsim::SimulatedBoard& board, const std::string& command);

// Test firmware built by tests/firmware (arm-none-eabi-gcc).
std::string firmware(const std::string& name);

// A copy of `source` padded with zeros to `size` bytes (trailing bytes after an ELF are ignored by
// the loaders), named `name` in `dir`.
std::string padded_copy(const std::string& source, const std::string& dir, const std::string& name, std::size_t size);

// Signs `elf` with the board-sim's test signer (tests/board-sim/tools/rproc_sign.py) and `key`.
std::string sign_with(const std::string& elf, const std::string& key, const std::string& out);

}  // namespace stm32mp::e2e
