// RemoteprocBoard::apply: the knobs board-sim sends over the control socket ("set KEY=VALUE").
#include "remoteproc_board.h"

#include <sstream>

namespace boardsim {

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
    } else if (key == "order" || key == "board" || key == "tee_ta") {
        if (key == "order") {
            std::vector<std::string> order;
            std::stringstream ss(value);
            for (std::string item; std::getline(ss, item, ',');)
                if (item == "m0" || item == "m33") order.push_back(item);
                else return "order lists m0 and/or m33, e.g. m33,m0";
            settings_.order = order;
        } else if (key == "board") {
            if (value != "dk" && value != "ev1" && value != "m33td") return "board must be dk, ev1 or m33td";
            settings_.board = value;
        } else {
            if (value != "on" && value != "off") return "tee_ta must be on or off";
            settings_.tee_ta = value == "on";
        }
        // The instances are probed anew, as after a driver rebind.
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
        return apply_fault(key, value);
    }
    return {};
}

std::string RemoteprocBoard::apply_fault(const std::string& key, const std::string& value) {
    if (key == "ta_start") {
        if (value != "ok" && value != "fail") return "ta_start must be ok or fail";
        settings_.ta_start_fails = value == "fail";
    } else if (key == "ta_flavour") {
        if (value != "st" && value != "upstream") return "ta_flavour must be st or upstream";
        settings_.ta_flavour = value;
    } else if (key == "pta_ecdsa") {
        if (value != "off" && value != "on") return "pta_ecdsa must be off or on";
        settings_.pta_ecdsa = value == "on";
    } else if (key == "stop_fault") {
        if (value != "none" && value != "eperm" && value != "ta") return "stop_fault must be none, eperm or ta";
        settings_.stop_fault = value;
    } else if (key == "rproc_fault") {
        if (value != "none" && value != "memory-region" && value != "subdevices" && value != "deleted")
            return "rproc_fault must be none, memory-region, subdevices or deleted";
        // deleted: the driver unbinds between the firmware write and the start (rproc_del() racing the
        // start), so the firmware write still succeeds and rproc_boot() finds the instance deleted.
        settings_.rproc_fault = value;
    } else if (key == "hostile") {
        if (!parse_hostile(value, settings_.hostile)) return "hostile must be off, controls or endless";
    } else if (key == "start_ms") {
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 6)
            return "start_ms must be a number of milliseconds";
        settings_.start_ms = std::stoi(value);
    } else if (key == "kernel_release") {
        settings_.firmware.kernel_release = value;
    } else {
        return "unknown key " + key;
    }
    return {};
}

}  // namespace boardsim
