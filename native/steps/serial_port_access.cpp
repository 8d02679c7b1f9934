// Why the serial port could not be opened, as diagnostics: who holds it (SER007, SER008 ModemManager,
// SER016 on Windows) and a permission refused (SER004 with the group membership that decides the fix).
#include "steps/serial_port_access.h"

namespace stm32mp::steps {

using core::Code;
using core::Facts;
using core::StepReport;

namespace {

std::string holder_text(const ports::ProcessInfo& p) {
  return p.command + " (PID " + std::to_string(p.pid) + (p.cmdline.empty() ? "" : ": " + p.cmdline) + ")";
}

// How to stop the holder, in the words of the host (SER007's {stop_holder}): `kill` and `fuser` on Linux;
// Task Manager, taskkill and Resource Monitor on Windows (COM names), where there are no such commands.
std::string stop_holder_advice(bool windows, const std::string& serial, const std::vector<ports::ProcessInfo>& holders) {
  if (holders.empty()) {
    return windows ? "Resource Monitor (resmon.exe, CPU tab, Associated Handles, search for USBSER) shows which program has " +
                         serial + "; close it there or in its own window"
                   : "for example: kill <pid from `fuser -v " + serial + "`>";
  }
  const auto pid = std::to_string(holders.front().pid);
  return windows ? "close its window, or end it in Task Manager (Details tab, PID " + pid + ") or with `taskkill /PID " + pid + "`"
                 : "for example: kill " + pid;
}

}  // namespace

// Names who holds the port and adds SER007, or SER008 when it is ModemManager (Linux only).
void report_holders(StepReport& r, const std::string& serial, const std::vector<ports::ProcessInfo>& holders,
                    const std::string& how, bool windows) {
  for (const auto& h : holders) {
    if (!windows && h.command == "ModemManager") {
      r.add(Code::SerialHeldByModemManager, {{"serial", serial}, {"holder_pid", std::to_string(h.pid)}, {"how", how}});
      return;
    }
  }
  std::string names;
  for (const auto& h : holders) names += (names.empty() ? "" : ", ") + holder_text(h);
  const bool known = !holders.empty();
  Facts facts{{"serial", serial},
              {"holder", known ? names : "another program (" + how + ")"},
              {"holder_name", known ? holders.front().command : "the program using it"},
              {"stop_holder", stop_holder_advice(windows, serial, holders)},
              {"how", how}};
  if (known) facts.set("holder_pid", std::to_string(holders.front().pid));
  r.add(Code::SerialBusy, std::move(facts));
}

// Windows: the port was refused as in use; who holds it Windows does not say, so the running serial
// terminals are named as candidates (SER016 instead of SER007's holder and kill advice).
void report_busy_windows(StepReport& r, const std::string& serial, const std::vector<ports::ProcessInfo>& running,
                         const std::string& reason) {
  std::string names;
  for (const auto& h : running) names += (names.empty() ? "" : ", ") + h.command + " (PID " + std::to_string(h.pid) + ")";
  r.add(Code::SerialBusyWindows,
        {{"serial", serial},
         {"reason", reason},
         {"terminals", names.empty() ? "none of the usual serial terminals is running" : "running now: " + names}});
}

void report_permission(StepReport& r, const std::string& serial, const ports::NodeInfo& node, const std::string& reason) {
  const std::string group = node.group.empty() ? "dialout" : node.group;
  // The registry's fix variants (serial.def) pick the advice from membership.
  const bool relogin = node.in_group_db && !node.in_group_now;
  r.add(Code::SerialPermissionDenied, {{"serial", serial},
                                       {"user", node.user},
                                       {"reason", reason},
                                       {"mode", node.mode},
                                       {"owner", node.owner},
                                       {"group", group},
                                       {"membership", relogin ? "added after this login" : node.in_group_now ? "member" : "not a member"}});
}

}  // namespace stm32mp::steps
