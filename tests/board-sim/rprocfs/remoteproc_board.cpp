#include "remoteproc_board.h"

#include "elf_loader_check.h"
#include "tee_lines.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>

namespace boardsim {
namespace {

constexpr std::uint32_t kTeeErrorItemNotFound = 0xFFFF0008;  // TEE_ERROR_ITEM_NOT_FOUND: no such TA

// sysfs_streq(): equal, ignoring one trailing newline on either side.
bool streq(std::string a, const char* b) {
    if (!a.empty() && a.back() == '\n') a.pop_back();
    return a == b;
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
        // A TEE-mode M33 whose TA cannot be reached fails its probe (ST stm32_rproc.c): logged once, at boot,
        // and the instance never appears.
        if (name == "m33" && settings_.tee_mode && !settings_.tee_ta) {
            char err[64];
            std::snprintf(err, sizeof err, "tee_client_open_session failed, err: %x", kTeeErrorItemNotFound);
            log_.line("stm32-rproc m33", err);
            log_.line("stm32-rproc m33", "signed firmware not supported by TEE");
            continue;
        }
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
    hostile_attribute(settings_.hostile, r.name, attr, out);
    return true;
}

bool RemoteprocBoard::endless(const std::string& attr) const {
    std::lock_guard lock(mutex_);
    return hostile_endless(settings_.hostile, attr);
}

int RemoteprocBoard::write(std::size_t index, const std::string& attr, const std::string& data) {
    // start_ms: a long load (a large image, a slow TEE check). The writer blocks as `echo start` does while
    // rproc_boot() runs; the board is not locked meanwhile, so a reader sees the state the kernel shows
    // during a load ("offline"), as state_show() reads it without the rproc's lock.
    if (attr == "state" && streq(data, "start")) {
        int delay_ms = 0;
        {
            std::lock_guard lock(mutex_);
            delay_ms = settings_.start_ms;
        }
        if (delay_ms > 0) {
            std::fprintf(stderr, "rprocfs: start of remoteproc%zu requested, loading for %d ms (start_ms)\n", index,
                         delay_ms);
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        }
    }
    std::lock_guard lock(mutex_);
    return write_locked(index, attr, data);
}

int RemoteprocBoard::write_locked(std::size_t index, const std::string& attr, const std::string& data) {
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
        if (settings_.hostile == Hostile::controls || settings_.hostile == Hostile::megabyte) log_.line(dev(index), hostile_log_line());
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

int RemoteprocBoard::boot(std::size_t i) {  // rproc_boot()
    Rproc& r = rprocs_[i];
    if (r.name == "m33" && settings_.rproc_fault == "deleted") {  // the driver is being unbound
        log_.line(dev(i), "can't boot deleted rproc " + r.name);
        return -ENODEV;
    }
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

int RemoteprocBoard::fw_boot(std::size_t i, bool recovery) {
    Rproc& r = rprocs_[i];
    std::vector<std::uint8_t> data;
    int ret = request_firmware(log_, dev(i), settings_.firmware, r.firmware, data);
    if (ret != 0) {
        log_.line(dev(i), "request_firmware failed: " + std::to_string(ret));
        return ret;
    }
    // rproc_boot_recovery() calls rproc_start() directly: no "Booting fw image" line.
    const std::string booting = recovery ? "" : "Booting fw image " + r.firmware + ", size " + std::to_string(data.size());
    if (r.name == "m33" && settings_.rproc_fault == "memory-region") {
        // stm32_rproc_prepare(): a memory-region the driver cannot translate, then the core's "can't prepare".
        log_.line(r.parent_dev, "memory region not valid 0x80100000");
        log_.line(dev(i), "can't prepare rproc " + r.name + ": -22");
        return -EINVAL;
    }
    if (r.tee) {
        ret = tee_load_and_start(i, data, booting);
        if (ret != 0) return ret;
    } else {
        ElfCheckResult elf = check_elf_firmware(data, r.carve_outs);
        if (elf.sanity_err != 0) {
            log_.line(dev(i), elf.sanity_msg);
            return elf.sanity_err;
        }
        if (!booting.empty()) log_.line(dev(i), booting);
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
        // ST's stm32_rproc_start(): a vector table the boot register cannot hold is logged, and the start
        // still returns 0 — the kernel says "is now up" while the core stays in reset.
        if (r.parse_fw && elf.vector_table && (*elf.vector_table & 0x7f) != 0) {
            char line[96];
            std::snprintf(line, sizeof line, "Boot address is %#llx no aligned on mask %#x",
                          static_cast<unsigned long long>(*elf.vector_table), 0xffffff80u);
            log_.line(dev(i), line);
        }
    }
    // rproc_start(): the virtio/rpmsg subdevices are prepared after the load, whatever the image format.
    if (r.name == "m33" && settings_.rproc_fault == "subdevices") {
        log_.line(dev(i), "failed to prepare subdevices for " + r.name + ": -12");
        return -ENOMEM;
    }
    r.state = RprocState::Running;
    log_.line(dev(i), "remote processor " + r.name + " is now up");
    return 0;
}

int RemoteprocBoard::shutdown(std::size_t i) {  // rproc_shutdown()
    Rproc& r = rprocs_[i];
    if (r.state != RprocState::Running && r.state != RprocState::Attached) return -EINVAL;
    if (--r.power > 0) return 0;  // still referenced: stays running
    // rproc_stop(): the driver's stop op fails, the reference is given back and the core keeps running.
    if (settings_.stop_fault == "eperm" || (settings_.stop_fault == "ta" && r.tee)) {
        ++r.power;
        int err = -EPERM;
        if (settings_.stop_fault == "ta") {
            log_.line(kTeeDev, ta_failed("TA_RPROC_FW_CMD_STOP_FW", 0xFFFF0000));
            err = -EIO;
        }
        log_.line(dev(i), "can't stop rproc: " + std::to_string(err));
        return err;
    }
    r.power = 0;
    r.state = RprocState::Offline;
    log_.line(dev(i), "stopped remote processor " + r.name);
    return 0;
}

void RemoteprocBoard::recover(std::size_t i) {  // rproc_trigger_recovery() -> rproc_boot_recovery()
    Rproc& r = rprocs_[i];
    if (r.state != RprocState::Crashed) return;
    log_.line(dev(i), "recovering " + r.name);
    log_.line(dev(i), "stopped remote processor " + r.name);
    r.state = RprocState::Offline;
    // A failed recovery leaves the core offline with its power reference still held (nobody calls
    // rproc_shutdown): the next start only counts a reference and stays silent, a stop says EINVAL.
    (void)fw_boot(i, true);
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

std::string RemoteprocBoard::status() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (std::size_t i = 0; i < rprocs_.size(); ++i) {
        const Rproc& r = rprocs_[i];
        out += "remoteproc" + std::to_string(i) + " " + r.name + " " + state_name(r.state) + " " + r.firmware +
               " power=" + std::to_string(r.power) +
               (r.state == RprocState::Running && !r.running_image.empty() ? " runs=" + r.running_image : "") +
               (i + 1 < rprocs_.size() ? ";" : "");
    }
    return out;
}

}  // namespace boardsim
