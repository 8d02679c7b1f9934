#include "devices/devices_table.h"

#include <algorithm>
#include <array>
#include <vector>

namespace stm32mp::devices {
namespace {

constexpr std::size_t kColumns = 5;
using Row = std::array<std::string, kColumns>;

std::string access_of(const SerialDevice& d) {
  if (!d.exists) return "missing: " + (d.reason.empty() ? std::string("no node under the dev root") : d.reason);
  if (!d.accessible) return "no: " + (d.reason.empty() ? std::string("cannot open it read/write") : d.reason);
  return "ok";
}

Row row_of(const SerialDevice& d) {
  return {d.node + (d.is_stlink_vcp() ? " *" : ""), d.description(),
          d.usb ? hex4(d.usb->vid) + ":" + hex4(d.usb->pid) : "-", d.usb && !d.usb->serial.empty() ? d.usb->serial : "-",
          access_of(d)};
}

// Pads every column but the last to its widest cell; strings are the kernel's ASCII sysfs values.
std::vector<std::string> render_rows(const std::vector<Row>& rows) {
  std::array<std::size_t, kColumns> width{};
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::vector<std::string> lines;
  for (const auto& r : rows) {
    std::string line = "  ";
    for (std::size_t c = 0; c < kColumns; ++c) {
      line += r[c];
      if (c + 1 < kColumns) line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

std::string render_devices_table(const Enumeration& e) {
  std::string out = "Serial devices (sysfs " + e.sysfs_root + ", device nodes " + e.dev_root + "):\n";
  if (e.serial.empty()) {
    out += "  none\n";
  } else {
    std::vector<Row> rows{{"NODE", "DESCRIPTION", "VID:PID", "SERIAL", "ACCESS"}};
    for (const auto& d : e.serial) rows.push_back(row_of(d));
    const auto lines = render_rows(rows);
    out += lines[0] + "\n";
    for (std::size_t i = 0; i < e.serial.size(); ++i) {
      out += lines[i + 1] + "\n";
      if (!e.serial[i].by_id.empty()) out += "      by-id: " + e.serial[i].by_id + "\n";
    }
    if (!e.vcps().empty()) out += "  * the virtual COM port of an ST-LINK: the board's Linux console\n";
  }
  out += "ST-LINK probes:\n";
  if (e.probes.empty()) out += "  none\n";
  for (const auto& p : e.probes) out += "  " + p.summary() + "\n";
  return out;
}

}  // namespace stm32mp::devices
