#pragma once
// Internal to the serial-port step: the diagnostics of a port that could not be opened.
#include <string>
#include <vector>

#include "core/step_report.h"
#include "ports/device_enumerator.h"
#include "ports/process_table.h"

namespace stm32mp::steps {

// Names who holds the port and adds SER007, or SER008 when it is ModemManager (Linux only).
void report_holders(core::StepReport& r, const std::string& serial, const std::vector<ports::ProcessInfo>& holders,
                    const std::string& how, bool windows);
// Windows refused the port as in use (SER016): the running serial terminals are named as candidates.
void report_busy_windows(core::StepReport& r, const std::string& serial, const std::vector<ports::ProcessInfo>& running,
                         const std::string& reason);
// SER004, its fix chosen by the user's membership of the device's group.
void report_permission(core::StepReport& r, const std::string& serial, const ports::NodeInfo& node,
                       const std::string& reason);

}  // namespace stm32mp::steps
