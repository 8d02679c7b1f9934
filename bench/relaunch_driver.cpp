// The warm cases of bench/run.sh: relaunches in ONE process through the library, as the IDE does them with
// the JNI bridge loaded (pipeline::run_check with a SessionPool). Not part of the product.
//
//   prelaunch-bench-driver REQUEST_JSON RUNS LAST_PID_COMMAND
//
// REQUEST_JSON is the bridge's request (docs/json-contract.md) with "elf" naming a scratch copy of the image:
// the driver rewrites its last 8 bytes before each "new image" relaunch. LAST_PID_COMMAND prints the board's
// last PID (`board-sim last-pid --dir …`), read around each relaunch to count the processes it spawned there.
// Prints one JSON object: the first (cold, in-process) check and the medians of the warm ones.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "api/request.h"
#include "core/progress.h"
#include "pipeline/pipeline.h"
#include "pipeline/session_pool.h"

namespace {

using namespace stm32mp;

long last_pid(const std::string& command) {
  std::FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[64] = {};
  const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
  ::pclose(p);
  return got ? std::atol(buf) : -1;
}

void stamp(const std::string& path, int n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(-8, std::ios::end);
  char text[16];
  std::snprintf(text, sizeof text, "%08d", n % 100000000);
  f.write(text, 8);
}

struct Sample {
  long long ms = 0;
  long processes = 0;
  bool ok = false;
  bool reused = false;
  bool unchanged = false;
  std::string steps;  // "id=ms ..." of the run, to see where a relaunch spends its time
};

Sample relaunch(const core::Settings& s, pipeline::SessionPool& pool, const std::string& pid_cmd) {
  auto ports = pipeline::make_system_ports();
  core::CancelToken cancel;
  core::NullProgress progress;
  const long before = last_pid(pid_cmd);
  const auto t0 = std::chrono::steady_clock::now();
  const auto report = pipeline::run_check(s, ports, cancel, progress, &pool);
  const auto t1 = std::chrono::steady_clock::now();
  const long after = last_pid(pid_cmd);
  Sample out;
  out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count();
  out.processes = after - before - 1;  // the reader of the second read is one of them
  out.ok = report.ok();
  if (const auto* ssh = report.find("ssh")) out.reused = ssh->has(core::Code::SessionReused);
  for (const auto& step : report.steps) {
    out.steps += (out.steps.empty() ? "" : " ") + step.id + "=" + std::to_string(step.duration_ms);
  }
  if (const auto* up = report.find("upload")) {
    out.unchanged = up->observed.get("upload") == "unchanged";
  }
  return out;
}

template <class T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? T{} : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: prelaunch-bench-driver REQUEST_JSON RUNS LAST_PID_COMMAND\n";
    return 2;
  }
  try {
    const auto settings = api::parse_request(argv[1]);
    const int runs = std::max(1, std::atoi(argv[2]));
    const std::string pid_cmd = argv[3];
    pipeline::SessionPool pool;
    stamp(settings.elf, 1);
    const auto cold = relaunch(settings, pool, pid_cmd);
    std::vector<long long> new_ms, same_ms;
    std::vector<long> new_proc, same_proc;
    bool all_ok = cold.ok, all_reused = true, all_unchanged = true;
    for (int i = 0; i < runs; ++i) {
      stamp(settings.elf, 1000 + i);
      const auto fresh = relaunch(settings, pool, pid_cmd);
      const auto same = relaunch(settings, pool, pid_cmd);
      std::cerr << "relaunch " << i + 1 << ", new image (" << fresh.ms << " ms): " << fresh.steps << "\n"
                << "relaunch " << i + 1 << ", unchanged (" << same.ms << " ms): " << same.steps << "\n";
      new_ms.push_back(fresh.ms);
      new_proc.push_back(fresh.processes);
      same_ms.push_back(same.ms);
      same_proc.push_back(same.processes);
      all_ok = all_ok && fresh.ok && same.ok;
      all_reused = all_reused && fresh.reused && same.reused;
      all_unchanged = all_unchanged && same.unchanged && !fresh.unchanged;
    }
    std::cout << "{\"cold_in_process_ms\":" << cold.ms << ",\"cold_in_process_processes\":" << cold.processes
              << ",\"warm_new_ms\":" << median(new_ms) << ",\"warm_new_processes\":" << median(new_proc)
              << ",\"warm_unchanged_ms\":" << median(same_ms) << ",\"warm_unchanged_processes\":" << median(same_proc)
              << ",\"all_ok\":" << (all_ok ? "true" : "false") << ",\"all_reused\":" << (all_reused ? "true" : "false")
              << ",\"upload_skipped_when_unchanged\":" << (all_unchanged ? "true" : "false") << "}\n";
    return all_ok && all_reused ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "prelaunch-bench-driver: " << e.what() << "\n";
    return 2;
  }
}
