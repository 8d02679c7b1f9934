// The CLI run as an unprivileged user (setpriv) against a real pty whose node is 0660 root:dialout:
// the permission diagnoses of the devices and serial-port steps, and the devices JSON API.
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/check_run.h"
#include "devices/pty_console.h"
#include "devices/sysfs_fixture.h"
#include "support/golden.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

namespace fs = std::filesystem;

// One STLINK-V3E whose VCP is a real pty (a shell behind it), its node root:dialout with `mode` (udev: 0660).
struct DialoutBench {
  TempDir dir;
  SysfsFixture fx{dir.path()};
  std::unique_ptr<PtyConsole> console;

  explicit DialoutBench(mode_t mode = 0660) {
    const auto* dialout = getgrnam("dialout");
    if (dialout == nullptr) throw std::runtime_error("no group dialout on this machine");
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
    const auto v3 = SysfsFixture::stlink_v3e();
    fx.add_usb_device(v3);
    fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
    console = std::make_unique<PtyConsole>(fx.node("ttyACM0"), PtyConsole::shell());
    const auto slave = console->slave();
    if (chown(slave.c_str(), 0, dialout->gr_gid) != 0 || chmod(slave.c_str(), mode) != 0) {
      throw std::runtime_error("cannot set the pty's owner and mode");
    }
  }

  // The check as `nobody` with no supplementary group, the way a session started before `usermod -aG` runs.
  [[nodiscard]] std::vector<std::string> check_as_nobody(const std::string& only = "devices,serial-port") const {
    return {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", PRELAUNCH_CLI, "check",
            "--serial", "/dev/ttyACM0", "--sysfs-root", fx.sysfs_root(), "--dev-root", fx.dev_root(),
            "--only", only, "--json"};
  }
};

const nlohmann::json& serial_diagnostic(const nlohmann::json& j) {
  const auto& serial = j["steps"][2];
  EXPECT_EQ(serial["id"], "serial-port");
  EXPECT_FALSE(serial["diagnostics"].empty()) << j.dump(2);
  return serial["diagnostics"][0];
}

TEST(SerialPortCli, PermissionDeniedForAUserOutsideDialout) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown the pty and to drop to nobody";
  DialoutBench bench;
  const auto r = run_process(bench.check_as_nobody(), {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& devices = j["steps"][1];
  ASSERT_EQ(devices["id"], "devices");
  ASSERT_FALSE(devices["diagnostics"].empty()) << r.out;
  EXPECT_EQ(devices["diagnostics"][0]["code"], "DEV002");  // Code::VcpInaccessible
  EXPECT_EQ(devices["diagnostics"][0]["observed"]["group"], "dialout");
  const auto& d = serial_diagnostic(j);
  EXPECT_EQ(d["code"], "SER006");  // Code::SerialPermissionDenied
  EXPECT_EQ(d["observed"]["user"], "nobody");
  EXPECT_EQ(d["observed"]["owner"], "root:dialout");
  EXPECT_EQ(d["observed"]["mode"], "crw-rw----");
  const auto fix = d["fix"].get<std::string>();
  EXPECT_NE(fix.find("sudo usermod -aG dialout nobody"), std::string::npos) << fix;
  EXPECT_NE(fix.find("log out and back in"), std::string::npos) << fix;
}

TEST(SerialPortCli, AddedToDialoutButNotLoggedInAgainIsToldToRelogin) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for a private /etc/group and to drop to nobody";
  DialoutBench bench;
  // The group database lists nobody in dialout (as `usermod -aG dialout nobody` leaves it), seen only by
  // this run: a private mount namespace binds an edited copy over /etc/group.
  const auto original = read_file("/etc/group");
  std::istringstream in(original);
  std::string edited;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("dialout:", 0) == 0) line += std::string(line.back() == ':' ? "" : ",") + "nobody";
    edited += line + "\n";
  }
  ASSERT_NE(edited.find("dialout:"), std::string::npos);
  const auto group_file = bench.dir.file("group");
  write_file(group_file, edited);
  std::vector<std::string> cmd{"unshare", "-m", "--propagation", "private", "sh", "-c",
                               "mount --bind \"$0\" /etc/group && exec \"$@\"", group_file};
  const auto check = bench.check_as_nobody();
  cmd.insert(cmd.end(), check.begin(), check.end());
  const auto r = run_process(cmd, {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = serial_diagnostic(j);
  EXPECT_EQ(d["code"], "SER006");  // Code::SerialPermissionDenied
  const auto fix = d["fix"].get<std::string>();
  EXPECT_NE(fix.find("You are already in group dialout"), std::string::npos) << fix;
  EXPECT_NE(fix.find("log out and back in"), std::string::npos) << fix;
  EXPECT_EQ(fix.find("usermod"), std::string::npos) << "nobody is in the group already: " << fix;
  EXPECT_EQ(read_file("/etc/group"), original) << "the host's /etc/group must stay untouched";
}

TEST(SerialPortCli, ExclusiveOpenByAnotherProgramIsBusyForAUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop to nobody";
  DialoutBench bench(0666);
  // A program that opens the port with TIOCEXCL and keeps it (as libserialport's sp_open does):
  // a non-root open then fails with EBUSY. The holder runs as root, so nobody cannot see its fds.
  const auto ready = bench.dir.file("holder-ready");
  Background holder({"python3", "-c",
                     "import fcntl,os,termios,time,sys\n"
                     "fd=os.open(sys.argv[1],os.O_RDWR|os.O_NOCTTY)\n"
                     "fcntl.ioctl(fd,termios.TIOCEXCL)\n"
                     "open(sys.argv[2],'w').close()\n"
                     "time.sleep(600)\n",
                     bench.fx.node("ttyACM0").string(), ready});
  for (int i = 0; i < 300 && !fs::exists(ready); ++i) usleep(10000);
  ASSERT_TRUE(fs::exists(ready)) << "holder did not start";
  const auto r = run_process(bench.check_as_nobody("serial-port"), {}, 30000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["steps"][1]["diagnostics"][0];
  EXPECT_EQ(d["code"], "SER007") << r.out;  // Code::SerialBusy
  EXPECT_EQ(d["observed"]["how"], "open: Device or resource busy");
}

TEST(DevicesJson, ListsEachTtyWithItsProbe) {
  TempDir dir;
  SysfsFixture fx(dir.path());
  const auto v3 = SysfsFixture::stlink_v3e();
  fx.add_usb_device(v3);
  fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  const auto ftdi = SysfsFixture::ftdi();
  fx.add_usb_device(ftdi);
  fx.add_ftdi(ftdi, "ttyUSB0");
  const nlohmann::json request{{"sysfs_root", fx.sysfs_root()}, {"dev_root", fx.dev_root()}};
  const auto j = nlohmann::json::parse(api::devices_json(request.dump()));
  ASSERT_EQ(j["devices"].size(), 2u) << j.dump(2);
  const auto& acm = j["devices"][0];
  EXPECT_EQ(acm["node"], "/dev/ttyACM0");
  EXPECT_EQ(acm["by_id"], "/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01");
  EXPECT_EQ(acm["description"], "STLINK-V3 - ST-Link VCP Ctrl");
  EXPECT_EQ(acm["driver"], "cdc_acm");
  EXPECT_EQ(acm["vid"], "0483");
  EXPECT_EQ(acm["pid"], "374e");
  EXPECT_EQ(acm["serial"], "004A00233133510D37363734");
  EXPECT_EQ(acm["manufacturer"], "STMicroelectronics");
  EXPECT_EQ(acm["product"], "STLINK-V3");
  EXPECT_EQ(acm["interface"], "ST-Link VCP Ctrl");
  EXPECT_EQ(acm["probe"], "STLINK-V3E");
  EXPECT_EQ(acm["vcp"], true);
  EXPECT_EQ(acm["accessible"], true);
  EXPECT_EQ(acm["reason"], "");
  const auto& usb = j["devices"][1];
  EXPECT_EQ(usb["node"], "/dev/ttyUSB0");
  EXPECT_TRUE(usb["probe"].is_null());
  EXPECT_EQ(usb["vcp"], false);
  EXPECT_EQ(usb["driver"], "ftdi_sio");
}

TEST(DevicesJson, UnreadableSysfsGivesAnError) {
  const auto j = nlohmann::json::parse(api::devices_json(R"({"sysfs_root":"/nonexistent/sys"})"));
  EXPECT_TRUE(j["devices"].empty());
  EXPECT_NE(j["error"].get<std::string>().find("/nonexistent/sys/class/tty"), std::string::npos);
}

}  // namespace
}  // namespace stm32mp::testing
