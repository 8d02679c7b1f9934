#include "hostile.h"

namespace boardsim {
namespace {

// What a hostile board printed to a tester's terminal (issue 15): a window title, a screen clear and a link.
constexpr char kControls[] = "\x1b]0;board-sim owns this terminal\x07\x1b[2J\x1b[H"
                             "\x1b]8;;https://example.invalid/\x07click\x1b]8;;\x07\x9b" "31m";
// 16 sysfs pages (a real attribute is one page at most) and 4 times the report's 16 KiB fact cap. 1 MiB made
// the product's target probe (od of every value) miss its 30 s step deadline on a loaded 2-core machine:
// measured, and left to issue 15's caps at each read site.
constexpr std::size_t kHugeBytes = 64 << 10;

std::string huge_value(const std::string& start) {
    std::string v = start + kControls;
    v += std::string("\x00\x01\xfe\xff\r\b", 6);
    while (v.size() < kHugeBytes) v += kControls;
    v.resize(kHugeBytes);
    return v + "\n";
}

}  // namespace

bool parse_hostile(const std::string& value, Hostile& out) {
    if (value == "off") out = Hostile::off;
    else if (value == "controls") out = Hostile::controls;
    else if (value == "endless") out = Hostile::endless;
    else return false;
    return true;
}

void hostile_attribute(Hostile h, const std::string& instance, const std::string& attr, std::string& text) {
    if (h != Hostile::controls) return;
    if (attr == "firmware") text = huge_value("fw");
    else if (attr == "name" && instance != "m33") text = huge_value(instance);
}

bool hostile_endless(Hostile h, const std::string& attr) { return h == Hostile::endless && attr == "firmware"; }

std::string hostile_log_line() { return std::string("hostile board: ") + kControls + std::string(2000, 'X'); }

char hostile_byte(unsigned long long offset) {
    static constexpr std::size_t kLen = sizeof kControls - 1;
    return kControls[offset % kLen];
}

}  // namespace boardsim
