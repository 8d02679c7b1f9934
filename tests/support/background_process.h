#pragma once
// A program run in the background by a test that signals it mid-way (cancel tests): its stdout is collected,
// stdin and stderr are /dev/null; finish() says how it ended and how long that took.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace stm32mp::testing {

class BackgroundProcess {
 public:
  // argv[0] is the program's path. When a wrapper starts the program (strace … --), the signals go to the
  // pid the wrapper writes to `pid_file`.
  explicit BackgroundProcess(std::vector<std::string> argv, std::string pid_file = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  void signal(int sig) const;
  // The pid that gets the signals (0 until a wrapper wrote it).
  [[nodiscard]] pid_t target() const;

  struct Ended {
    int exit_code = -1;  // -1 when killed by a signal, -2 when it had to be killed (a hang)
    int by_signal = 0;
    std::string out;
    long long ms = 0;  // from finish() being called to the end
  };
  // Reads stdout to its end and reaps the process, within `limit` (then it is killed).
  Ended finish(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string pid_file_;
};

// Waits (up to `limit`) until `ready` holds, e.g. until the program is inside the step under test.
template <class F>
bool wait_until(F ready, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace stm32mp::testing
