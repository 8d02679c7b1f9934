// Linked into every test executable: each test process runs as on a clean machine. HOME is an empty directory
// of its own and no ssh-agent is reachable, so nothing of the invoking user's ~/.ssh (keys, known_hosts), agent
// or shell configuration can change a result — neither in this process nor in the CLI it starts. Tests that
// need a HOME or an agent set their own (board_login.h, real_ssh_agent.h).
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace {

class HostIsolation {
 public:
  HostIsolation() {
    char tmpl[] = "/tmp/prelaunch-test-home-XXXXXX";
    if (mkdtemp(tmpl) != nullptr) home_ = tmpl;
    // Without a directory of its own, a HOME that cannot exist still keeps the real one out.
    setenv("HOME", home_.empty() ? "/nonexistent/prelaunch-test-home" : home_.c_str(), 1);
    for (const char* name : {"SSH_AUTH_SOCK", "SSH_AGENT_PID", "BASH_ENV", "ENV"}) unsetenv(name);
  }
  HostIsolation(const HostIsolation&) = delete;
  HostIsolation& operator=(const HostIsolation&) = delete;
  ~HostIsolation() {
    std::error_code ec;
    if (!home_.empty()) std::filesystem::remove_all(home_, ec);
  }

 private:
  std::string home_;
};

const HostIsolation isolation;

}  // namespace
