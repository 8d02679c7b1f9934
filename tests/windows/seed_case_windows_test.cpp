// The seed case on Windows, at the step: the launch file names COM41 while the only ST-LINK VCP is
// COM40 (recorded device tree) → SER002 naming COM40, with the suggested port for the quick fix.
#include <gtest/gtest.h>

#include "adapters/windows/com_serial_lines.h"
#include "adapters/windows/toolhelp_process_table.h"
#include "adapters/windows/windows_device_enumerator.h"
#include "core/code_registry.h"
#include "core/progress.h"
#include "steps/serial_port_step.h"
#include "windows_test_paths.h"

namespace stm32mp::adapters::windows {
namespace {

// The serial-port step on the recorded V3E tree (COM40) with the given lines and process table.
core::StepReport run_with(const std::string& serial, ports::SerialLines& lines, ports::ProcessTable& processes) {
  WindowsDeviceEnumerator enumerator;
  steps::SerialPortPorts ports{enumerator, lines, processes};
  steps::SerialPortInputs in;
  in.serial = serial;
  in.production_mode = true;
  in.sysfs_root = testing::windows_fixture("stlink_v3e_dk.json");
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{10000}), progress};
  std::vector<devices::ConsoleAddress> addresses;
  return steps::check_serial_port(in, nullptr, ports, control, addresses);
}

core::StepReport run(const std::string& serial) {
  ComSerialLines lines;
  ToolhelpProcessTable processes;
  return run_with(serial, lines, processes);
}

TEST(SeedCaseWindows, Com41WhenTheVcpIsCom40NamesCom40) {
  const auto r = run("COM41");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, core::Code::SerialNotFound);
  EXPECT_EQ(d.observed.get("suggested_port").value_or(""), "COM40");
  EXPECT_NE(d.observed.get("suggestion").value_or("").find(
                "set the preferred serial device to COM40 (STLINK-V3, serial 004A00323234510A33353533"),
            std::string::npos)
      << d.observed.get("suggestion").value_or("");
  EXPECT_EQ(d.fix.find("/dev/"), std::string::npos) << d.fix;
}

TEST(SeedCaseWindows, ComNamesAreNotTakenForALinuxMisconfiguration) {
  const auto r = run("COM41");
  for (const auto& d : r.diagnostics) EXPECT_NE(d.code, core::Code::SerialWindowsName);
}

TEST(SeedCaseWindows, ALinuxDevicePathIsNotFoundAndTheFixNamesTheComPort) {
  const auto r = run("/dev/ttyACM0");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, core::Code::SerialNotFound);
  EXPECT_EQ(r.diagnostics[0].observed.get("suggested_port").value_or(""), "COM40");
}

}  // namespace
}  // namespace stm32mp::adapters::windows

namespace stm32mp::adapters::windows {
namespace {

// A COM port whose open is refused with `error` (Windows' answer to a second opener, which wine does
// not emulate: its COM opens always succeed).
class RefusedLines final : public ports::SerialLines {
 public:
  explicit RefusedLines(ports::OpenError error) : error_(std::move(error)) {}
  core::expected<std::unique_ptr<ports::SerialLine>, ports::OpenError> open_exclusive(const std::string&) override {
    return core::unexpected{error_};
  }
  [[nodiscard]] bool open_is_exclusive() const override { return true; }

 private:
  ports::OpenError error_;
};

// A process table that names `holders` for any port.
class KnownHolder final : public ports::ProcessTable {
 public:
  explicit KnownHolder(std::vector<ports::ProcessInfo> holders) : holders_(std::move(holders)) {}
  std::vector<ports::ProcessInfo> holders_of(const std::string&) override { return holders_; }
  std::optional<ports::UucpLock> uucp_lock(const std::string&) override { return std::nullopt; }

 private:
  std::vector<ports::ProcessInfo> holders_;
};

TEST(SeedCaseWindows, ABusyComPortIsSer016NamingTheRunningTerminal) {
  RefusedLines lines({ports::OpenError::Kind::busy, 5, "Access is denied (error 5)"});
  KnownHolder processes(ToolhelpProcessTable::terminals_among({{4, "System"}, {4242, "putty.exe"}}, 1));
  const auto r = run_with("COM40", lines, processes);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, core::Code::SerialBusyWindows);
  EXPECT_NE(d.message.find("COM40 is in use by another program"), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("putty.exe (PID 4242)"), std::string::npos) << d.fix;
  EXPECT_EQ(d.fix.find("kill"), std::string::npos) << d.fix;
}

}  // namespace
}  // namespace stm32mp::adapters::windows

namespace stm32mp::adapters::windows {
namespace {

// A port refused with a holder that is known: Windows' own adapters cannot name one (SER016 above), but
// an adapter that can (or a lock) makes SER007, and its fix must then be said in Windows' words.
core::StepReport run_held(std::vector<ports::ProcessInfo> holders) {
  RefusedLines lines({ports::OpenError::Kind::locked, 0, "held"});
  KnownHolder processes(std::move(holders));
  return run_with("COM40", lines, processes);
}

TEST(SeedCaseWindows, Ser007WithAKnownHolderSaysTaskManagerAndTaskkillNotKill) {
  const auto r = run_held({{4242, "putty.exe", ""}});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, core::Code::SerialBusy);
  EXPECT_NE(d.message.find("COM40 is in use by putty.exe (PID 4242)"), std::string::npos) << d.message;
  EXPECT_NE(d.fix.find("Close putty.exe (close its window, or end it in Task Manager (Details tab, PID 4242) or with "
                       "`taskkill /PID 4242`)"),
            std::string::npos)
      << d.fix;
  EXPECT_EQ(d.fix.find("kill 4242"), std::string::npos) << d.fix;
  EXPECT_EQ(d.fix.find("fuser"), std::string::npos) << d.fix;
}

TEST(SeedCaseWindows, Ser007WithoutAHolderPointsAtResourceMonitor) {
  const auto r = run_held({});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, core::Code::SerialBusy);
  EXPECT_NE(d.fix.find("Resource Monitor (resmon.exe"), std::string::npos) << d.fix;
  EXPECT_EQ(d.fix.find("fuser"), std::string::npos) << d.fix;
  EXPECT_FALSE(d.observed.contains("holder_pid"));
}

TEST(SeedCaseWindows, ANamedModemManagerIsNoLinuxAdviceOnWindows) {
  const auto r = run_held({{77, "ModemManager", ""}});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, core::Code::SerialBusy);
  EXPECT_EQ(r.diagnostics[0].fix.find("udev"), std::string::npos) << r.diagnostics[0].fix;
}

}  // namespace
}  // namespace stm32mp::adapters::windows
