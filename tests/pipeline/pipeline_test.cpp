// The whole pipeline (run_check) against fakes of its ports, no board: the steps table (native/core/steps.def) is what
// runs, in its order, with its titles, budgets and prerequisites; a failed prerequisite skips the later steps naming
// it. Serial devices come from a sysfs tree built like the kernel's (tests/devices/sysfs_fixture.h) read by the real
// Linux adapters, the console is a real pty; network and SSH are fakes (fake_pipeline_ports.h). The same runs on the
// simulated board: tests/e2e.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "adapters/linux/proc_process_table.h"
#include "adapters/linux/sysfs_device_enumerator.h"
#include "adapters/linux/termios_serial_lines.h"
#include "core/code_registry.h"
#include "core/progress.h"
#include "core/render/json_renderer.h"
#include "core/step_ids.h"
#include "devices/pty_console.h"
#include "devices/sysfs_fixture.h"
#include "pipeline/fake_pipeline_ports.h"
#include "pipeline/pipeline.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

using core::Code;
using core::StepStatus;

template <typename T>
std::shared_ptr<T> borrowed(T& port) {
  return std::shared_ptr<T>(&port, [](T*) {});
}

std::vector<std::string> ids_of(const std::vector<core::StepDefinition>& steps) {
  std::vector<std::string> ids;
  for (const auto& s : steps) ids.push_back(s.id);
  return ids;
}

std::vector<std::string> ids_of_report(const core::Report& report) {
  std::vector<std::string> ids;
  for (const auto& s : report.steps) ids.push_back(s.id);
  return ids;
}

TEST(StepsTable, EveryStepOfTheTableRunsInItsOrderWithItsTitleBudgetAndPrerequisites) {
  for (const bool diagnosing : {false, true}) {
    core::Settings given;
    given.diagnose_since_ms = diagnosing ? 5000 : 0;
    pipeline::RunState state;
    pipeline::Ports ports;
    const auto steps = pipeline::build_steps(given, state, ports);
    ASSERT_EQ(steps.size(), core::kSteps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto& info = core::kSteps[i];
      EXPECT_EQ(steps[i].id, info.id);
      EXPECT_EQ(steps[i].title, info.title);
      EXPECT_EQ(steps[i].budget.count(), info.budget_ms) << info.id;
      EXPECT_EQ(steps[i].needs, core::step_needs(info.step, diagnosing)) << info.id;
      EXPECT_TRUE(static_cast<bool>(steps[i].run)) << info.id << " has nothing to run";
    }
  }
}

TEST(StepsTable, PrerequisitesAreEarlierStepsOfTheTable) {
  for (std::size_t i = 0; i < core::kSteps.size(); ++i) {
    for (const bool diagnosing : {false, true}) {
      for (const auto& need : core::step_needs(core::kSteps[i].step, diagnosing)) {
        bool earlier = false;
        for (std::size_t j = 0; j < i; ++j) earlier = earlier || core::kSteps[j].id == need;
        EXPECT_TRUE(earlier) << core::kSteps[i].id << " needs '" << need << "', which does not run before it";
      }
    }
  }
}

TEST(StepsTable, TheDiagnosisNeedsOnlyTheSession) {
  EXPECT_EQ(core::step_needs(core::StepId::Remoteproc, false), std::vector<std::string>{"upload"});
  EXPECT_EQ(core::step_needs(core::StepId::Remoteproc, true), std::vector<std::string>{"ssh"});
  EXPECT_EQ(core::step_needs(core::StepId::Upload, false), (std::vector<std::string>{"ssh", "image", "target"}));
  EXPECT_TRUE(core::step_needs(core::StepId::Verify, true).empty());
}

TEST(StepsTable, OnlyAndSkipKeepTheTableOrderAndConfig) {
  core::Settings given;
  given.only = {"verify", "ssh", "network"};
  pipeline::RunState state;
  pipeline::Ports ports;
  EXPECT_EQ(ids_of(pipeline::build_steps(given, state, ports)),
            (std::vector<std::string>{"config", "network", "ssh", "verify"}));
  given.only.clear();
  given.skip = {"config", "image", "upload"};
  pipeline::RunState state2;
  EXPECT_EQ(ids_of(pipeline::build_steps(given, state2, ports)),
            (std::vector<std::string>{"config", "devices", "serial-port", "network", "ssh", "target", "remoteproc",
                                      "verify"}));
}

const std::string kSerialA = "004A00233133510D37363734";

// One STLINK-V3E board (its VCP ttyACM0) on this host, reached at 10.0.0.7 through the fake network and login.
class PipelineFakePorts : public ::testing::Test {
 protected:
  TempDir dir;
  SysfsFixture fx{dir.path()};
  adapters::linux_os::SysfsDeviceEnumerator enumerator;
  adapters::linux_os::TermiosSerialLines lines;
  adapters::linux_os::ProcProcessTable processes{{dir.file("lock")}};
  FakeNetwork net;
  FakeConnector ssh;
  core::Settings settings;

  void SetUp() override {
    std::filesystem::create_directories(dir.file("lock"));
    const auto v3 = SysfsFixture::stlink_v3e("1-2", kSerialA);
    fx.add_usb_device(v3);
    fx.add_acm(v3, 1, "ST-Link VCP Ctrl", "ttyACM0");
    std::ofstream(dir.file("id_ed25519")) << "key";
    std::ofstream(dir.file("known_hosts")) << "10.0.0.7 ssh-ed25519 AAAAboard\n";
    settings.sysfs_root = fx.sysfs_root();
    settings.dev_root = fx.dev_root();
    settings.production_mode = true;
    settings.host = "10.0.0.7";
    settings.identity = dir.file("id_ed25519");
    settings.known_hosts = dir.file("known_hosts");
  }

  core::Report check() {
    pipeline::Ports ports;
    ports.network = borrowed<ports::Network>(net);
    ports.ssh = borrowed<ports::SshConnector>(ssh);
    ports.device_enumerator = borrowed<ports::DeviceEnumerator>(enumerator);
    ports.serial_lines = borrowed<ports::SerialLines>(lines);
    ports.process_table = borrowed<ports::ProcessTable>(processes);
    core::CancelToken cancel;
    core::NullProgress progress;
    return pipeline::run_check(settings, ports, cancel, progress);
  }
};

std::string skip_reason(const core::StepReport& r) { return r.observed.get("skipped_because").value_or(""); }

TEST_F(PipelineFakePorts, SeedCaseNamesTheOneVcpAndTheNetworkStepsStillRun) {
  settings.serial = "/dev/ttyACM1";  // the launch file's port; the board's console is ttyACM0
  settings.only = {"devices", "serial-port", "network", "ssh"};
  const auto report = check();
  EXPECT_FALSE(report.ok());
  const auto* serial = report.find("serial-port");
  ASSERT_NE(serial, nullptr);
  EXPECT_EQ(serial->title, "Preferred serial device (board console)");
  ASSERT_EQ(serial->diagnostics.size(), 1U) << core::render::render_json(report);
  EXPECT_EQ(serial->diagnostics[0].code, Code::SerialNotFound);
  EXPECT_EQ(serial->diagnostics[0].observed.get("suggested_port"), "/dev/ttyACM0");
  // serial-port's failure is no prerequisite of the network steps (steps.def): they run and succeed.
  EXPECT_EQ(report.find("network")->status, StepStatus::ok) << core::render::render_json(report);
  EXPECT_EQ(report.find("ssh")->status, StepStatus::ok) << core::render::render_json(report);
  EXPECT_EQ(ssh.opened.size(), 1U);
}

TEST_F(PipelineFakePorts, AConsoleAndALoginThatWorkAreASuccess) {
  PtyConsole console(fx.node("ttyACM0"), PtyConsole::shell());
  settings.serial = "/dev/ttyACM0";
  settings.only = {"devices", "serial-port", "network", "ssh"};
  const auto report = check();
  EXPECT_TRUE(report.ok()) << core::render::render_json(report);
  EXPECT_EQ(ids_of_report(report), (std::vector<std::string>{"config", "devices", "serial-port", "network", "ssh"}));
  for (const auto& step : report.steps) EXPECT_EQ(step.status, StepStatus::ok) << step.id;
  EXPECT_EQ(report.find("ssh")->observed.get("host_key_fingerprint"), "SHA256:board");
}

TEST_F(PipelineFakePorts, AnUnreachableBoardSkipsEveryLaterStepNamingItsPrerequisite) {
  PtyConsole console(fx.node("ttyACM0"), PtyConsole::shell());
  settings.serial = "/dev/ttyACM0";
  net.error = ports::NetError{ports::NetError::Kind::refused, "Connection refused", {"10.0.0.7"}, 3};
  const auto report = check();
  ASSERT_EQ(report.steps.size(), core::kSteps.size()) << "no --only/--skip: every step of the table is reported";
  EXPECT_TRUE(report.find("network")->failed()) << core::render::render_json(report);
  EXPECT_TRUE(ssh.opened.empty());
  EXPECT_EQ(skip_reason(*report.find("ssh")), "step network error");
  EXPECT_EQ(skip_reason(*report.find("target")), "step ssh skipped");
  EXPECT_EQ(skip_reason(*report.find("upload")), "step ssh skipped");
  EXPECT_EQ(skip_reason(*report.find("remoteproc")), "step upload skipped");
  EXPECT_EQ(skip_reason(*report.find("verify")), "step remoteproc skipped");
  // Every step skipped for a prerequisite names one of its own in the table, with that step's status.
  for (std::size_t i = 0; i < core::kSteps.size(); ++i) {
    const auto& step = report.steps[i];
    ASSERT_EQ(step.id, core::kSteps[i].id);
    const auto reason = skip_reason(step);
    if (reason.rfind("step ", 0) != 0) continue;
    const auto named = reason.substr(5, reason.find(' ', 5) - 5);
    const auto needs = core::step_needs(core::kSteps[i].step, false);
    EXPECT_NE(std::find(needs.begin(), needs.end(), named), needs.end()) << step.id << ": " << reason;
    EXPECT_EQ(reason, "step " + named + " " + std::string(core::to_string(report.find(named)->status)));
  }
  EXPECT_EQ(report.find("devices")->status, StepStatus::ok);
  EXPECT_EQ(report.find("serial-port")->status, StepStatus::ok) << "not behind the network in the table";
}

}  // namespace
}  // namespace stm32mp::testing
