#include "pipeline/ports.h"

#include "adapters/libssh2/libssh2_connector.h"
#include "adapters/windows/com_serial_lines.h"
#include "adapters/windows/toolhelp_process_table.h"
#include "adapters/windows/win_child_processes.h"
#include "adapters/windows/windows_device_enumerator.h"
#include "adapters/windows/winsock_network.h"

namespace stm32mp::pipeline {

Ports make_system_ports() {
  Ports ports;
  ports.device_enumerator = std::make_shared<adapters::windows::WindowsDeviceEnumerator>();
  ports.serial_lines = std::make_shared<adapters::windows::ComSerialLines>();
  ports.process_table = std::make_shared<adapters::windows::ToolhelpProcessTable>();
  ports.network = std::make_shared<adapters::windows::WinsockNetwork>();
  ports.ssh = std::make_shared<adapters::libssh2::Libssh2Connector>();
  // ssh.exe (Windows 10/11's OpenSSH client, in PATH) for --ssh-config; CFG008 only when it is missing.
  ports.child_processes = std::make_shared<adapters::windows::WinChildProcesses>();
  return ports;
}

}  // namespace stm32mp::pipeline
