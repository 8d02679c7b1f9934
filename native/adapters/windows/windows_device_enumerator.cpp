#include "adapters/windows/windows_device_enumerator.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/windows/com_serial_lines.h"
#include "adapters/windows/device_tree.h"
#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::windows {
namespace {

bool is_recording(const std::string& sysfs_root) {
  return sysfs_root.size() > 5 && sysfs_root.compare(sysfs_root.size() - 5, 5, ".json") == 0;
}

core::expected<DeviceTree, std::string> read_tree(const std::string& sysfs_root) {
  if (!is_recording(sysfs_root)) return SetupApiDeviceTree().read();
  std::ifstream in(std::filesystem::path(widen(sysfs_root)), std::ios::binary);
  if (!in) return core::unexpected{sysfs_root + ": cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto tree = parse_recorded_tree(text.str());
  if (!tree) return core::unexpected{sysfs_root + ": " + tree.error()};
  return tree;
}

std::string port_of(const std::string& path) {
  std::string p = path;
  if (p.rfind(R"(\\.\)", 0) == 0) p = p.substr(4);
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return p;
}

}  // namespace

core::expected<devices::Enumeration, std::string> WindowsDeviceEnumerator::enumerate(const std::string& sysfs_root,
                                                                                   const std::string& dev_root) {
  auto tree = read_tree(sysfs_root);
  if (!tree) return core::unexpected{tree.error()};
  auto e = to_enumeration(*tree);
  e.sysfs_root = sysfs_root;
  e.dev_root = dev_root;
  return e;
}

ports::NodeInfo WindowsDeviceEnumerator::inspect(const std::string& path, const std::string& sysfs_root) {
  ports::NodeInfo info;
  const auto port = port_of(path);
  if (ComSerialLines::device_path(port) == port) {  // not a COM name at all (a /dev path from Linux)
    info.exists = false;
    return info;
  }
  auto tree = read_tree(sysfs_root);
  if (!tree) return info;
  for (const auto& r : tree->com_ports) {
    if (port_of(r.port) != port) continue;
    info.exists = true;
    info.real_path = port;
    info.kind = r.friendly_name.empty() ? "serial port " + port : r.friendly_name;
    return info;
  }
  return info;
}

}  // namespace stm32mp::adapters::windows
