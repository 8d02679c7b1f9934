#include "hostile.h"

#include <map>
#include <mutex>
#include <utility>

namespace boardsim {
namespace {

// What a hostile board printed to a tester's terminal (issue 15): a window title, a screen clear and a link.
constexpr char kControls[] = "\x1b]0;board-sim owns this terminal\x07\x1b[2J\x1b[H"
                             "\x1b]8;;https://example.invalid/\x07click\x1b]8;;\x07\x9b" "31m";
// controls: 16 sysfs pages (a real attribute is one page at most) and 4 times the report's 16 KiB fact cap.
// megabyte: 1 MiB, what made a 44 MB report and the target probe (then od of every value) miss its deadline.
constexpr std::size_t kHugeBytes = 64 << 10;
constexpr std::size_t kMegabyte = 1 << 20;

// Built once per value: a shell reads an attribute in small pieces, and each piece is a FUSE read of its own (a
// 1 MiB value rebuilt for every 128-byte read cost the board 25 s, a time no real sysfs takes).
const std::string& huge_value(const std::string& start, std::size_t bytes) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::size_t>, std::string> built;
    std::lock_guard lock(mutex);
    auto& v = built[{start, bytes}];
    if (v.empty()) {
        v = start + kControls;
        v += std::string("\x00\x01\xfe\xff\r\b", 6);
        while (v.size() < bytes) v += kControls;
        v.resize(bytes);
        v += "\n";
    }
    return v;
}

}  // namespace

bool parse_hostile(const std::string& value, Hostile& out) {
    if (value == "off") out = Hostile::off;
    else if (value == "controls") out = Hostile::controls;
    else if (value == "endless") out = Hostile::endless;
    else if (value == "megabyte") out = Hostile::megabyte;
    else return false;
    return true;
}

void hostile_attribute(Hostile h, const std::string& instance, const std::string& attr, std::string& text) {
    if (h != Hostile::controls && h != Hostile::megabyte) return;
    const auto bytes = h == Hostile::megabyte ? kMegabyte : kHugeBytes;
    if (attr == "firmware") text = huge_value("fw", bytes);
    else if (attr == "name" && instance != "m33") text = huge_value(instance, bytes);
    else if (attr == "state" && instance != "m33" && h == Hostile::megabyte) text = huge_value("offline", bytes);
}

bool hostile_endless(Hostile h, const std::string& attr) { return h == Hostile::endless && attr == "firmware"; }

std::string hostile_log_line() { return std::string("hostile board: ") + kControls + std::string(2000, 'X'); }

char hostile_byte(unsigned long long offset) {
    static constexpr std::size_t kLen = sizeof kControls - 1;
    return kControls[offset % kLen];
}

}  // namespace boardsim
