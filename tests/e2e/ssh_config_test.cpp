// The user's own SSH configuration end to end (issue 11) and the SSH parts of issue 15 on the simulated
// board: a Host alias, a ProxyJump (through the board's own sshd as the jump host: it runs `ssh -W` to
// its own address) and a ProxyCommand that dies mid-upload, all from test configuration files given with
// --ssh-config (never the invoking user's ~/.ssh); the temporary file removed over a new session after a
// cancel broke the first; a pre-banner flood inside the board's network namespace.
// Knobs named explicitly: mode=ELF order=m0,m33 ssh=openssh sftp=on.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "core/progress.h"
#include "core/render/text_renderer.h"
#include "e2e/e2e_support.h"
#include "pipeline/pipeline.h"
#include "pipeline/session_pool.h"
#include "remote/board_login.h"
#include "image/inspection.h"
#include "remote/ssh_test_support.h"
#include "steps/upload_step.h"
#include "support/temp_dir.h"

namespace stm32mp::e2e {
namespace {

using core::Code;
using testing::ms_since;

std::string text(const nlohmann::json& j, const char* key) { return j.is_null() ? "" : j.value(key, ""); }

std::string on_board(const boardsim::SimulatedBoard& b, const std::string& name) {
  return board_shell(b, "cd /lib/firmware; for f in '" + name + "' '." + name +
                            ".prelaunch-tmp'; do [ -e \"$f\" ] && echo \"$f\"; done; true");
}

class SshConfigBoard : public testing::CleanLoginSuite {
 protected:
  static void SetUpTestSuite() { StartBoard({"mode=ELF", "order=m0,m33", "ssh=openssh", "sftp=on"}); }

  // "Host NAME" blocks that log in as the board's root with its key and known_hosts.
  std::string host_block(const std::string& name, const std::string& extra = "") const {
    const auto& b = board();
    return "Host " + name + "\n  HostName " + b.host() + "\n  User root\n  IdentityFile " + b.identity() +
           "\n  UserKnownHostsFile " + b.known_hosts() + "\n  IdentityAgent none\n  StrictHostKeyChecking yes\n" + extra;
  }
  std::string write_config(const std::string& text) {
    const auto path = dir_.file("ssh_config");
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path;
  }
  // The CLI as a user of --ssh-config runs it: no --identity, --known-hosts, --port or --user.
  static CheckRun check(const std::string& host, const std::string& config, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--host", host, "--ssh-config", config};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli_check(args, 120000);
  }
  testing::TempDir dir_;
};

TEST_F(SshConfigBoard, AHostAliasReachesTheBoardAndLoadsAFirmwareThatRuns) {
  const auto cfg = write_config(host_block("lab-board"));
  auto run = check("lab-board", cfg, {"--elf", firmware("m33_ns.elf")});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "network", "host_alias"), "lab-board");
  EXPECT_NE(observed(run, "network", "from_ssh_config").find("hostname " + board().host()), std::string::npos)
      << observed(run, "network", "from_ssh_config");
  EXPECT_NE(observed(run, "network", "from_ssh_config").find("identityfile " + board().identity()), std::string::npos);
  EXPECT_EQ(observed(run, "ssh", "identity"), board().identity());
  EXPECT_EQ(observed(run, "ssh", "known_hosts"), board().known_hosts());
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
  std::printf("[measure] Host alias from --ssh-config: full check %lld ms\n", run.wall_ms);
}

TEST_F(SshConfigBoard, AProxyJumpCarriesTheWholeCheck) {
  const auto cfg = write_config(host_block("gw") + host_block("lab-board", "  ProxyJump gw\n"));
  // An image of its own name: uploaded through the jump, whatever the earlier tests left on the board.
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir_.path().string(), "jumped.elf", 256 * 1024);
  auto run = check("lab-board", cfg, {"--elf", elf});
  ASSERT_EQ(run.exit_code, 0) << summary(run);
  EXPECT_EQ(observed(run, "network", "proxy"), "ProxyJump gw");
  EXPECT_EQ(observed(run, "network", "connection"), "through the proxy");
  EXPECT_EQ(observed(run, "upload", "verified_on_board").rfind("size and sha256 match", 0), 0u) << summary(run);
  EXPECT_EQ(observed(run, "verify", "state"), "running") << summary(run);
  std::printf("[measure] ProxyJump (ssh -W through the board's sshd): full check %lld ms, proxy %s ms\n", run.wall_ms,
              observed(run, "network", "proxy_ms").c_str());
}

TEST_F(SshConfigBoard, AJumpHostThatRefusesTheLoginIsNet008) {
  // The jump host's login has no key: BatchMode makes it fail instead of prompting on a terminal it lacks.
  const auto cfg = write_config("Host gw\n  HostName " + board().host() + "\n  User nobody\n  IdentityFile /dev/null\n"
                                "  UserKnownHostsFile " + board().known_hosts() + "\n  IdentityAgent none\n" +
                                host_block("lab-board", "  ProxyJump gw\n"));
  auto run = check("lab-board", cfg, {"--only", "network"});
  EXPECT_EQ(run.exit_code, 1);
  const auto d = diagnostic(run, "network", "NET008");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(text(d, "message").find("Permission denied"), std::string::npos) << d.dump();
  EXPECT_EQ(d["observed"].value("exit_status", ""), "255");
}

TEST_F(SshConfigBoard, AProxyCommandThatDiesMidUploadLeavesNoFileAndSaysTheProxyEnded) {
  // The proxy writes its pid so the test can kill exactly it (a process its own CLI started).
  const auto script = dir_.file("proxy.sh");
  std::ofstream(script) << "#!/bin/sh\necho $$ > " << dir_.file("proxy.pid") << "\nexec socat - TCP:$1:$2\n";
  ::chmod(script.c_str(), 0700);
  const auto cfg = write_config(host_block("lab-board", "  ProxyCommand " + script + " %h %p\n"));
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir_.path().string(), "proxied.elf", 3 << 20);
  board().set({"rate=2mbit"});  // ~13 s for 3 MiB: the kill lands mid-transfer
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    for (int i = 0; i < 300 && !killed; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (on_board(board(), "proxied.elf").find(".proxied.elf.prelaunch-tmp") == std::string::npos) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
      std::ifstream pid_file(dir_.file("proxy.pid"));
      int pid = 0;
      if (pid_file >> pid && pid > 1) ::kill(pid, SIGKILL);
      killed = true;
    }
  });
  auto run = check("lab-board", cfg, {"--elf", elf, "--timeout-ms", "60000"});
  killer.join();
  board().set({"rate=off"});
  ASSERT_TRUE(killed);
  EXPECT_EQ(run.exit_code, 1);
  const auto d = diagnostic(run, "upload", "UPL004");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_NE(text(d, "message").find("exited with status 137"), std::string::npos) << d.dump();
  EXPECT_EQ(on_board(board(), "proxied.elf"), "") << "nothing under the real name, no temporary file";
  EXPECT_EQ(observed(run, "upload", "temporary_file"),
            "removed (over a new SSH session: the first one broke with the upload)") << summary(run);
}

// The IDE's relaunch along a route from the SSH configuration: the route is resolved anew (ssh -G) each check and
// the session kept by the first is used by the second when the route is the same; a configuration edited in
// between (the ProxyJump removed) is another route, whose check connects anew and says why.
TEST_F(SshConfigBoard, ARelaunchThroughTheSameProxyJumpReusesTheSessionAndAnEditedRouteDoesNot) {
  const auto cfg = write_config(host_block("gw") + host_block("lab-board", "  ProxyJump gw\n"));
  core::Settings s;
  s.host = "lab-board";
  s.ssh_config = cfg;
  s.only = {"network", "ssh", "target"};
  pipeline::SessionPool pool;
  const auto run = [&] {
    auto ports = pipeline::make_system_ports();
    core::CancelToken cancel;
    core::NullProgress progress;
    return pipeline::run_check(s, ports, cancel, progress, &pool);
  };
  const auto first = run();
  ASSERT_TRUE(first.ok()) << core::render::render_text(first);
  EXPECT_FALSE(first.find("ssh")->has(Code::SessionReused));
  EXPECT_EQ(first.find("network")->observed.get("connection"), "through the proxy");

  const auto second = run();
  ASSERT_TRUE(second.ok()) << core::render::render_text(second);
  EXPECT_TRUE(second.find("ssh")->has(Code::SessionReused)) << core::render::render_text(second);
  const auto& network = *second.find("network");
  EXPECT_EQ(network.observed.get("proxy"), "ProxyJump gw");
  EXPECT_NE(network.observed.get("from_ssh_config").value_or("").find("hostname " + board().host()), std::string::npos)
      << "the route is resolved anew";
  EXPECT_EQ(network.observed.get("connection").value_or("").rfind("the SSH session of an earlier check", 0), 0U);

  write_config(host_block("lab-board"));  // the same board, now reached directly
  const auto edited = run();
  ASSERT_TRUE(edited.ok()) << core::render::render_text(edited);
  EXPECT_FALSE(edited.find("ssh")->has(Code::SessionReused));
  const auto& diagnostics = edited.find("ssh")->diagnostics;
  const auto why = std::find_if(diagnostics.begin(), diagnostics.end(),
                                [](const core::Diagnostic& d) { return d.code == Code::SessionNotReused; });
  ASSERT_NE(why, diagnostics.end()) << core::render::render_text(edited);
  EXPECT_NE(why->message.find("the route the SSH configuration gives"), std::string::npos) << why->message;
  EXPECT_FALSE(edited.find("network")->observed.get("proxy"));
}

TEST_F(SshConfigBoard, ACancelMidUploadRemovesTheTemporaryFileOverANewSession) {
  testing::TempDir dir;
  const auto elf = padded_copy(firmware("m33_ns.elf"), dir.path().string(), "cut.elf", 3 << 20);
  board().set({"rate=2mbit"});
  auto steps = testing::run_steps(testing::login_settings(board()));
  ASSERT_NE(steps.session, nullptr) << testing::messages(steps.ssh);
  steps::UploadInputs in{image::read_image_facts(elf, "").value(), elf, "", {}, "", true, {}, {}};
  int reopened = 0;
  in.reopen = [&](const core::Deadline&, const core::CancelToken&) -> std::shared_ptr<ports::BoardSession> {
    ++reopened;
    return testing::run_steps(testing::login_settings(board()), 3000).session;
  };
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{60000}), progress};
  std::optional<remote::UploadOutcome> out;
  std::atomic<long long> cancelled_at{0};
  const auto t0 = testing::Clock::now();
  std::thread side([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    cancelled_at = ms_since(t0);
    cancel.cancel();
  });
  const auto report = steps::upload_image(in, *steps.session, control, out);
  const auto took = ms_since(t0);
  side.join();
  board().set({"rate=off"});
  ASSERT_TRUE(report.has(Code::UploadCancelled)) << testing::messages(report);
  EXPECT_EQ(reopened, 1);
  EXPECT_EQ(report.observed.get("temporary_file"), "removed (over a new SSH session: the first one broke with the upload)");
  EXPECT_EQ(on_board(board(), "cut.elf"), "");
  EXPECT_LT(took - cancelled_at, 3500) << "cancel to report, with the removal over a new login";
  std::printf("[measure] cancel mid-SFTP-upload: temporary file removed over a new session, %lld ms after the cancel\n",
              took - cancelled_at);
}

TEST_F(SshConfigBoard, APreBannerFloodInTheBoardsNamespaceIsSsh017InSeconds) {
  const auto pid = board_shell(board(), "socat TCP-LISTEN:2299,bind=" + board().host() +
                                            ",reuseaddr,fork SYSTEM:'yes NOTICE-before-banner' >/dev/null 2>&1 & echo $!");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto run = run_check(board(), {"--only", "ssh", "--port", "2299", "--timeout-ms", "8000"});
  (void)board_shell(board(), "kill " + std::to_string(std::stoi(pid)) + " 2>/dev/null; true");
  const auto d = diagnostic(run, "ssh", "SSH017");
  ASSERT_FALSE(d.is_null()) << summary(run);
  EXPECT_EQ(d["observed"].value("pre_banner_lines", ""), "1024");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_LT(run.wall_ms, 8000) << "before: 29.5 s against an 8 s deadline";
  std::printf("[measure] pre-banner flood in the board's netns: SSH017, whole CLI run %lld ms (deadline 8000 ms)\n",
              run.wall_ms);
}

}  // namespace
}  // namespace stm32mp::e2e
