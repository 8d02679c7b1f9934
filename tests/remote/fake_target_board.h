#pragma once
// A scripted STM32MP257F-DK as the target step's probe and the fingerprint command see it (fake replies in
// the format of remote/probe_output.h), shared by the target step and kept-facts tests.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "image/image_facts.h"
#include "remote/fake_board_session.h"

namespace stm32mp::testing {

inline std::string be(std::uint64_t v, int bytes) {
  std::string s;
  for (int i = bytes - 1; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

struct Board {
  std::vector<std::string> compatible{"st,stm32mp257f-dk", "st,stm32mp257"};
  std::vector<FakeInstance> instances{{0, "m0"}, {1, "m33"}};
  std::uint64_t avail_kb = 4096;
  bool ro = false;
  bool writable = true;
  bool tee_ta = false;
  bool demo = false;
  std::vector<std::string> leftovers;
  std::uint64_t leftover_bytes = 0;
  // The device tree's own link from a core to its carve-outs (phandles of memory-region), when shown.
  bool dt_links = false;
  std::string tee_boot_log;  // the probe's kmsg.tee: boot-log lines of a failed TA session
  // The probe's kmsg.ta_start: a start failure not followed by an up or stopped line, after the "Booting fw image"
  // line before it when there is one.
  std::string ta_start_log;
  std::string boot_id = "5f0c2d7e-1b9a-4c39-8e57-2a6d1f3b9c40";  // fp.boot_id (remote/board_fingerprint.h)

  // The lines the full probe and the fingerprint command share (remote::fingerprint_probe_lines()).
  std::string fingerprint_head() const {
    return "fp.boot_id=" + boot_id + "\nfp.fw_w=" + (writable && !ro ? "yes" : "no") + "\n";
  }
  // The reply of remote::fingerprint_command() for this board.
  std::string fingerprint_reply() const {
    std::string s = "probe.version=1\n" + fingerprint_head();
    for (const auto& i : instances) s += testing::instance_lines(i);
    s += "fw.dir=yes\n";
    for (const auto& l : leftovers) s += kv_hex("fw.leftover", l);
    s += kv_hex("fw.class_path", "\n");
    s += std::string("tee.ta=") + (tee_ta ? "yes" : "no") + "\ndemo.enabled=" + (demo ? "yes" : "no") + "\n";
    return s + "fw.avail_kb=" + std::to_string(avail_kb) + "\nprobe.end=1\n";
  }
  // The full probe's reply.
  std::string reply() const {
    std::string compat;
    for (const auto& c : compatible) compat += c + std::string(1, '\0');
    std::string s = "probe.version=1\n" + fingerprint_head() + kv_hex("kernel.release", "6.6.78-stm32mp-r2\n") +
                    "dt.base=/sys/firmware/devicetree/base\n" + kv_hex("dt.compatible", compat) +
                    kv_hex("dt.model", std::string("STMicroelectronics STM32MP257F-DK Discovery Board") + '\0');
    for (const auto& i : instances) s += testing::instance_lines(i);
    s += "fw.dir=yes\nfw.avail_kb=" + std::to_string(avail_kb) + "\n" + kv_hex("fw.mount", "/usr/lib/firmware");
    s += std::string("fw.ro=") + (ro ? "yes" : "no") + "\nfw.writable=" + (writable ? "yes" : "no") + "\n";
    for (const auto& l : leftovers) s += kv_hex("fw.leftover", l);
    s += "fw.leftover_bytes=" + std::to_string(leftover_bytes) + "\n";
    s += kv_hex("fw.class_path", "\n");
    s += std::string("tee.ta=") + (tee_ta ? "yes" : "no") + "\ndemo.enabled=" + (demo ? "yes" : "no") + "\n";
    s += kv_hex("resmem.address_cells", be(2, 4)) + kv_hex("resmem.size_cells", be(2, 4));
    const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> regions{
        {"cm33-cube-fw@80100000", 0x80100000, 0x800000}, {"cm33-cube-data@80a00000", 0x80a00000, 0x800000},
        {"cm0-cube-fw@200C0000", 0x200C0000, 0x4000}, {"op-tee@82000000", 0x82000000, 0x2000000},
        {"scmi-cid2-s@a041000", 0x0a041000, 0x1000},  {"board-extra@88000000", 0x88000000, 0x100000}};
    int n = 0;
    for (const auto& [node, base, size] : regions) {
      const std::string p = "resmem." + std::to_string(n) + ".";
      s += kv_hex(p + "node", node) + kv_hex(p + "reg", be(base, 8) + be(size, 8));
      if (dt_links) s += kv_hex(p + "phandle", be(0x40 + static_cast<std::uint64_t>(n), 4));
      ++n;
    }
    if (dt_links) {
      // m33@0 lists cm33-cube-fw and cm33-cube-data (phandles 0x40, 0x41); m0 lists cm0-cube-fw (0x42).
      s += kv_hex("rprocdt.0.node", "m33@0") + kv_hex("rprocdt.0.compatible", std::string("st,stm32mp2-m33") + '\0') +
           kv_hex("rprocdt.0.regions", be(0x40, 4) + be(0x41, 4));
      s += kv_hex("rprocdt.1.node", "cpu-m0plus") + kv_hex("rprocdt.1.compatible", std::string("st,stm32mp2-m0") + '\0') +
           kv_hex("rprocdt.1.regions", be(0x42, 4));
    }
    // The kernel log's lines as the probe's awk prints them: one KEY+=LINE each.
    const auto lines = [](const std::string& key, const std::string& text) {
      std::string out;
      for (std::size_t at = 0; at < text.size();) {
        const auto end = std::min(text.find('\n', at), text.size());
        out += key + "+=" + text.substr(at, end - at) + "\n";
        at = end + 1;
      }
      return out;
    };
    s += lines("kmsg.tee", tee_boot_log) + lines("kmsg.ta_start", ta_start_log);
    return s + "kmsg.lines=42\nprobe.end=1\n";
  }
};

inline image::Segment load(std::uint32_t paddr, std::uint32_t memsz) {
  image::Segment s;
  s.type = image::kPtLoad;
  s.paddr = paddr;
  s.memsz = memsz;
  return s;
}

inline image::ImageFacts elf_image(std::vector<image::Segment> segments = {load(0x80100000, 0x2000), load(0x80a00000, 0x1000)}) {
  image::ImageFacts img;
  img.upload_path = "/tmp/Blink_CM33_NonSecure.elf";
  img.upload_size = 100000;
  img.kind = image::ImageKind::elf;
  img.segments = std::move(segments);
  img.has_resource_table = true;
  return img;
}

}  // namespace stm32mp::testing
