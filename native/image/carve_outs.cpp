#include "image/carve_outs.h"

#include <algorithm>
#include <cstdio>

namespace stm32mp::image {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool loaded(const Segment& s) { return s.type == kPtLoad && s.memsz > 0; }

bool all_fit(const std::vector<Segment>& segments, const std::vector<MemoryRegion>& regions,
             std::vector<Segment>* outside) {
  bool ok = true;
  for (const auto& s : segments) {
    if (!loaded(s)) continue;
    const bool in = std::any_of(regions.begin(), regions.end(), [&](const MemoryRegion& r) { return r.contains(s.paddr, s.memsz); });
    if (!in) {
      ok = false;
      if (outside != nullptr) outside->push_back(s);
    }
  }
  return ok;
}

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

std::string region_owner(const std::string& node) {
  if (starts_with(node, "cm33")) return "m33";
  if (starts_with(node, "cm0")) return "m0";
  if (starts_with(node, "mcuram") || starts_with(node, "retram") || starts_with(node, "cm4")) return "m4";
  if (starts_with(node, "op-tee") || starts_with(node, "optee") || starts_with(node, "tfm")) return "secure";
  // Firmware and SoC buffers of ST's resmem files (TF-A, SCMI shared memory, DMA lists, the BSEC mirror,
  // GPU and display, the OSPI window): never a coprocessor carve-out. A denylist, not an allowlist: a
  // region with a name we do not know stays available, so an unusual board DT cannot cause a false error.
  for (const char* system : {"tfa", "bl31", "scmi", "hpdma", "bsec", "ddr-param", "spare", "gpu", "ltdc", "mm-ospi"}) {
    if (starts_with(node, system)) return "system";
  }
  return "";
}

namespace {

bool listed_by(const MemoryRegion& r, const std::string& instance) {
  return std::find(r.owners.begin(), r.owners.end(), instance) != r.owners.end();
}

// The board's device tree names the instance's carve-outs (its memory-region phandles).
bool dt_names_regions_of(const std::vector<MemoryRegion>& all, const std::string& instance) {
  return std::any_of(all.begin(), all.end(), [&](const MemoryRegion& r) { return listed_by(r, instance); });
}

}  // namespace

std::vector<MemoryRegion> regions_for(const std::vector<MemoryRegion>& all, const std::string& instance) {
  std::vector<MemoryRegion> out;
  const bool from_dt = dt_names_regions_of(all, instance);
  for (const auto& r : all) {
    if (from_dt ? listed_by(r, instance) : region_owner(r.name) == instance || region_owner(r.name).empty()) {
      out.push_back(r);
    }
  }
  return out;
}

SegmentFit check_segments(const std::vector<Segment>& segments, const std::vector<MemoryRegion>& all,
                          const std::string& instance) {
  SegmentFit fit;
  if (all_fit(segments, regions_for(all, instance), &fit.outside)) return fit;
  for (const char* other : {"m33", "m0", "m4"}) {
    if (other == instance) continue;
    const bool has_own = dt_names_regions_of(all, other) ||
                         std::any_of(all.begin(), all.end(), [&](const MemoryRegion& r) { return region_owner(r.name) == other; });
    if (has_own && all_fit(segments, regions_for(all, other), nullptr)) {
      fit.fits_instance = other;
      break;
    }
  }
  return fit;
}

std::string segments_text(const std::vector<Segment>& segments) {
  std::string s;
  for (const auto& seg : segments) {
    if (!loaded(seg)) continue;
    if (!s.empty()) s += ", ";
    s += hex(seg.paddr) + "+" + hex(seg.memsz);
  }
  return s.empty() ? "none" : s;
}

std::string regions_text(const std::vector<MemoryRegion>& regions) {
  std::string s;
  for (const auto& r : regions) {
    if (!s.empty()) s += ", ";
    s += r.name + " [" + hex(r.start) + ".." + hex(r.start + r.size) + ")";
  }
  return s.empty() ? "none" : s;
}

}  // namespace stm32mp::image
