#pragma once
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"
#include "devices/serial_device.h"

namespace stm32mp::ports {

// What a device node that is not in the enumeration is: a pty, a built-in UART, a plain file…
struct NodeInfo {
  bool exists = false;
  std::string kind;       // "pseudo-terminal", "built-in UART (serial8250)", "regular file", …
  std::string real_path;  // after symlinks
  // For permission diagnoses: the node's mode and owner, and the current user's standing.
  std::string mode;   // "crw-rw----"
  std::string owner;  // "root:dialout"
  std::string group;  // "dialout"
  std::string user;   // the current user's name
  bool in_group_now = false;  // this process has the node's group
  bool in_group_db = false;   // the group database lists the user (a re-login picks it up)
};

// Lists serial devices and ST-LINK probes (Linux: sysfs under sysfs_root, nodes under dev_root).
class DeviceEnumerator {
 public:
  virtual ~DeviceEnumerator() = default;
  // The error is a reason for the user ("/sys/class/tty: No such file or directory").
  [[nodiscard]] virtual core::expected<devices::Enumeration, std::string> enumerate(const std::string& sysfs_root,
                                                                                   const std::string& dev_root) = 0;
  [[nodiscard]] virtual NodeInfo inspect(const std::string& path, const std::string& sysfs_root) = 0;

  // While set, a walk over many entries stops between two of them once the token is cancelled (its result
  // is then partial: the caller checks the token). The devices step sets it for its own duration; an adapter
  // that lists in one call ignores it.
  void stop_on(const core::CancelToken* cancel) { cancel_ = cancel; }

 protected:
  [[nodiscard]] bool stop_requested() const { return cancel_ != nullptr && cancel_->cancelled(); }

 private:
  const core::CancelToken* cancel_ = nullptr;
};

}  // namespace stm32mp::ports
