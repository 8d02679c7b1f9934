#include "steps/serial_port_step.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "devices/console_addresses.h"
#include "devices/console_classifier.h"
#include "devices/console_dialogue.h"
#include "steps/serial_port_access.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using core::Facts;
using core::StepReport;

// COM4, com12, \\.\COM10: what STM32CubeIDE stores when the launch file was made on Windows.
bool is_windows_name(const std::string& s) {
  static const std::regex re(R"(^(\\\\\.\\)?[Cc][Oo][Mm][0-9]+$)");
  return std::regex_match(s, re);
}

// Where a configured /dev name is looked up: under --dev-root (containers, tests).
std::string lookup_path(const std::string& serial, const std::string& dev_root) {
  if (dev_root != "/dev" && serial.rfind("/dev/", 0) == 0) return dev_root + serial.substr(4);
  return serial;
}

struct Suggestion {
  std::string port;  // for the quick fix (observed "suggested_port"); empty when there is none
  std::string text;  // "set the preferred serial device to …"
};

// The VCPs to suggest: those of --probe-serial's probe when given and present, else all of them.
std::vector<const devices::SerialDevice*> candidates(const devices::Enumeration& e, const std::string& probe_serial) {
  auto all = e.vcps();
  all.erase(std::remove_if(all.begin(), all.end(), [](const auto* d) { return !d->exists; }), all.end());
  if (probe_serial.empty()) return all;
  std::vector<const devices::SerialDevice*> mine;
  for (const auto* d : all) {
    if (d->usb && d->usb->serial == probe_serial) mine.push_back(d);
  }
  return mine.empty() ? all : mine;
}

Suggestion suggest(const devices::Enumeration& e, const std::string& probe_serial,
                   const devices::SerialDevice* except = nullptr) {
  auto list = candidates(e, probe_serial);
  list.erase(std::remove(list.begin(), list.end(), except), list.end());
  if (list.empty()) {
    return {"", std::string("connect the board's ST-LINK USB-C port (CN21 on the STM32MP257F-DK), power the board, run "
                            "`stm32mp-prelaunch devices` and set the preferred serial device to the ST-LINK's VCP ") +
                    (e.com_names ? "(COM<n>, listed under Ports in Device Manager)" : "(/dev/ttyACM<n>)")};
  }
  if (list.size() == 1) {
    return {list.front()->node, "set the preferred serial device to " + list.front()->summary()};
  }
  std::string names;
  for (const auto* d : list) names += (names.empty() ? "" : ", ") + d->summary();
  return {list.front()->node, "set the preferred serial device to the console of the board you debug, one of: " + names +
                                  " (pass --probe-serial to tell them apart)"};
}

void add_with_suggestion(StepReport& r, Code code, Facts facts, const Suggestion& s, const devices::Enumeration& e) {
  facts.set("suggestion", s.text);
  facts.set("suggested_port", s.port);
  facts.set("vcps", devices::list_vcps(e));
  r.add(code, std::move(facts));
}

const devices::SerialDevice* find_device(const devices::Enumeration& e, const std::string& serial,
                                         const std::string& path, const std::string& real_path) {
  for (const auto& d : e.serial) {
    if (d.path == path || d.node == serial || (!d.by_id.empty() && d.by_id == serial)) return &d;
  }
  if (real_path.empty()) return nullptr;
  for (const auto& d : e.serial) {
    if (!d.real_path.empty() && d.real_path == real_path) return &d;
  }
  return nullptr;
}

// The console's answer (devices/console_dialogue.h) as facts and diagnostics.
void probe_console(StepReport& r, ports::SerialLine& line, const SerialPortInputs& in, const std::string& serial,
                   const devices::Enumeration& e, core::StepControl& control,
                   std::vector<devices::ConsoleAddress>& addresses) {
  const auto talk = devices::talk_to_console(line, {in.console_wait, in.settle, in.ask_addresses}, control.deadline,
                                             control.cancel);
  if (talk.failed_operation != "setting 115200 8N1") r.observed.set("line", "115200 8N1");
  if (talk.answer_ms) r.observed.set("answer_ms", std::to_string(*talk.answer_ms));
  if (!talk.failed_operation.empty()) {
    r.add(Code::SerialOpenFailed, {{"serial", serial}, {"operation", talk.failed_operation}, {"reason", talk.failure}});
    return;
  }
  if (talk.cancelled) {
    r.observed.set("console", "not classified: the run was cancelled");
    return;
  }
  const auto& reading = talk.reading;
  r.observed.set("console", std::string(devices::to_string(reading.state)));
  r.observed.set("bytes_received", std::to_string(reading.bytes));
  if (!reading.first_line.empty()) r.observed.set("first_line", reading.first_line);
  if (!reading.last_line.empty()) r.observed.set("last_line", reading.last_line);
  addresses = talk.addresses;
  if (!addresses.empty()) r.observed.set("board_addresses", devices::describe(addresses));
  const auto waited = std::to_string(in.console_wait.count());
  Facts f{{"serial", serial}, {"first_line", reading.first_line}, {"last_line", reading.last_line},
          {"vcps", devices::list_vcps(e)}};
  switch (reading.state) {
    case devices::ConsoleState::shell: break;
    case devices::ConsoleState::login: r.add(Code::ConsoleLoginPrompt, f); break;
    case devices::ConsoleState::uboot: r.add(Code::ConsoleUBoot, f); break;
    case devices::ConsoleState::silence:
      f.set("waited_ms", waited);
      r.add(Code::ConsoleSilent, f);
      break;
    case devices::ConsoleState::garbage: r.add(Code::ConsoleGarbage, f); break;
    case devices::ConsoleState::log_only:
    case devices::ConsoleState::other_text: r.add(Code::ConsoleNoPrompt, f); break;
  }
  if (reading.log_noise) {
    f.set("noise_line", reading.noise_line);
    r.add(Code::ConsoleLogNoise, f);
  }
}

// In engineering mode (JTAG load) STM32CubeIDE does not load through the console: a broken port
// is worth knowing, but it does not stop this launch.
StepReport downgraded_for_engineering_mode(StepReport r) {
  StepReport out{r.id, r.title, core::StepStatus::ok, r.duration_ms};
  out.observed = std::move(r.observed);
  out.observed.set("note", "engineering mode: the launch does not load through this port, so its problems are warnings");
  for (auto& d : r.diagnostics) {
    out.add(d.severity == core::Severity::error ? core::make_diagnostic(d.code, core::Severity::warning, d.observed)
                                                : std::move(d));
  }
  return out;
}

StepReport check_port(const SerialPortInputs& in, const devices::Enumeration* devices_found, SerialPortPorts& ports,
                      core::StepControl& control, std::vector<devices::ConsoleAddress>& addresses) {
  auto r = core::report_of(core::StepId::SerialPort);
  devices::Enumeration own;
  if (devices_found == nullptr) {
    // devices did not run (--only serial-port) or failed: enumerate here; a failure leaves the
    // list empty and the checks below still say what they can.
    if (auto listed = ports.enumerator.enumerate(in.sysfs_root, in.dev_root)) own = std::move(*listed);
    devices_found = &own;
  }
  const auto& e = *devices_found;
  const auto& serial = in.serial;

  if (serial.empty()) {
    if (in.production_mode == false) {
      r.skip("no preferred serial device is set and the launch configuration does not load through Linux");
      return r;
    }
    add_with_suggestion(r, Code::SerialNotSet, {}, suggest(e, in.probe_serial), e);
    return r;
  }
  r.observed.set("serial", serial);
  if (!e.com_names && is_windows_name(serial)) {
    add_with_suggestion(r, Code::SerialWindowsName, {{"serial", serial}}, suggest(e, in.probe_serial), e);
    return r;
  }
  const auto path = lookup_path(serial, in.dev_root);
  if (path != serial) r.observed.set("looked_up_at", path);
  const auto node = ports.enumerator.inspect(path, in.sysfs_root);
  const auto* device = find_device(e, serial, path, node.real_path);
  if (!node.exists) {
    add_with_suggestion(r, Code::SerialNotFound, {{"serial", serial}}, suggest(e, in.probe_serial, device), e);
    return r;
  }
  if (device == nullptr || !device->is_stlink_vcp()) {
    std::string what = node.kind;
    if (device != nullptr && device->usb) {
      what = "a USB serial port of " + device->description() + " (" + devices::hex4(device->usb->vid) + ":" +
             devices::hex4(device->usb->pid) + (device->driver.empty() ? "" : ", driver " + device->driver) + ")";
    }
    add_with_suggestion(r, Code::SerialNotStlink, {{"serial", serial}, {"what", what}}, suggest(e, in.probe_serial), e);
    return r;
  }
  r.observed.set("device", device->summary() + (device->interface_number.empty() ? "" : ", interface " + device->interface_number));
  if (!in.probe_serial.empty() && device->usb->serial != in.probe_serial) {
    auto s = suggest(e, in.probe_serial, device);
    const bool probe_present = std::any_of(e.probes.begin(), e.probes.end(),
                                           [&](const auto& p) { return p.usb.serial == in.probe_serial; });
    if (!probe_present) s.port = "";  // no port of that probe to offer: the registry's fix variant says connect it
    add_with_suggestion(r, Code::SerialOtherProbe,
                        {{"serial", serial}, {"port_probe_serial", device->usb->serial}, {"probe_serial", in.probe_serial},
                         {"probe_connected", probe_present ? "yes" : "no"}},
                        s, e);
    return r;
  }

  // Who else uses it: a UUCP lock (minicom) names its owner without opening anything.
  if (auto lock = ports.processes.uucp_lock(device->name)) {
    if (lock->alive) {
      auto holders = ports.processes.holders_of(path);
      if (holders.empty()) holders.push_back({lock->pid, lock->command, ""});
      report_holders(r, serial, holders, "UUCP lock file " + lock->file, e.com_names);
      return r;
    }
    r.observed.set("stale_lock", lock->file + " (PID " + std::to_string(lock->pid) + " is gone)");
  }
  auto opened = ports.lines.open_exclusive(path);
  if (!opened) {
    const auto& err = opened.error();
    using Kind = ports::OpenError::Kind;
    switch (err.kind) {
      case Kind::permission: report_permission(r, serial, node, err.text); break;
      case Kind::busy:
        if (e.com_names) {
          report_busy_windows(r, serial, ports.processes.holders_of(path), err.text);
        } else {
          report_holders(r, serial, ports.processes.holders_of(path), "open: " + err.text, false);
        }
        break;
      case Kind::locked: report_holders(r, serial, ports.processes.holders_of(path), "exclusive lock (flock) held", e.com_names); break;
      case Kind::not_found:
        add_with_suggestion(r, Code::SerialNotFound, {{"serial", serial}, {"reason", err.text}},
                            suggest(e, in.probe_serial, device), e);
        break;
      case Kind::other:
        r.add(Code::SerialOpenFailed, {{"serial", serial}, {"operation", "open"}, {"reason", err.text}});
        break;
    }
    return r;
  }
  // Programs that keep the port open without locking it (ModemManager, screen, cat); where the OS
  // opened it exclusively for us, nobody else has it.
  if (auto holders = ports.lines.open_is_exclusive() ? std::vector<ports::ProcessInfo>{} : ports.processes.holders_of(path);
      !holders.empty()) {
    report_holders(r, serial, holders, "has it open", e.com_names);
    return r;
  }
  probe_console(r, **opened, in, serial, e, control, addresses);
  return r;
}

}  // namespace

StepReport check_serial_port(const SerialPortInputs& in, const devices::Enumeration* devices_found,
                             SerialPortPorts& ports, core::StepControl& control,
                             std::vector<devices::ConsoleAddress>& board_addresses) {
  auto r = check_port(in, devices_found, ports, control, board_addresses);
  if (in.production_mode == false && r.status == core::StepStatus::error) return downgraded_for_engineering_mode(std::move(r));
  return r;
}

}  // namespace stm32mp::steps
