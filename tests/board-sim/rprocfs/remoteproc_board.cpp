#include "remoteproc_board.h"

#include "elf_loader_check.h"
#include "tee_image_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace boardsim {
namespace {

// Carve-outs from ST's reserved-memory layout for the STM32MP257F-DK "ca35tdcid" (Cortex-A35 is the
// trusted domain, Linux loads the M33): arch/arm64/boot/dts/st/stm32mp257f-dk-ca35tdcid-resmem.dtsi as
// shipped in ST-derived kernels (read in digi-embedded/linux). The EV1's file (stm32mp257f-ev1-ca35tdcid-
// resmem.dtsi) has the same DDR carve-outs but two SCMI pages before a shorter SRAM1.
// The simulator maps device address == physical address.
std::vector<CarveOut> m33_carve_outs(const std::string& board) {
    const bool ev1 = board == "ev1";
    return {
        {"cm33-cube-fw@80100000", 0x80100000, 0x800000},  {"cm33-cube-data@80a00000", 0x80a00000, 0x800000},
        {"ipc-shmem-1@81200000", 0x81200000, 0xf8000},    {"vdev0vring0@812f8000", 0x812f8000, 0x1000},
        {"vdev0vring1@812f9000", 0x812f9000, 0x1000},     {"vdev0buffer@812fa000", 0x812fa000, 0x6000},
        ev1 ? CarveOut{"cm33-sram1@a043000", 0x0a043000, 0x1d000} : CarveOut{"cm33-sram1@a041000", 0x0a041000, 0x1f000},
        {"cm33-sram2@a060000", 0x0a060000, 0x20000},      {"cm33-retram@a080000", 0x0a080000, 0x1f000},
    };
}

std::vector<CarveOut> m0_carve_outs() {
    return {
        {"cm0-cube-fw@200C0000", 0x200C0000, 0x4000},
        {"cm0-cube-data@200C4000", 0x200C4000, 0x2000},
        {"ipc-shmem-2@200C6000", 0x200C6000, 0x2000},
    };
}

// sysfs_streq(): equal, ignoring one trailing newline on either side.
bool streq(std::string a, const char* b) {
    if (!a.empty() && a.back() == '\n') a.pop_back();
    return a == b;
}

// kernel_read_file() (fs/kernel_read_file.c): negative errno; anything but a regular file (a
// directory too) is -EINVAL, an empty file -EINVAL; the path walk's -ENOTDIR is passed on as is.
int read_whole_file(const std::string& path, std::vector<std::uint8_t>& data) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st {};
    int rc = 0;
    if (::fstat(fd, &st) != 0) rc = -errno;
    else if (!S_ISREG(st.st_mode)) rc = -EINVAL;
    else if (st.st_size <= 0) rc = -EINVAL;
    else {
        data.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < data.size()) {
            ssize_t n = ::read(fd, data.data() + got, data.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        data.resize(got);
    }
    ::close(fd);
    return rc;
}

std::string trim_newline(std::string s) {
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

}  // namespace

const char* state_name(RprocState s) {
    switch (s) {
        case RprocState::Offline: return "offline";
        case RprocState::Suspended: return "suspended";
        case RprocState::Running: return "running";
        case RprocState::Crashed: return "crashed";
        case RprocState::Deleted: return "deleted";
        case RprocState::Attached: return "attached";
        case RprocState::Detached: return "detached";
    }
    return "invalid";
}

RemoteprocBoard::RemoteprocBoard(BoardSettings settings)
    : settings_(std::move(settings)),
      log_(settings_.kmsg_path, settings_.boot_ns),
      secure_log_(settings_.secure_log_path, settings_.boot_ns) {
    register_instances();
}

void RemoteprocBoard::register_instances() {
    rprocs_.clear();
    for (const auto& name : settings_.order) {
        // An M33-TD board runs the M33 under TF-M: Linux has no m33 remoteproc at all.
        if (name == "m33" && settings_.board == "m33td") continue;
        Rproc r;
        r.name = name;
        r.firmware = "rproc-" + name + "-fw";
        r.recovery_disabled = !settings_.recovery;
        if (name == "m33") {
            r.parent_dev = "stm32-rproc m33";
            r.tee = settings_.tee_mode;
            r.parse_fw = true;
            r.carve_outs = m33_carve_outs(settings_.board);
        } else {
            r.parent_dev = "stm32-m0-rproc m0";
            r.carve_outs = m0_carve_outs();
        }
        rprocs_.push_back(std::move(r));
    }
    for (std::size_t i = 0; i < rprocs_.size(); ++i) {
        if (rprocs_[i].tee) log_.line(rprocs_[i].parent_dev, "Support of signed firmware only");
        log_.line(dev(i), rprocs_[i].name + " is available");
    }
}

std::string RemoteprocBoard::dev(std::size_t i) const { return "remoteproc remoteproc" + std::to_string(i); }

std::size_t RemoteprocBoard::count() const {
    std::lock_guard lock(mutex_);
    return rprocs_.size();
}

bool RemoteprocBoard::writable(const std::string& attr) {
    return attr == "firmware" || attr == "state" || attr == "recovery" || attr == "coredump";
}

bool RemoteprocBoard::read(std::size_t index, const std::string& attr, std::string& out) const {
    std::lock_guard lock(mutex_);
    if (index >= rprocs_.size()) return false;
    const Rproc& r = rprocs_[index];
    if (attr == "name") out = r.name;
    else if (attr == "firmware") out = r.state == RprocState::Attached ? "unknown" : r.firmware;
    else if (attr == "state") out = state_name(r.state);
    else if (attr == "recovery") out = r.recovery_disabled ? "disabled" : "enabled";
    else if (attr == "coredump") out = r.coredump;
    else if (attr == "fw_format") out = r.tee ? "TEE" : "ELF";
    else return false;
    out += '\n';
    return true;
}

int RemoteprocBoard::write(std::size_t index, const std::string& attr, const std::string& data) {
    std::lock_guard lock(mutex_);
    if (index >= rprocs_.size()) return -ENODEV;
    Rproc& r = rprocs_[index];
    const int count = static_cast<int>(data.size());
    if (attr == "firmware") {  // rproc_set_firmware()
        if (r.state != RprocState::Offline) {
            log_.line(r.parent_dev, "can't change firmware while running");
            return -EBUSY;
        }
        const std::string name = data.substr(0, data.find('\n'));
        if (name.empty()) {
            log_.line(r.parent_dev, "can't provide empty string for firmware name");
            return -EINVAL;
        }
        r.firmware = name;
        return count;
    }
    if (attr == "state") {
        int ret = 0;
        if (streq(data, "start")) {
            if (!settings_.refcounted && r.state == RprocState::Running) return -EBUSY;
            ret = boot(index);
            if (ret != 0) log_.line(dev(index), "Boot failed: " + std::to_string(ret));
        } else if (streq(data, "stop")) {
            if (!settings_.refcounted && r.state != RprocState::Running) return -EINVAL;
            ret = shutdown(index);
        } else if (streq(data, "detach")) {
            // STM32 TEE ops have no detach; ELF mode detaches only an attached processor.
            if (r.state != RprocState::Attached || r.tee) return -EINVAL;
            r.power = 0;
            r.state = RprocState::Detached;
            log_.line(dev(index), "detached remote processor " + r.name);
        } else {
            log_.line(dev(index), "Unrecognised option: " + trim_newline(data));
            ret = -EINVAL;
        }
        return ret != 0 ? ret : count;
    }
    if (attr == "recovery") {
        if (streq(data, "enabled")) {
            r.recovery_disabled = false;
            recover(index);
        } else if (streq(data, "disabled")) {
            r.recovery_disabled = true;
        } else if (streq(data, "recover")) {
            recover(index);
        } else {
            return -EINVAL;
        }
        return count;
    }
    if (attr == "coredump") {
        if (r.state == RprocState::Crashed) {
            log_.line(r.parent_dev, "can't change coredump configuration");
            return -EBUSY;
        }
        if (streq(data, "disabled")) r.coredump = "disabled";
        else if (streq(data, "enabled")) r.coredump = "enabled";
        else if (streq(data, "inline")) r.coredump = "inline";
        else {
            log_.line(r.parent_dev, "Invalid coredump configuration");
            return -EINVAL;
        }
        return count;
    }
    return -EACCES;
}

int RemoteprocBoard::request_firmware(std::size_t i, std::vector<std::uint8_t>& data) {
    const std::string& name = rprocs_[i].firmware;
    // _request_firmware(): a name with a ".." component is refused before any path is tried.
    for (std::size_t b = 0; b <= name.size();) {
        std::size_t e = name.find('/', b);
        if (e == std::string::npos) e = name.size();
        if (name.compare(b, e - b, "..") == 0) {
            log_.line(dev(i), "Firmware load for '" + name + "' refused, path contains '..' component");
            return -EINVAL;
        }
        b = e + 1;
    }
    std::vector<std::string> dirs;
    {
        std::ifstream param(settings_.fw_path_param);
        std::string custom;
        std::getline(param, custom);
        if (!custom.empty()) dirs.push_back(custom);
    }
    utsname u{};
    uname(&u);
    const std::string& fw = settings_.firmware_dir;
    dirs.insert(dirs.end(), {fw + "/updates/" + u.release, fw + "/updates", fw + "/" + u.release, fw});
    int rc = -ENOENT;
    for (const auto& d : dirs) {
        const std::string path = d + "/" + name;  // the kernel concatenates: an absolute name never matches
        rc = read_whole_file(path, data);
        if (rc == 0) return 0;
        if (rc != -ENOENT) log_.line(dev(i), "loading " + path + " failed with error " + std::to_string(rc));
    }
    log_.line(dev(i), "Direct firmware load for " + name + " failed with error " + std::to_string(rc));
    return rc;
}

int RemoteprocBoard::boot(std::size_t i) {  // rproc_boot()
    Rproc& r = rprocs_[i];
    if (r.state == RprocState::Detached) {
        log_.line(dev(i), "attaching to " + r.name);
        ++r.power;
        r.state = RprocState::Attached;
        log_.line(dev(i), "remote processor " + r.name + " is now attached");
        return 0;
    }
    if (++r.power > 1) return 0;  // already powered: silent success, one more reference
    log_.line(dev(i), "powering up " + r.name);
    int ret = fw_boot(i);
    if (ret != 0) --r.power;
    return ret;
}

int RemoteprocBoard::fw_boot(std::size_t i) {
    Rproc& r = rprocs_[i];
    std::vector<std::uint8_t> data;
    int ret = request_firmware(i, data);
    if (ret != 0) {
        log_.line(dev(i), "request_firmware failed: " + std::to_string(ret));
        return ret;
    }
    const std::string booting = "Booting fw image " + r.firmware + ", size " + std::to_string(data.size());
    if (r.tee) {
        // tee_remoteproc: the TA authenticates and loads during the sanity check, before "Booting fw image".
        TeeCheckResult tee = check_signed_image(data, settings_.trusted_key, r.carve_outs);
        if (tee.tee_err != kTeeSuccess) {
            char line[96];
            std::snprintf(line, sizeof line, "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: %x, ret:%x", tee.tee_err, 0u);
            log_.line(r.parent_dev, line);
            secure_log_.raw("E/TA:  " + tee.ta_message);
            return -EIO;
        }
        log_.line(dev(i), booting);
    } else {
        ElfCheckResult elf = check_elf_firmware(data, r.carve_outs);
        if (elf.sanity_err != 0) {
            log_.line(dev(i), elf.sanity_msg);
            return elf.sanity_err;
        }
        log_.line(dev(i), booting);
        // stm32_rproc_parse_fw prints this; the M0+ driver has no parse_fw, so no search and no line.
        if (!elf.rsc_table_found && r.parse_fw) {
            if (!elf.rsc_msg.empty()) log_.line(dev(i), elf.rsc_msg);
            log_.line(dev(i), "no resource table found for this firmware");
        }
        if (elf.load_err != 0) {
            log_.line(dev(i), elf.load_msg);
            log_.line(dev(i), "Failed to load program segments: " + std::to_string(elf.load_err));
            return elf.load_err;
        }
    }
    r.state = RprocState::Running;
    log_.line(dev(i), "remote processor " + r.name + " is now up");
    return 0;
}

int RemoteprocBoard::shutdown(std::size_t i) {  // rproc_shutdown()
    Rproc& r = rprocs_[i];
    if (r.state != RprocState::Running && r.state != RprocState::Attached) return -EINVAL;
    if (--r.power > 0) return 0;  // still referenced: stays running
    r.power = 0;
    r.state = RprocState::Offline;
    log_.line(dev(i), "stopped remote processor " + r.name);
    return 0;
}

void RemoteprocBoard::recover(std::size_t i) {  // rproc_trigger_recovery()
    Rproc& r = rprocs_[i];
    if (r.state != RprocState::Crashed) return;
    log_.line(dev(i), "recovering " + r.name);
    log_.line(dev(i), "stopped remote processor " + r.name);
    r.state = RprocState::Offline;
    if (fw_boot(i) != 0) r.state = RprocState::Crashed;
}

std::string RemoteprocBoard::crash(const std::string& name) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < rprocs_.size(); ++i) {
        Rproc& r = rprocs_[i];
        if (r.name != name) continue;
        if (r.state != RprocState::Running) return name + " is not running (" + state_name(r.state) + ")";
        log_.line(dev(i), "crash detected in " + r.name + ": type watchdog");
        log_.line(dev(i), "handling crash #" + std::to_string(++r.crash_count) + " in " + r.name);
        r.state = RprocState::Crashed;
        if (!r.recovery_disabled) recover(i);
        return {};
    }
    return "no remoteproc named " + name;
}

void RemoteprocBoard::reboot() {
    std::lock_guard lock(mutex_);
    register_instances();
}

std::string RemoteprocBoard::apply(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    if (key == "mode") {
        if (value != "ELF" && value != "TEE") return "mode must be ELF or TEE";
        settings_.tee_mode = value == "TEE";
        for (auto& r : rprocs_)
            if (r.name == "m33") r.tee = settings_.tee_mode;
    } else if (key == "semantics") {
        if (value != "old" && value != "refcount") return "semantics must be old or refcount";
        settings_.refcounted = value == "refcount";
    } else if (key == "recovery") {
        if (value != "enabled" && value != "disabled") return "recovery must be enabled or disabled";
        settings_.recovery = value == "enabled";
        for (auto& r : rprocs_) r.recovery_disabled = !settings_.recovery;
    } else if (key == "trust_key") {
        settings_.trusted_key = value;
    } else if (key == "order" || key == "board") {
        std::vector<std::string> order;
        if (key == "order") {
            std::stringstream ss(value);
            for (std::string item; std::getline(ss, item, ',');)
                if (item == "m0" || item == "m33") order.push_back(item);
                else return "order lists m0 and/or m33, e.g. m0,m33";
            settings_.order = order;
        } else {
            if (value != "dk" && value != "ev1" && value != "m33td") return "board must be dk, ev1 or m33td";
            settings_.board = value;
        }
        for (std::size_t i = 0; i < rprocs_.size(); ++i) log_.line(dev(i), "releasing " + rprocs_[i].name);
        register_instances();
    } else if (key == "detached") {  // the bootloader started this processor before Linux probed it
        for (auto& r : rprocs_)
            if (r.name == value) {
                if (r.state != RprocState::Offline) return value + " is not offline";
                r.state = RprocState::Detached;
                return {};
            }
        return "no remoteproc named " + value;
    } else {
        return "unknown key " + key;
    }
    return {};
}

std::string RemoteprocBoard::status() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (std::size_t i = 0; i < rprocs_.size(); ++i) {
        const Rproc& r = rprocs_[i];
        out += "remoteproc" + std::to_string(i) + " " + r.name + " " + state_name(r.state) + " " + r.firmware +
               " power=" + std::to_string(r.power) + (i + 1 < rprocs_.size() ? ";" : "");
    }
    return out;
}

}  // namespace boardsim
