// Reading `ssh -G` (the user's OpenSSH resolution of a host) and the proxy argv built from it: pure
// functions of the texts, with outputs recorded from OpenSSH 9.2p1 (Debian 12).
#include "remote/ssh_route.h"

#include "ports/child_processes.h"

#include <gtest/gtest.h>

namespace stm32mp::remote {
namespace {

// `ssh -G -F cfg lab-board` and `ssh -G -F /dev/null lab-board` (shortened: the keys that matter).
const char* const kResolved =
    "host lab-board\nuser dev\nhostname 10.1.2.3\nport 2222\naddressfamily any\n"
    "identityfile ~/.ssh/id_board\nidentityfile /keys/second\n"
    "userknownhostsfile ~/.ssh/lab_known_hosts ~/.ssh/known_hosts2\nhostkeyalias lab\n"
    "proxycommand socat - TCP:%h:%p\nstricthostkeychecking ask\n";
const char* const kBaseline =
    "host lab-board\nuser root\nhostname lab-board\nport 22\naddressfamily any\n"
    "identityfile ~/.ssh/id_rsa\nidentityfile ~/.ssh/id_ed25519\n"
    "userknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2\nstricthostkeychecking ask\n";

TEST(SshRoute, TakesWhatDiffersFromOpenSshsDefaults) {
  const auto r = route_from_ssh_g(kResolved, kBaseline, "/home/u");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->hostname, "10.1.2.3");
  EXPECT_EQ(r->port, 2222);
  EXPECT_EQ(r->user, "dev");
  EXPECT_EQ(r->identity_files, (std::vector<std::string>{"/home/u/.ssh/id_board", "/keys/second"}));
  EXPECT_EQ(r->known_hosts, "/home/u/.ssh/lab_known_hosts");
  EXPECT_EQ(r->host_key_alias, "lab");
  EXPECT_EQ(r->proxy_command, "socat - TCP:%h:%p");
  EXPECT_TRUE(r->proxy_jump.empty());
  EXPECT_EQ(r->from_config.front(), "hostname 10.1.2.3");
  EXPECT_EQ(describe_proxy(*r), "ProxyCommand socat - TCP:%h:%p");
}

TEST(SshRoute, AHostWithoutConfigurationTakesNothing) {
  const auto r = route_from_ssh_g(kBaseline, kBaseline, "/home/u");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->hostname, "lab-board");
  EXPECT_EQ(r->port, 0);
  EXPECT_TRUE(r->user.empty());
  EXPECT_TRUE(r->identity_files.empty());  // OpenSSH's default key list is not "from the configuration"
  EXPECT_TRUE(r->known_hosts.empty());
  EXPECT_TRUE(r->from_config.empty());
  EXPECT_EQ(describe_proxy(*r), "");
}

TEST(SshRoute, RefusesWhatIsNotSshGOutput) {
  EXPECT_FALSE(route_from_ssh_g("", kBaseline, "/h"));
  EXPECT_FALSE(route_from_ssh_g("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]\n", kBaseline, "/h"));
  EXPECT_FALSE(route_from_ssh_g("hostname x\nport many\n", kBaseline, "/h"));
  EXPECT_FALSE(route_from_ssh_g("hostname x\nport 70000\n", kBaseline, "/h"));
  EXPECT_FALSE(route_from_ssh_g(std::string(kMaxSshGOutput + 1, 'a'), kBaseline, "/h"));
}

TEST(SshRoute, SshGArgumentsAreFixedAndAHostIsNeverAnOption) {
  EXPECT_EQ(*ssh_g_arguments("lab-board", "/tmp/cfg"), (std::vector<std::string>{"-G", "-F", "/tmp/cfg", "--", "lab-board"}));
  EXPECT_EQ(*ssh_g_arguments("lab-board", ""), (std::vector<std::string>{"-G", "--", "lab-board"}));
  EXPECT_FALSE(ssh_g_arguments("-oProxyCommand=touch /tmp/x", ""));
  EXPECT_FALSE(ssh_g_arguments("", ""));
}

// g++ 12 -O3 reports the short-string buffer of a std::string assigned twice as "may be used uninitialized"
// (GCC bug 105562) once SshRoute grew past a size; the code reads only what it assigned.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TEST(SshRoute, ProxyJumpIsOpenSshsOwnSshDashW) {
  SshRoute r;
  r.hostname = "10.1.2.3";
  r.proxy_jump = "gw";
  EXPECT_EQ(*proxy_argv(r, "lab-board", 2222, "root", "/tmp/cfg"),
            (std::vector<std::string>{"ssh", "-F", "/tmp/cfg", "-o", "BatchMode=yes", "-o", "ClearAllForwardings=yes", "-W",
                                      "10.1.2.3:2222", "--", "gw"}));
  r.proxy_jump = "a,root@b:2200";  // a chain: the earlier hops as -J, the last one as the -W host, URI form for a port
  EXPECT_EQ(*proxy_argv(r, "lab-board", 22, "root", ""),
            (std::vector<std::string>{"ssh", "-o", "BatchMode=yes", "-o", "ClearAllForwardings=yes", "-J", "a", "-W",
                                      "10.1.2.3:22", "--", "ssh://root@b:2200"}));
  r.hostname = "fe80::1%eth0";  // an IPv6 literal in brackets for -W; '%' is not a plain name character
  EXPECT_FALSE(proxy_argv(r, "x", 22, "root", ""));
  r.hostname = "fd00::7";
  EXPECT_EQ((*proxy_argv(r, "x", 22, "root", ""))[8], "[fd00::7]:22");  // after -J a
}
#pragma GCC diagnostic pop

TEST(SshRoute, ProxyCommandExpandsTokensAndNeverQuotesAHostileName) {
  SshRoute r;
  r.hostname = "10.1.2.3";
  r.proxy_command = "nc -q0 %h %p # %r@%n 100%%";
  EXPECT_EQ(*proxy_argv(r, "lab-board", 2222, "dev", ""),
            (std::vector<std::string>{"/bin/sh", "-c", "exec nc -q0 10.1.2.3 2222 # dev@lab-board 100%"}));
  r.proxy_command = "nc %h %p";
  for (const char* hostile : {"a;touch /tmp/pwned", "$(id)", "a b", "`x`", "a'b", "-oops"}) {
    r.hostname = hostile;
    const auto argv = proxy_argv(r, "lab-board", 22, "root", "");
    ASSERT_FALSE(argv) << hostile;
    EXPECT_NE(argv.error().find("characters a proxy command could run"), std::string::npos) << argv.error();
  }
  r.hostname = "10.1.2.3";
  r.proxy_command = "nc %h %p %r";
  EXPECT_FALSE(proxy_argv(r, "lab-board", 22, "r;oot", ""));
  r.proxy_command = "connect %C";
  EXPECT_NE(proxy_argv(r, "lab-board", 22, "root", "").error().find("%C"), std::string::npos);
}

TEST(SshRoute, AProxyCommandLineIsReadBackFromItsShellArgv) {
  SshRoute r;
  r.hostname = "10.1.2.3";
  r.proxy_command = "C:\\tools\\nc.exe %h %p";
  EXPECT_EQ(proxy_command_line(*proxy_argv(r, "lab-board", 22, "root", "")), "C:\\tools\\nc.exe 10.1.2.3 22");
  r.proxy_command.clear();
  r.proxy_jump = "gw";
  EXPECT_EQ(proxy_command_line(*proxy_argv(r, "lab-board", 22, "root", "")), "");  // ssh -W: an argv of its own
  EXPECT_EQ(proxy_command_line({"/bin/sh", "-c", "nc x 22"}), "");
  EXPECT_EQ(proxy_command_line({"/bin/sh", "-c"}), "");
}

// A proxy stream as the adapters' are, with what the program did set by the test.
class EndedProxy final : public ports::ProxyStream {
 public:
  EndedProxy(std::optional<int> status, std::string err) : status_(status), err_(std::move(err)) {}
  [[nodiscard]] std::intptr_t native_handle() const override { return -1; }
  bool wait(bool, bool, core::Millis) override { return false; }
  void shutdown() override {}
  std::optional<int> exit_status() override { return status_; }
  std::string stderr_text() override { return err_; }
  Incoming peek(core::Millis) override { return Incoming::end_of_file; }

 protected:
  [[nodiscard]] std::string program() const override { return "ssh"; }

 private:
  std::optional<int> status_;
  std::string err_;
};

TEST(ProxyStream, TheEndReasonNamesTheStatusAndTheLastComplaint) {
  EXPECT_EQ(EndedProxy(255, "Warning: x\r\nchannel 0: open failed: connect failed\r\n\n").end_reason(),
            "the proxy ssh exited with status 255: channel 0: open failed: connect failed");
  EXPECT_EQ(EndedProxy(0, "").end_reason(), "the proxy ssh exited with status 0");
  EXPECT_EQ(EndedProxy(std::nullopt, "still talking\n").end_reason(), "");  // running: no end to tell
}

}  // namespace
}  // namespace stm32mp::remote
