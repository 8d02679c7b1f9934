#include "adapters/linux/sysfs_device_enumerator.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

namespace stm32mp::adapters::linux_os {
namespace {

namespace fs = std::filesystem;

// A sysfs tree given with --sysfs-root may be anything (a test fixture, a hostile copy): an attribute is a
// regular file read for one page at most, a walk stops after kMaxEntries entries, and no link leads out of the
// root. Real sysfs attributes are regular files of one page.
constexpr std::size_t kPage = 4096;
constexpr int kMaxEntries = 1024;

std::string read_attr(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return {};
  std::ifstream in(p, std::ios::binary);
  std::string s(kPage, '\0');
  if (!in) return {};
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<std::size_t>(in.gcount()));
  if (const auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::uint16_t parse_hex(const std::string& s) {
  try {
    return static_cast<std::uint16_t>(std::stoul(s, nullptr, 16));
  } catch (...) {
    return 0;
  }
}

fs::path canonical_or_empty(const fs::path& p) {
  std::error_code ec;
  auto c = fs::canonical(p, ec);
  return ec ? fs::path{} : c;
}

std::string link_name(const fs::path& link) {
  std::error_code ec;
  const auto target = fs::read_symlink(link, ec);
  return ec ? std::string{} : target.filename().string();
}

// The USB device directory (the one with idVendor) at or above `dir`, at most five levels up
// (libserialport's bound: usb-serial ttys sit one level deeper than cdc_acm ones).
fs::path find_usb_device(fs::path dir) {
  for (int i = 0; i < 5 && !dir.empty() && dir != dir.root_path(); ++i) {
    std::error_code ec;
    if (fs::exists(dir / "idVendor", ec) && fs::exists(dir / "idProduct", ec)) return dir;
    dir = dir.parent_path();
  }
  return {};
}

fs::path find_interface(fs::path dir, const fs::path& usb_device) {
  while (!dir.empty() && dir != usb_device && dir != dir.root_path()) {
    if (fs::exists(dir / "bInterfaceNumber")) return dir;
    dir = dir.parent_path();
  }
  return {};
}

devices::UsbIdentity read_usb(const fs::path& dir) {
  devices::UsbIdentity u;
  u.vid = parse_hex(read_attr(dir / "idVendor"));
  u.pid = parse_hex(read_attr(dir / "idProduct"));
  u.serial = read_attr(dir / "serial");
  u.manufacturer = read_attr(dir / "manufacturer");
  u.product = read_attr(dir / "product");
  u.busnum = read_attr(dir / "busnum");
  u.devnum = read_attr(dir / "devnum");
  u.sysfs_path = dir.string();
  return u;
}

std::string mode_string(mode_t m) {
  std::string s = S_ISCHR(m) ? "c" : S_ISREG(m) ? "-" : S_ISDIR(m) ? "d" : "?";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s += (m & (0400 >> i)) ? rwx[i] : '-';
  return s;
}

std::string owner_string(const struct stat& st) {
  std::string user = std::to_string(st.st_uid);
  std::string group = std::to_string(st.st_gid);
  if (const auto* pw = getpwuid(st.st_uid)) user = pw->pw_name;
  if (const auto* gr = getgrgid(st.st_gid)) group = gr->gr_name;
  return user + ":" + group;
}

// Whether the user has the node's group now (this process) and in the group database: when only
// the database has it, the user was added but has not logged in again since.
void fill_user(ports::NodeInfo& info, gid_t gid) {
  const auto uid = getuid();
  const auto* pw = getpwuid(uid);
  info.user = pw != nullptr ? pw->pw_name : std::to_string(uid);
  info.in_group_now = getgid() == gid;
  const int n = getgroups(0, nullptr);
  if (n > 0) {
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    if (getgroups(n, groups.data()) == n) {
      info.in_group_now = info.in_group_now || std::find(groups.begin(), groups.end(), gid) != groups.end();
    }
  }
  if (pw != nullptr) {
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<std::size_t>(count));
      (void)getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count);
    }
    groups.resize(static_cast<std::size_t>(std::max(count, 0)));
    info.in_group_db = std::find(groups.begin(), groups.end(), gid) != groups.end();
  }
}

// Read/write access for the real user, as open(2) will decide it (probe-rs decides the same way).
void check_access(devices::SerialDevice& d) {
  struct stat st {};
  if (stat(d.path.c_str(), &st) != 0) {
    d.exists = false;
    d.accessible = false;
    d.reason = std::string("node ") + d.path + " missing: " + std::strerror(errno);
    return;
  }
  d.exists = true;
  const auto owner = owner_string(st);
  d.group = owner.substr(owner.find(':') + 1);
  if (access(d.path.c_str(), R_OK | W_OK) == 0) {
    d.accessible = true;
    return;
  }
  d.accessible = false;
  d.reason = std::string(std::strerror(errno)) + " (" + mode_string(st.st_mode) + " " + owner_string(st) + ")";
}

// by-id links of <dev-root>/serial/by-id, keyed by the lexical and the canonical target.
std::map<std::string, std::string> by_id_links(const fs::path& dev_root) {
  std::map<std::string, std::string> out;
  const auto dir = dev_root / "serial" / "by-id";
  std::error_code ec;
  int count = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end && count < kMaxEntries; it.increment(ec), ++count) {
    const auto& e = *it;
    std::error_code lec;
    auto target = fs::read_symlink(e.path(), lec);
    if (lec) continue;
    const auto logical = "/dev/serial/by-id/" + e.path().filename().string();
    if (target.is_relative()) target = dir / target;
    out.emplace(target.lexically_normal().string(), logical);
    if (auto c = canonical_or_empty(e.path()); !c.empty()) out.emplace(c.string(), logical);
  }
  return out;
}

}  // namespace

core::expected<devices::Enumeration, std::string> SysfsDeviceEnumerator::enumerate(const std::string& sysfs_root,
                                                                                 const std::string& dev_root) {
  devices::Enumeration e;
  e.sysfs_root = sysfs_root;
  e.dev_root = dev_root;
  const fs::path class_tty = fs::path(sysfs_root) / "class" / "tty";
  std::error_code ec;
  fs::directory_iterator it(class_tty, ec);
  if (ec) return core::unexpected{class_tty.string() + ": " + ec.message()};
  const auto links = by_id_links(dev_root);
  const auto root = canonical_or_empty(sysfs_root).string() + "/";
  const auto inside = [&](const fs::path& p) { return p.string().rfind(root, 0) == 0; };
  std::vector<std::string> seen_usb;
  int count = 0;
  for (fs::directory_iterator end; !ec && it != end && count < kMaxEntries && !stop_requested();
       it.increment(ec), ++count) {
    const auto& entry = *it;
    const auto name = entry.path().filename().string();
    // Virtual ttys (tty0, ptmx, console, pts) have no `device` link: not hardware, not listed.
    const auto dev_dir = canonical_or_empty(entry.path() / "device");
    if (dev_dir.empty() || !inside(dev_dir)) continue;
    const auto usb_dir = find_usb_device(dev_dir);
    if (usb_dir.empty()) continue;  // built-in UARTs: serial-port inspects them on demand
    devices::SerialDevice d;
    d.name = name;
    d.node = "/dev/" + name;
    d.path = (fs::path(dev_root) / name).string();
    d.usb = read_usb(usb_dir);
    seen_usb.push_back(d.usb->sysfs_path);
    const auto intf = find_interface(dev_dir, usb_dir);
    if (!intf.empty()) {
      d.interface_number = read_attr(intf / "bInterfaceNumber");
      d.interface = read_attr(intf / "interface");
    }
    // usb-serial drivers (ftdi_sio) bind the port device; cdc_acm binds the interface.
    d.driver = link_name(dev_dir / "driver");
    if (d.driver.empty() && !intf.empty()) d.driver = link_name(intf / "driver");
    d.subsystem = link_name(dev_dir / "subsystem");
    if (d.subsystem.empty()) d.subsystem = dev_dir == intf ? "usb" : "usb-serial";
    d.stlink = devices::find_stlink(d.usb->vid, d.usb->pid);
    if (auto l = links.find(d.path); l != links.end()) {
      d.by_id = l->second;
    } else if (auto c = canonical_or_empty(d.path); !c.empty()) {
      if (auto l2 = links.find(c.string()); l2 != links.end()) d.by_id = l2->second;
    }
    d.real_path = canonical_or_empty(d.path).string();
    check_access(d);
    e.serial.push_back(std::move(d));
  }
  std::sort(e.serial.begin(), e.serial.end(), [](const auto& a, const auto& b) {
    // Natural order: ttyACM2 before ttyACM10.
    if (a.name.size() != b.name.size() && a.name.rfind("tty", 0) == 0 &&
        a.name.substr(0, 6) == b.name.substr(0, 6)) {
      return a.name.size() < b.name.size();
    }
    return a.name < b.name;
  });
  // ST-LINKs without a tty (no VCP, or cdc_acm not bound) from the USB bus listing.
  std::vector<devices::UsbIdentity> others;
  count = 0;
  for (fs::directory_iterator u(fs::path(sysfs_root) / "bus" / "usb" / "devices", ec), end;
       !ec && u != end && count < kMaxEntries && !stop_requested(); u.increment(ec), ++count) {
    const auto dir = canonical_or_empty(u->path());
    std::error_code xec;
    if (dir.empty() || !inside(dir) || !fs::exists(dir / "idVendor", xec)) continue;
    if (std::find(seen_usb.begin(), seen_usb.end(), dir.string()) != seen_usb.end()) continue;
    others.push_back(read_usb(dir));
  }
  e.build_probes(others);
  return e;
}

ports::NodeInfo SysfsDeviceEnumerator::inspect(const std::string& path, const std::string& sysfs_root) {
  ports::NodeInfo info;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return info;
  info.exists = true;
  info.real_path = canonical_or_empty(path).string();
  info.mode = mode_string(st.st_mode);
  info.owner = owner_string(st);
  info.group = info.owner.substr(info.owner.find(':') + 1);
  fill_user(info, st.st_gid);
  const auto real_name = fs::path(info.real_path).filename().string();
  if (S_ISDIR(st.st_mode)) {
    info.kind = "a directory, not a device";
  } else if (S_ISREG(st.st_mode)) {
    info.kind = "a regular file, not a device";
  } else if (!S_ISCHR(st.st_mode)) {
    info.kind = "not a character device";
  } else {
    const auto major_no = major(st.st_rdev);
    const auto driver = link_name(fs::path(sysfs_root) / "class" / "tty" / real_name / "device" / "driver");
    if (major_no >= 136 && major_no <= 143) {
      info.kind = "a pseudo-terminal (" + info.real_path + "), not a USB serial port";
    } else if (major_no == 4 && minor(st.st_rdev) >= 64) {
      info.kind = "a built-in UART (" + real_name + (driver.empty() ? "" : ", driver " + driver) + ")";
    } else if (major_no == 4 || major_no == 5) {
      info.kind = "a virtual console or terminal (" + real_name + ")";
    } else if (major_no == 188) {
      info.kind = "a USB serial adapter (" + real_name + ")";
    } else if (major_no == 166) {
      info.kind = "a USB modem/CDC-ACM port (" + real_name + ") that is not an ST-LINK";
    } else {
      info.kind = "a character device (major " + std::to_string(major_no) + (driver.empty() ? "" : ", driver " + driver) + ")";
    }
  }
  return info;
}

}  // namespace stm32mp::adapters::linux_os
