// Hostile inputs to the CLI, each with its expected code, a time bound and a memory bound: FIFOs for every path
// option, devices, directories, oversized files, a symlink loop, a name too long, terminal controls in a file.
// None may give RUN001, a hang, raw control characters on the terminal, or more than 32 MB.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/golden.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {

// The memory bound is the CLI's own: 32 MB. Under AddressSanitizer the same run costs its shadow memory and
// quarantine on top (~95 MB measured for a 7 MB run), so the sanitizer build checks a bound that still catches
// an unbounded read (GBs) without measuring ASan itself.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxRssKib = 192 * 1024;
#else
constexpr long kMaxRssKib = 32 * 1024;
#endif
namespace {

namespace fs = std::filesystem;

struct Measured {
  int exit_code = -1;
  std::string out;
  long max_rss_kib = 0;
  long long ms = 0;
};

// The CLI with stdout to a file, stdin and stderr to /dev/null; killed after 20 s (a hang fails the bounds).
Measured run_cli(std::vector<std::string> args, const std::string& out_file) {
  args.insert(args.begin(), PRELAUNCH_CLI);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(out, 1);
    dup2(null, 2);
    alarm(20);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Measured m;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  m.ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m.max_rss_kib = usage.ru_maxrss;
  m.out = read_file(out_file);
  return m;
}

class HostileInput : public ::testing::Test {
 protected:
  // Runs `check --json` with `args`; expects exit 1, `code` on `step`, no RUN001, < 5 s and < 32 MB.
  nlohmann::json expect_code(std::vector<std::string> args, const std::string& step, const std::string& code) {
    args.insert(args.begin(), {"check", "--json", "--timeout-ms", "3000"});
    const auto m = run_cli(args, dir_.file("out.json"));
    EXPECT_EQ(m.exit_code, 1) << m.out;
    EXPECT_LT(m.ms, 5000) << "took " << m.ms << " ms";
    EXPECT_LT(m.max_rss_kib, kMaxRssKib) << "peak memory " << m.max_rss_kib << " KiB";
    std::printf("[hostile] %s -> %s: %lld ms, %ld KiB\n", args.back().c_str(), code.c_str(), m.ms, m.max_rss_kib);
    EXPECT_EQ(m.out.find("RUN001"), std::string::npos) << m.out;
    const auto j = nlohmann::json::parse(m.out);
    bool found = false;
    for (const auto& s : j["steps"]) {
      if (s["id"] != step) continue;
      for (const auto& d : s["diagnostics"]) found = found || d["code"] == code;
    }
    EXPECT_TRUE(found) << "no " << code << " on step " << step << ":\n" << m.out;
    return j;
  }
  std::string fifo(const std::string& name) {
    const auto p = dir_.file(name);
    if (mkfifo(p.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
    return p;
  }
  std::string sparse(const std::string& name, std::uintmax_t size) {
    const auto p = dir_.file(name);
    std::ofstream(p).close();
    fs::resize_file(p, size);
    return p;
  }
  std::string launch(const std::string& attributes) {
    const auto p = dir_.file("x.launch");
    write_file(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<launchConfiguration type=\"t\">\n" + attributes +
                      "</launchConfiguration>\n");
    return p;
  }
  static std::string attr(const std::string& key, const std::string& value) {
    return "<stringAttribute key=\"" + key + "\" value=\"" + value + "\"/>\n";
  }
  TempDir dir_;
};

TEST_F(HostileInput, AFifoForEveryPathOptionIsRefusedWithoutBlocking) {
  for (const char* option : {"--elf", "--signed", "--image-key", "--identity", "--known-hosts"}) {
    const auto j = expect_code({"--only", "config,image", option, fifo(std::string("fifo") + option)}, "config", "CFG006");
    EXPECT_NE(j["steps"][0]["diagnostics"][0]["message"].get<std::string>().find("FIFO"), std::string::npos);
  }
  expect_code({"--only", "config", "--launch", fifo("fifo.launch")}, "config", "CFG006");
}

TEST_F(HostileInput, AFifoAsProgramNameIsRefusedWithoutBlocking) {
  const auto elf = fifo("Blink.elf");
  expect_code({"--only", "config,image,target", "--launch", launch(attr("org.eclipse.cdt.launch.PROGRAM_NAME", elf))},
              "config", "CFG006");
}

TEST_F(HostileInput, DevicesAndDirectoriesAreRefusedByKind) {
  expect_code({"--only", "config", "--launch", "/dev/zero"}, "config", "CFG006");
  expect_code({"--only", "config", "--identity", "/dev/zero"}, "config", "CFG006");
  expect_code({"--only", "config", "--known-hosts", "/dev/urandom"}, "config", "CFG006");
  expect_code({"--only", "config,image", "--elf", dir_.path().string()}, "config", "CFG006");
}

TEST_F(HostileInput, OversizedFilesAreRefusedBeforeTheyAreRead) {
  expect_code({"--only", "config", "--launch", sparse("big.launch", 3U << 20)}, "config", "CFG007");
  expect_code({"--only", "config,image", "--elf", sparse("huge.elf", 3ULL << 30)}, "config", "CFG007");
  expect_code({"--only", "config", "--identity", sparse("id_big", 1U << 20)}, "config", "CFG007");
  expect_code({"--only", "config", "--known-hosts", sparse("kh_big", 64U << 20)}, "config", "CFG007");
}

TEST_F(HostileInput, LaunchFileCapsOnAttributesAndElements) {
  expect_code({"--only", "config", "--launch", launch(attr("k", std::string(100 * 1024, 'v')))}, "config", "CFG007");
  std::string many;
  for (int i = 0; i < 30000; ++i) many += "<a/>";
  expect_code({"--only", "config", "--launch", launch(many)}, "config", "CFG007");
}

TEST_F(HostileInput, PathErrorsAreDiagnosticsNeverRun001) {
  const auto loop = dir_.file("loop.elf");
  fs::create_symlink(loop, loop);
  expect_code({"--only", "config,image", "--elf", loop}, "image", "IMG001");
  // PROGRAM_NAME of 10,000 bytes (File name too long): the config step says it was not found, the run goes on.
  const auto long_name = dir_.file(std::string(10000, 'p') + ".elf");
  const auto m = run_cli({"check", "--json", "--only", "config", "--launch",
                          launch(attr("org.eclipse.cdt.launch.PROGRAM_NAME", long_name))},
                         dir_.file("out.json"));
  EXPECT_NE(m.exit_code, 3) << m.out;
  EXPECT_EQ(m.out.find("RUN001"), std::string::npos) << m.out.substr(0, 2000);
  EXPECT_NE(m.out.find("program_found"), std::string::npos);
}

TEST_F(HostileInput, TerminalControlsInAFileAreShownEscapedInTextMode) {
  const auto file = launch(attr("org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader",
                                "/dev/ttyACM0&#27;]0;pwned&#7;&#27;[2J&#155;31m") +
                           attr("org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader", "&#27;]8;;http://x&#27;\\"));
  const auto m = run_cli({"check", "--no-color", "--only", "config", "--launch", file}, dir_.file("out.txt"));
  EXPECT_EQ(m.out.find('\x1b'), std::string::npos) << m.out;
  EXPECT_EQ(m.out.find('\x07'), std::string::npos) << m.out;
  EXPECT_EQ(m.out.find("\xc2\x9b"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("/dev/ttyACM0\\x1b]0;pwned\\x07\\x1b[2J\\u009b31m"), std::string::npos) << m.out;
}

}  // namespace
}  // namespace stm32mp::testing
