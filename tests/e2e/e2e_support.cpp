#include "e2e/e2e_support.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/run_process.h"

namespace stm32mp::e2e {

CheckRun run_check(const boardsim::SimulatedBoard& board, const std::vector<std::string>& extra, int timeout_ms) {
  std::vector<std::string> args{"--host", board.host(), "--identity", board.identity(), "--known-hosts", board.known_hosts()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli_check(args, timeout_ms);
}

namespace {

CheckRun run_cli(const std::vector<std::string>& argv, int timeout_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = testing::run_process(argv, {}, timeout_ms);
  CheckRun run;
  run.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  run.exit_code = r.exit_code;
  run.raw = r.out + r.err;
  try {
    run.report = nlohmann::json::parse(r.out);
  } catch (const std::exception&) {
    run.report = nlohmann::json::object();
  }
  return run;
}

}  // namespace

CheckRun run_cli_check(const std::vector<std::string>& args, int timeout_ms) {
  std::vector<std::string> argv{PRELAUNCH_CLI, "check", "--skip", "devices,serial-port", "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_cli(argv, timeout_ms);
}

CheckRun run_log(const std::string& path, int timeout_ms) { return run_cli({PRELAUNCH_CLI, "log", path, "--json"}, timeout_ms); }

const nlohmann::json& step(const CheckRun& run, const std::string& id) {
  static const nlohmann::json none = nlohmann::json::object();
  if (!run.report.contains("steps")) return none;
  for (const auto& s : run.report["steps"]) {
    if (s.value("id", "") == id) return s;
  }
  return none;
}

std::string status(const CheckRun& run, const std::string& id) { return step(run, id).value("status", "absent"); }

nlohmann::json diagnostic(const CheckRun& run, const std::string& id, const std::string& code) {
  const auto& s = step(run, id);
  if (!s.contains("diagnostics")) return nullptr;
  for (const auto& d : s["diagnostics"]) {
    if (d.value("code", "") == code) return d;
  }
  return nullptr;
}

std::string observed(const CheckRun& run, const std::string& id, const std::string& key) {
  const auto& s = step(run, id);
  if (!s.contains("observed") || !s["observed"].contains(key)) return "";
  return s["observed"][key].get<std::string>();
}

std::string summary(const CheckRun& run) {
  if (!run.report.contains("steps")) {
    // Appended, not `"…" + string`: g++ 12 -O3 reports a false -Wrestrict overlap for that operator+.
    std::string none = "no JSON report; output: ";
    none.append(run.raw, 0, 2000);
    return none;
  }
  std::string out;
  for (const auto& s : run.report["steps"]) {
    out += s.value("id", "?") + "=" + s.value("status", "?");
    for (const auto& d : s["diagnostics"]) {
      out.append(" ").append(d.value("code", "")).append("(").append(d.value("message", "")).append(")");
    }
    if (s.contains("observed") && s["observed"].contains("skipped_because")) {
      out += " [" + s["observed"]["skipped_because"].get<std::string>() + "]";
    }
    out += "\n";
  }
  return out;
}

std::string board_shell(const boardsim::SimulatedBoard& board, const std::string& command) {
  const std::string pid = std::to_string(board.info().at("init_pid").get<int>());
  auto r = boardsim::detail::run_command({"/usr/bin/nsenter", "-t", pid, "-n", "-m", "-u", "--", "/bin/sh", "-c", command},
                                         std::chrono::seconds(30));
  return r.out;
}

std::string firmware(const std::string& name) { return std::string(PRELAUNCH_FIRMWARE_DIR) + "/" + name; }

std::string padded_copy(const std::string& source, const std::string& dir, const std::string& name, std::size_t size) {
  std::ifstream in(source, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < size) data.resize(size, '\0');
  const auto path = (std::filesystem::path(dir) / name).string();
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

std::string sign_with(const std::string& elf, const std::string& key, const std::string& out) {
  auto r = testing::run_process({"/usr/bin/python3", std::string(PRELAUNCH_SOURCE_DIR) + "/tests/board-sim/tools/rproc_sign.py",
                                 "--in", elf, "--out", out, "--key", key});
  if (r.exit_code != 0) throw std::runtime_error("rproc_sign.py failed: " + r.err);
  return out;
}

}  // namespace stm32mp::e2e
