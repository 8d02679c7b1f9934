// The serial-port step against real pseudo-terminals (socat + a board-side script, as the board
// simulator does), real picocom, real UUCP lock files and the real /proc.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/linux/proc_process_table.h"
#include "adapters/linux/sysfs_device_enumerator.h"
#include "adapters/linux/termios_serial_lines.h"
#include "core/progress.h"
#include "devices/pty_console.h"
#include "devices/sysfs_fixture.h"
#include "steps/serial_port_step.h"
#include "support/golden.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

namespace fs = std::filesystem;
using testing::Background;
using testing::PtyConsole;
using testing::SysfsFixture;

const std::string kSerialA = "004A00233133510D37363734";

// One STLINK-V3E board (ttyACM0) unless a test adds more; UUCP locks in a private directory.
struct Bench {
  testing::TempDir dir;
  SysfsFixture fx{dir.path()};
  std::string lock_dir = dir.file("lock");
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  adapters::linux_os::TermiosSerialLines lines;
  adapters::linux_os::ProcProcessTable processes{{lock_dir}};
  core::CancelToken cancel;
  std::vector<devices::ConsoleAddress> board_addresses;  // what the last run read from a shell prompt

  Bench() {
    fs::create_directories(lock_dir);
    const auto v3 = SysfsFixture::stlink_v3e("1-2", kSerialA);
    fx.add_usb_device(v3);
    fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
  }

  SerialPortInputs inputs(const std::string& serial) const {
    SerialPortInputs in;
    in.serial = serial;
    in.production_mode = true;
    in.sysfs_root = fx.sysfs_root();
    in.dev_root = fx.dev_root();
    in.console_wait = core::Millis{1500};
    return in;
  }

  core::StepReport run(const SerialPortInputs& in) {
    core::NullProgress progress;
    core::StepControl control{cancel, core::Deadline(core::Millis{10000}), progress};
    SerialPortPorts ports{enumerator, lines, processes};
    return check_serial_port(in, nullptr, ports, control, board_addresses);
  }
  core::StepReport run(const std::string& serial) { return run(inputs(serial)); }
};

const core::Diagnostic* find(const core::StepReport& r, core::Code code) {
  for (const auto& d : r.diagnostics) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

std::string codes(const core::StepReport& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += std::string(core::info(d.code).id) + ": " + d.message + "\n";
  return s;
}

TEST(SerialPortStep, RealShellBehindTheStlinkVcpIsOk) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  const auto r = b.run("/dev/ttyACM0");
  EXPECT_EQ(r.status, core::StepStatus::ok) << codes(r);
  EXPECT_EQ(r.observed.get("console"), "shell prompt");
  EXPECT_EQ(r.observed.get("last_line"), "root@stm32mp2-e3-c7-3f:~# ");
  EXPECT_EQ(r.observed.get("line"), "115200 8N1");
  EXPECT_NE(r.observed.get("device")->find("STLINK-V3, serial " + kSerialA), std::string::npos);
  // socat and the board's bash hold the pty too: they are the device, not competitors.
}

TEST(SerialPortStep, ByIdPathIsTheSameDevice) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  const auto r = b.run("/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_" + kSerialA + "-if01");
  EXPECT_EQ(r.status, core::StepStatus::ok) << codes(r);
}

TEST(SerialPortStep, SeedCaseNamesTheOneVcp) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  const auto r = b.run("/dev/ttyACM1");
  EXPECT_EQ(r.status, core::StepStatus::error);
  const auto* d = find(r, core::Code::SerialNotFound);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
  EXPECT_NE(d->fix.find("set the preferred serial device to /dev/ttyACM0 (STLINK-V3, serial " + kSerialA + ")"),
            std::string::npos)
      << d->fix;
}

TEST(SerialPortStep, MissingPortWithSeveralVcpsListsThem) {
  Bench b;
  const auto v3 = SysfsFixture::stlink_v3_2vcp("1-4", "002F003D3232511939353236");
  b.fx.add_usb_device(v3);
  b.fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM1");
  b.fx.add_acm(v3, 3, "ST-Link VCP2 Ctrl", "ttyACM2");
  const auto r = b.run("/dev/ttyACM5");
  const auto* d = find(r, core::Code::SerialNotFound);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->fix.find("one of: /dev/ttyACM0 (STLINK-V3, serial " + kSerialA + "), /dev/ttyACM1"), std::string::npos)
      << d->fix;
  EXPECT_NE(d->fix.find("/dev/ttyACM2"), std::string::npos);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
}

TEST(SerialPortStep, WindowsNameFromALaunchFileMadeOnWindows) {
  Bench b;
  const auto r = b.run("COM4");
  const auto* d = find(r, core::Code::SerialWindowsName);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
  EXPECT_NE(d->message.find("COM4"), std::string::npos);
}

TEST(SerialPortStep, NotSetInProductionModeListsTheVcps) {
  Bench b;
  auto in = b.inputs("");
  in.production_mode = std::nullopt;  // no launch file: assume the console is needed
  const auto r = b.run(in);
  const auto* d = find(r, core::Code::SerialNotSet);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
  EXPECT_NE(d->fix.find("/dev/ttyACM0 (STLINK-V3, serial " + kSerialA + ")"), std::string::npos);
}

TEST(SerialPortStep, NotSetInEngineeringModeIsSkipped) {
  Bench b;
  auto in = b.inputs("");
  in.production_mode = false;
  const auto r = b.run(in);
  EXPECT_EQ(r.status, core::StepStatus::skipped);
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(SerialPortStep, EngineeringModeTurnsPortErrorsIntoWarnings) {
  Bench b;
  auto in = b.inputs("/dev/ttyACM1");
  in.production_mode = false;  // JTAG load: the launch does not use the console
  const auto r = b.run(in);
  EXPECT_EQ(r.status, core::StepStatus::warning);
  const auto* d = find(r, core::Code::SerialNotFound);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->severity, core::Severity::warning);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
  EXPECT_TRUE(r.observed.contains("note"));
}

TEST(SerialPortStep, FtdiAdapterIsNotAnStlinkVcp) {
  Bench b;
  const auto ftdi = SysfsFixture::ftdi();
  b.fx.add_usb_device(ftdi);
  b.fx.add_ftdi(ftdi, "ttyUSB0");
  const auto r = b.run("/dev/ttyUSB0");
  const auto* d = find(r, core::Code::SerialNotStlink);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->message.find("FT232R USB UART (0403:6001, driver ftdi_sio)"), std::string::npos) << d->message;
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM0");
}

TEST(SerialPortStep, PlainPtyIsNotAnStlinkVcp) {
  Bench b;
  PtyConsole other(b.dir.path() / "dev" / "ttyFAKE", PtyConsole::shell());
  const auto r = b.run("/dev/ttyFAKE");
  const auto* d = find(r, core::Code::SerialNotStlink);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->message.find("a pseudo-terminal (/dev/pts/"), std::string::npos) << d->message;
}

TEST(SerialPortStep, BuiltInUartIsNotAnStlinkVcp) {
  if (!fs::exists("/dev/ttyS0")) GTEST_SKIP() << "no /dev/ttyS0 on this machine";
  Bench b;
  b.fx.add_builtin_uart("ttyS0");
  b.fx.link_node("ttyS0", "/dev/ttyS0");
  const auto r = b.run("/dev/ttyS0");
  const auto* d = find(r, core::Code::SerialNotStlink);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->message.find("a built-in UART (ttyS0"), std::string::npos) << d->message;
}

TEST(SerialPortStep, PortOfAnotherProbeThanRequested) {
  Bench b;
  const auto other = SysfsFixture::stlink_v3e("1-7", "0021003A3133510D37363734");
  b.fx.add_usb_device(other);
  b.fx.add_acm(other, 1, "ST-Link VCP Ctrl", "ttyACM1");
  auto in = b.inputs("/dev/ttyACM0");
  in.probe_serial = "0021003A3133510D37363734";
  const auto r = b.run(in);
  const auto* d = find(r, core::Code::SerialOtherProbe);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("suggested_port"), "/dev/ttyACM1");
  EXPECT_NE(d->fix.find("/dev/ttyACM1 (STLINK-V3, serial 0021003A3133510D37363734)"), std::string::npos) << d->fix;
  EXPECT_EQ(d->fix.rfind("In the Debugger tab of the debug configuration, set the preferred serial device to ", 0), 0U)
      << d->fix;
  EXPECT_EQ(d->observed.get("probe_connected"), "yes");
}

// SER005's fix variant (serial.def): the requested probe is not connected at all, so no port of it can be offered.
TEST(SerialPortStep, RequestedProbeNotConnectedSaysConnectItOrCorrectTheSerial) {
  Bench b;
  auto in = b.inputs("/dev/ttyACM0");
  in.probe_serial = "0021003A3133510D37363734";
  const auto r = b.run(in);
  const auto* d = find(r, core::Code::SerialOtherProbe);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("probe_connected"), "no");
  EXPECT_EQ(d->observed.get("suggested_port"), "");
  EXPECT_EQ(d->fix, "No ST-LINK with serial 0021003A3133510D37363734 is connected (found: /dev/ttyACM0 (STLINK-V3, serial " +
                        kSerialA + ")); connect that board or correct --probe-serial.")
      << d->fix;
}

TEST(SerialPortStep, LoginPrompt) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::login());
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::ConsoleLoginPrompt);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(r.observed.get("last_line"), "stm32mp2-e3-c7-3f login: ");
}

TEST(SerialPortStep, UBootPrompt) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::uboot());
  const auto r = b.run("/dev/ttyACM0");
  ASSERT_NE(find(r, core::Code::ConsoleUBoot), nullptr) << codes(r);
}

TEST(SerialPortStep, SilentConsole) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::silent());
  auto in = b.inputs("/dev/ttyACM0");
  in.console_wait = core::Millis{400};
  const auto started = std::chrono::steady_clock::now();
  const auto r = b.run(in);
  const auto took = std::chrono::steady_clock::now() - started;
  const auto* d = find(r, core::Code::ConsoleSilent);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("waited_ms"), "400");
  EXPECT_LT(took, std::chrono::milliseconds(1500)) << "the wait is bounded";
}

TEST(SerialPortStep, GarbageMeansBaudMismatch) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::garbage());
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::ConsoleGarbage);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->observed.get("first_line")->find("\\xf0\\x8f"), std::string::npos) << "sanitised";
}

TEST(SerialPortStep, TextWithoutPrompt) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::no_prompt());
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::ConsoleNoPrompt);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("last_line"), "OpenAMP demo: waiting for the remote processor");
}

TEST(SerialPortStep, KernelAndOpteeNoiseIsAWarning) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::noisy_shell());
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::ConsoleLogNoise);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(r.status, core::StepStatus::warning);
  EXPECT_EQ(r.observed.get("console"), "shell prompt");
}

// The log line comes after the prompt: no settle waits for it, the address query's answer shows it.
TEST(SerialPortStep, NoiseAfterThePromptIsSeenInTheAddressQuerysAnswer) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::late_noisy_shell());
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::ConsoleLogNoise);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("noise_line").value_or(""), "E/TC:0 0 stm32_pm_notif:12 low power notification ignored");
  EXPECT_EQ(r.observed.get("console"), "shell prompt");
}

TEST(SerialPortStep, PicocomHoldingThePortIsNamed) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  // picocom needs a terminal (script gives it one) and a stdin that stays open (sleep's pipe).
  Background picocom({"bash", "-c", "sleep 600 | script -qfc 'picocom -b 115200 -q " + b.fx.node("ttyACM0").string() +
                                        "' /dev/null"});
  int picocom_pid = 0;
  for (int i = 0; i < 200 && picocom_pid == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& h : b.processes.holders_of(b.fx.node("ttyACM0").string())) {
      if (h.command == "picocom") picocom_pid = h.pid;
    }
  }
  ASSERT_NE(picocom_pid, 0) << "picocom did not start";
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::SerialBusy);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->message.find("picocom (PID " + std::to_string(picocom_pid)), std::string::npos) << d->message;
  EXPECT_EQ(d->observed.get("holder_pid"), std::to_string(picocom_pid));
  EXPECT_EQ(d->observed.get("how"), "exclusive lock (flock) held");
  EXPECT_NE(d->fix.find("Close picocom (for example: kill " + std::to_string(picocom_pid) + ")"), std::string::npos) << d->fix;
}

TEST(SerialPortStep, UucpLockFileOfALiveProcess) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  Background holder({"sleep", "600"});
  for (int i = 0; i < 200 && testing::read_file("/proc/" + std::to_string(holder.pid()) + "/comm") != "sleep\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // until the child has exec'd sleep
  }
  char pid[16];
  std::snprintf(pid, sizeof pid, "%10d\n", holder.pid());
  testing::write_file(b.lock_dir + "/LCK..ttyACM0", pid);
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::SerialBusy);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->message.find("sleep (PID " + std::to_string(holder.pid())), std::string::npos) << d->message;
  EXPECT_EQ(d->observed.get("how"), "UUCP lock file " + b.lock_dir + "/LCK..ttyACM0");
}

TEST(SerialPortStep, StaleUucpLockIsIgnored) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  int dead = 0;
  {
    Background gone({"true"});
    dead = gone.pid();
  }
  testing::write_file(b.lock_dir + "/LCK..ttyACM0", std::to_string(dead) + "\n");
  const auto r = b.run("/dev/ttyACM0");
  EXPECT_EQ(r.status, core::StepStatus::ok) << codes(r);
  EXPECT_TRUE(r.observed.contains("stale_lock"));
}

TEST(SerialPortStep, ModemManagerGetsTheUdevFix) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::shell());
  // A process whose command name is ModemManager holding the port open without a lock, as the
  // real daemon does while it probes (the daemon itself needs D-Bus and udev, absent in CI).
  const auto mm = b.dir.file("ModemManager");
  fs::copy_file("/bin/sleep", mm);
  fs::permissions(mm, fs::perms::owner_all);
  Background holder({"bash", "-c", "exec " + mm + " 600 3<>" + b.fx.node("ttyACM0").string()});
  for (int i = 0; i < 200 && b.processes.holders_of(b.fx.node("ttyACM0").string()).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::SerialHeldByModemManager);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_NE(d->fix.find("ID_MM_DEVICE_IGNORE"), std::string::npos);
  EXPECT_EQ(d->observed.get("holder_pid"), std::to_string(holder.pid()));
}

TEST(SerialPortStep, NodeThatIsNotATerminalFailsToConfigure) {
  Bench b;
  fs::remove(b.fx.node("ttyACM0"));
  ASSERT_EQ(mkfifo(b.fx.node("ttyACM0").c_str(), 0600), 0);
  const auto r = b.run("/dev/ttyACM0");
  const auto* d = find(r, core::Code::SerialOpenFailed);
  ASSERT_NE(d, nullptr) << codes(r);
  EXPECT_EQ(d->observed.get("operation"), "setting 115200 8N1");
}

TEST(SerialPortStep, CancelEndsTheConsoleWaitWithinHalfASecond) {
  Bench b;
  PtyConsole console(b.fx.node("ttyACM0"), PtyConsole::silent());
  auto in = b.inputs("/dev/ttyACM0");
  in.console_wait = core::Millis{20000};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    b.cancel.cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  const auto r = b.run(in);
  const auto took = std::chrono::steady_clock::now() - started;
  canceller.join();
  EXPECT_LT(took, std::chrono::milliseconds(800 + 300));
  EXPECT_EQ(r.observed.get("console"), "not classified: the run was cancelled");
}

}  // namespace
}  // namespace stm32mp::steps
