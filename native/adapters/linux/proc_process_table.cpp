#include "adapters/linux/proc_process_table.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "devices/console_classifier.h"

namespace stm32mp::adapters::linux_os {
namespace {

namespace fs = std::filesystem;

std::string read_first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int parent_of(const fs::path& proc, int pid) {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces and ')' — take the last ')'.
  const auto stat = read_first_line(proc / std::to_string(pid) / "stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

ports::ProcessInfo describe(const fs::path& proc, int pid) {
  ports::ProcessInfo info;
  info.pid = pid;
  info.command = read_first_line(proc / std::to_string(pid) / "comm");
  auto cmdline = read_all(proc / std::to_string(pid) / "cmdline");
  for (auto& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  while (!cmdline.empty() && cmdline.back() == ' ') cmdline.pop_back();
  info.cmdline = devices::sanitise(cmdline, 200);
  return info;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// The pty index of a /dev/pts/N path, or -1.
int pts_index(const std::string& real) {
  const std::string prefix = "/dev/pts/";
  if (real.rfind(prefix, 0) != 0 || !all_digits(real.substr(prefix.size()))) return -1;
  return std::stoi(real.substr(prefix.size()));
}

// For ptmx fds the kernel prints "tty-index:\t<N>" in fdinfo: which pty this master is.
int master_index(const fs::path& fdinfo) {
  std::ifstream in(fdinfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("tty-index:", 0) == 0) return std::atoi(line.c_str() + 10);
  }
  return -1;
}

}  // namespace

ProcProcessTable::ProcProcessTable(std::vector<std::string> lock_dirs, std::string proc_root)
    : lock_dirs_(std::move(lock_dirs)), proc_(std::move(proc_root)) {}

std::vector<std::string> ProcProcessTable::default_lock_dirs() {
  if (const char* env = std::getenv("PRELAUNCH_LOCK_DIRS"); env != nullptr && *env != '\0') {
    std::vector<std::string> dirs;
    std::istringstream in(env);
    std::string d;
    while (std::getline(in, d, ':')) {
      if (!d.empty()) dirs.push_back(d);
    }
    return dirs;
  }
  return {"/var/lock", "/run/lock"};
}

std::vector<ports::ProcessInfo> ProcProcessTable::holders_of(const std::string& device_path) {
  std::error_code ec;
  const auto real = fs::canonical(device_path, ec);
  if (ec) return {};
  const int pty = pts_index(real.string());
  const int self = static_cast<int>(getpid());
  std::set<int> openers;
  std::set<int> masters;  // processes holding the master side of this pty: the "board" end
  for (const auto& p : fs::directory_iterator(proc_, ec)) {
    const auto name = p.path().filename().string();
    if (!all_digits(name)) continue;
    const int pid = std::stoi(name);
    std::error_code fec;
    for (const auto& fd : fs::directory_iterator(p.path() / "fd", fec)) {
      std::error_code lec;
      const auto target = fs::read_symlink(fd.path(), lec);
      if (lec) continue;
      if (target == real) {
        openers.insert(pid);
      } else if (pty >= 0 && target == "/dev/ptmx" &&
                 master_index(p.path() / "fdinfo" / fd.path().filename()) == pty) {
        masters.insert(pid);
      }
    }
  }
  const auto descends_from_master = [&](int pid) {
    for (int cur = pid, hops = 0; cur > 1 && hops < 64; ++hops) {
      if (masters.count(cur) != 0) return true;
      cur = parent_of(proc_, cur);
    }
    return false;
  };
  std::vector<ports::ProcessInfo> out;
  for (int pid : openers) {
    if (pid == self) continue;
    if (!masters.empty() && descends_from_master(pid)) continue;
    out.push_back(describe(proc_, pid));
  }
  return out;
}

std::optional<ports::UucpLock> ProcProcessTable::uucp_lock(const std::string& device_name) {
  for (const auto& dir : lock_dirs_) {
    const auto file = fs::path(dir) / ("LCK.." + device_name);
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    ports::UucpLock lock;
    lock.file = file.string();
    // HDB UUCP format: the PID as ten-column ASCII text; old binary locks hold a 4-byte int.
    const auto text = read_all(file);
    try {
      lock.pid = std::stoi(text);
    } catch (...) {
      if (text.size() == 4) std::memcpy(&lock.pid, text.data(), 4);
    }
    lock.alive = lock.pid > 0 && (kill(lock.pid, 0) == 0 || errno == EPERM);
    if (lock.alive) lock.command = describe(proc_, lock.pid).command;
    return lock;
  }
  return std::nullopt;
}

}  // namespace stm32mp::adapters::linux_os
