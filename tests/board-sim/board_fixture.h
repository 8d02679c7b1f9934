// GoogleTest fixture for end-to-end tests against the simulated STM32MP257F-DK (tests/board-sim/board-sim).
//
//   class MyRemoteTest : public boardsim::BoardSuite {
//    protected:
//     static void SetUpTestSuite() { StartBoard({"mode=TEE", "order=m33,m0", "demo=on"}); }
//
// Without knobs the board is ST's stock DK (TEE mode, m33 = remoteproc0; docs/board-sim.md): name every knob a
// test relies on (at least mode and order when it loads firmware), so that it keeps its meaning if defaults move.
//   };
//   TEST_F(MyRemoteTest, Loads) { auto& b = board(); b.host(); b.set({"crash=m33"}); … }
//
// One board per test suite: started in SetUpTestSuite, stopped in TearDownTestSuite. Tests of a suite whose
// board could not start are skipped with the reason when not root, and fail otherwise (CI runs as root).
// If the test process dies without running the destructors (abort, crash, kill -9), a watchdog child process
// notices the closed pipe and runs `board-sim stop`, so no namespace, mount or process stays behind.
//
// Link with the CMake target `board_sim_fixture` (it provides BOARD_SIM_SCRIPT and BOARD_SIM_RPROCFS);
// the environment variables BOARD_SIM and BOARD_SIM_RPROCFS override them.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace boardsim {

namespace detail {

inline std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : fallback;
}

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs argv (no shell: the knob values may contain anything) with a deadline; kills it when it expires.
inline CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    CommandResult r;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
            char buf[4096];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace detail

// A running simulated board (RAII: the destructor stops it).
class SimulatedBoard {
public:
    explicit SimulatedBoard(const std::vector<std::string>& knobs = {}) {
        script_ = detail::env_or("BOARD_SIM",
#ifdef BOARD_SIM_SCRIPT
                                 BOARD_SIM_SCRIPT
#else
                                 "tests/board-sim/board-sim"
#endif
        );
        rprocfs_ = detail::env_or("BOARD_SIM_RPROCFS",
#ifdef BOARD_SIM_RPROCFS
                                  BOARD_SIM_RPROCFS
#else
                                  ""
#endif
        );
        char tmpl[] = "/tmp/board-sim-gtest-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        start_watchdog();
        std::vector<std::string> argv{script_, "start", "--dir", dir_};
        if (!rprocfs_.empty()) argv.insert(argv.end(), {"--rprocfs", rprocfs_});
        argv.insert(argv.end(), knobs.begin(), knobs.end());
        auto r = detail::run_command(argv, std::chrono::seconds(60));
        if (r.exit_code != 0) {
            stop();
            throw std::runtime_error("board-sim start failed: " + r.err);
        }
        info_ = nlohmann::json::parse(r.out);
    }

    SimulatedBoard(const SimulatedBoard&) = delete;
    SimulatedBoard& operator=(const SimulatedBoard&) = delete;

    ~SimulatedBoard() { stop(); }

    // Changes knobs on the running board, e.g. {"console=login", "crash=m33"}; returns the new description.
    const nlohmann::json& set(const std::vector<std::string>& assignments) {
        std::vector<std::string> argv{script_, "set", "--dir", dir_};
        argv.insert(argv.end(), assignments.begin(), assignments.end());
        auto r = detail::run_command(argv, std::chrono::seconds(60));
        if (r.exit_code != 0) throw std::runtime_error("board-sim set failed: " + r.err);
        info_ = nlohmann::json::parse(r.out);
        return info_;
    }

    [[nodiscard]] const nlohmann::json& info() const { return info_; }
    [[nodiscard]] std::string host() const { return info_.at("host").get<std::string>(); }
    [[nodiscard]] int port() const { return info_.at("port").get<int>(); }
    [[nodiscard]] std::string user() const { return info_.at("user").get<std::string>(); }
    [[nodiscard]] std::string identity() const { return info_.at("identity").get<std::string>(); }
    [[nodiscard]] std::string known_hosts() const { return info_.at("known_hosts").get<std::string>(); }
    [[nodiscard]] std::string serial() const { return info_.at("serial").get<std::string>(); }
    [[nodiscard]] std::string sysfs_root() const { return info_.at("sysfs_root").get<std::string>(); }
    [[nodiscard]] std::string dev_root() const { return info_.at("dev_root").get<std::string>(); }
    [[nodiscard]] std::string signing_key_private() const { return info_.at("signing_key_private").get<std::string>(); }
    [[nodiscard]] std::string signing_key_public() const { return info_.at("signing_key_public").get<std::string>(); }
    [[nodiscard]] std::string kernel_log() const { return info_.at("kernel_log").get<std::string>(); }
    [[nodiscard]] const std::string& dir() const { return dir_; }

private:
    void start_watchdog() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            // Child: wait until the test process closes the pipe (normally or by dying), then stop the board.
            close(fds[1]);
            setsid();  // not killed together with the test's process group
            char c;
            while (read(fds[0], &c, 1) != 0) {
            }
            execl(script_.c_str(), script_.c_str(), "stop", "--dir", dir_.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[0]);
        watchdog_pid_ = pid;
        watchdog_fd_ = fds[1];
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        detail::run_command({script_, "stop", "--dir", dir_}, std::chrono::seconds(60));
        if (watchdog_fd_ >= 0) {
            kill(watchdog_pid_, SIGKILL);  // the board is already gone; the watchdog must not run stop again
            close(watchdog_fd_);
            waitpid(watchdog_pid_, nullptr, 0);
            watchdog_fd_ = -1;
        }
        detail::run_command({"/bin/rm", "-rf", dir_}, std::chrono::seconds(30));
    }

    std::string script_, rprocfs_, dir_;
    nlohmann::json info_;
    pid_t watchdog_pid_ = -1;
    int watchdog_fd_ = -1;
    bool stopped_ = false;
};

// Base class for a test suite sharing one board.
class BoardSuite : public ::testing::Test {
protected:
    static void StartBoard(const std::vector<std::string>& knobs = {}) {
        start_error() = {};
        if (geteuid() != 0) {
            start_error() = "the simulated board needs root (network and mount namespaces)";
            return;
        }
        try {
            board_ptr() = std::make_unique<SimulatedBoard>(knobs);
        } catch (const std::exception& e) {
            start_error() = e.what();
        }
    }
    static void SetUpTestSuite() { StartBoard(); }
    static void TearDownTestSuite() { board_ptr().reset(); }

    void SetUp() override {
        if (board_ptr()) return;
        if (geteuid() != 0) GTEST_SKIP() << start_error();
        FAIL() << "board-sim did not start: " << start_error();
    }

    static SimulatedBoard& board() { return *board_ptr(); }

private:
    static std::unique_ptr<SimulatedBoard>& board_ptr() {
        static std::unique_ptr<SimulatedBoard> b;
        return b;
    }
    static std::string& start_error() {
        static std::string e;
        return e;
    }
};

}  // namespace boardsim
