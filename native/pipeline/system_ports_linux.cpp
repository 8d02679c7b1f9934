#include "pipeline/ports.h"

#include "adapters/libssh2/libssh2_connector.h"
#include "adapters/posix/boost_child_processes.h"
#include "adapters/posix/posix_network.h"

#include "adapters/linux/proc_process_table.h"
#include "adapters/linux/sysfs_device_enumerator.h"
#include "adapters/linux/termios_serial_lines.h"

namespace stm32mp::pipeline {

Ports make_system_ports() {
  Ports ports;
  ports.device_enumerator = std::make_shared<adapters::linux_os::SysfsDeviceEnumerator>();
  ports.serial_lines = std::make_shared<adapters::linux_os::TermiosSerialLines>();
  ports.process_table = std::make_shared<adapters::linux_os::ProcProcessTable>();
  ports.network = std::make_shared<adapters::posix::PosixNetwork>();
  ports.ssh = std::make_shared<adapters::libssh2::Libssh2Connector>();
  ports.child_processes = std::make_shared<adapters::posix::BoostChildProcesses>();
  return ports;
}

}  // namespace stm32mp::pipeline
