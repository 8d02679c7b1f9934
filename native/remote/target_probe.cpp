#include "remote/target_probe.h"

#include "remote/board_fingerprint.h"
#include "remote/board_value.h"
#include "remote/booted_image.h"
#include "remote/kernel_log_classifier.h"

#include "remote/rproc_commands.h"

#include <algorithm>

namespace stm32mp::remote {
namespace {

// The probe proper. Values read from the board are hex (x/h, see probe_output.h), one-line sysfs text is read
// by the shell (v), the device tree's properties in one batch (below). Plain values are produced by the script
// itself: numbers and yes/no.
constexpr std::string_view kProbeBody = R"SH(echo probe.version=1
v kernel.release /proc/sys/kernel/osrelease
dt=/proc/device-tree
[ -d "$dt" ] || dt=/sys/firmware/devicetree/base
echo "dt.base=$dt"
)SH";

// (the instance listing is shared with the remoteproc step: probe_shell_instance_listing(); fw.dir, the
// firmware_class path, the TA device and the demo service are the fingerprint's lines: fingerprint_probe_lines())
constexpr std::string_view kProbeTail = R"SH(f=/lib/firmware
# The image's copy under its name, when the tool sends that name as the first line of stdin (never part of the
# command): its SHA-256, so that the upload needs no round trip of its own to read it back.
n=; IFS= read -r n 2>/dev/null || n=
case "$n" in ''|.|..|*/*) ;; *)
  if [ -f "$f/$n" ]; then c=$(exec sha256sum < "$f/$n" 2>/dev/null); echo "copy.sha=${c%% *}"; else echo copy.exists=no; fi ;;
esac
mp=
# df's output split by the shell: 7 header words, then the 6 fields of the one line (as the fingerprint reads it).
set -- $(exec df -Pk "$f" 2>/dev/null)
if [ $# -ge 13 ]; then echo "fw.avail_kb=${11}"; mp=${13}; printf 'fw.mount=%s\n' "$mp"; fi
o=; while read -r _d _m _t _x _r; do [ "$_m" = "$mp" ] && o=$_x; done < /proc/mounts 2>/dev/null
case ",$o," in *,ro,*) echo fw.ro=yes ;; *) echo fw.ro=no ;; esac
# access(2) for this user, as the kernel will judge the upload's create: permissions, ACLs, a read-only mount (EROFS),
# security modules. (A test file created and removed would cost a process, and a file left behind when cut.)
if [ -w "$f" ]; then echo fw.writable=yes; else echo fw.writable=no; fi
lb=0
for t in "$f"/.*.prelaunch-tmp; do
  if [ -e "$t" ]; then
    printf 'fw.leftover#='; printf '%s' "${t##*/}" | h; echo
    s=$(exec wc -c < "$t" 2>/dev/null) && lb=$((lb + s))
  fi
done
echo "fw.leftover_bytes=$lb"
r="$dt/reserved-memory"
# The device tree is read in ONE od (plus one wc for the sizes), not one od|tr per property: each property
# joins the list "$@" and its key is written as KEY@=<its place in the list> (parse_target_facts resolves it
# from batch.sizes and batch.bytes). The device tree does not change while the system runs, so the two reads
# agree. Node names come from the shell's own glob; a name with a newline (never in a real tree) is skipped.
nl='
'
set --
[ -r "$dt/compatible" ] && { set -- "$@" "$dt/compatible"; echo "dt.compatible@=$#"; }
[ -r "$dt/model" ] && { set -- "$@" "$dt/model"; echo "dt.model@=$#"; }
[ -r "$r/#address-cells" ] && { set -- "$@" "$r/#address-cells"; echo "resmem.address_cells@=$#"; }
[ -r "$r/#size-cells" ] && { set -- "$@" "$r/#size-cells"; echo "resmem.size_cells@=$#"; }
n=0
for d in "$r"/*; do
  [ -r "$d/reg" ] || continue
  case "${d##*/}" in *"$nl"*) continue ;; esac
  echo "resmem.$n.node=${d##*/}"
  set -- "$@" "$d/reg"; echo "resmem.$n.reg@=$#"
  [ -r "$d/phandle" ] && { set -- "$@" "$d/phandle"; echo "resmem.$n.phandle@=$#"; }
  n=$((n+1))
done
m=0
for d in "$dt"/* "$dt"/*/*; do
  [ -r "$d/memory-region" ] && [ -r "$d/compatible" ] || continue
  case "${d##*/}" in *"$nl"*) continue ;; esac
  case "${d##*/}" in m33|m33@*|m0|m0@*|m4|m4@*) ;; *)
    case "$(exec tr '\000' ' ' < "$d/compatible" 2>/dev/null)" in
      *stm32mp2-m33*|*stm32mp2-m0*|*stm32mp1-m4*) ;;
      *) continue ;;
    esac ;;
  esac
  echo "rprocdt.$m.node=${d##*/}"
  set -- "$@" "$d/compatible"; echo "rprocdt.$m.compatible@=$#"
  set -- "$@" "$d/memory-region"; echo "rprocdt.$m.regions@=$#"
  m=$((m+1))
done
if [ $# -gt 0 ]; then
  # Two processes for the lot: od's and wc's output are taken apart by the shell (set -f: a word is never a glob).
  b=$(exec od -An -v -tx1 -- "$@" 2>/dev/null); w=$(exec wc -c -- "$@" 2>/dev/null); k=$#
  set -f; printf 'batch.bytes#='; printf '%s' $b; echo
  printf 'batch.sizes='; j=0; IFS=$nl; for l in $w; do IFS=' '; set -- $l; j=$((j+1)); [ "$j" -le "$k" ] && printf '%s,' "$1"; done
  unset IFS; set +f; echo
fi
# The kernel log in one pass: the TEE's boot-time refusals (the last 4); a TA start failure with no "is now up" or
# "stopped" after it, with the last "Booting fw image" line before it (the image the TA holds); the count of its
# non-empty lines (as the prelude's kn counts them: a position the load and verify commands read from).
dmesg 2>/dev/null | awk '
/signed firmware not supported by TEE|tee_client_open_session failed/ { t[nt++ % 4] = $0 }
/Booting fw image/ { b = $0 }
/TA_RPROC_[A-Z_]*START[A-Z_]* invoke failed/ { f = $0; h = b }
/remote processor .* is now up|stopped remote processor/ { f = ""; h = "" }
length($0) { n++ }
END { for (i = (nt > 4 ? nt - 4 : 0); i < nt; i++) print "kmsg.tee+=" t[i % 4]
      if (f != "") { if (h != "") print "kmsg.ta_start+=" h; print "kmsg.ta_start+=" f }
      print "kmsg.lines=" n + 0 }'
echo probe.end=1
)SH";

std::uint32_t be32(std::string_view bytes, std::size_t off) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[off + static_cast<std::size_t>(i)]);
  return v;
}

int cells_or(const ProbeOutput& out, std::string_view key, int fallback) {
  auto v = out.get(key);
  if (!v || v->size() != 4) return fallback;
  return static_cast<int>(be32(*v, 0));
}

}  // namespace

const std::string& target_probe_script() {
  // The probe's reply carries the board's fingerprint too (remote/board_fingerprint.h): its facts can be kept.
  static const std::string script = std::string(probe_shell_prelude()) + std::string(kProbeBody) +
                                    std::string(fingerprint_probe_lines()) + std::string(probe_shell_instance_listing()) +
                                    std::string(kProbeTail);
  return script;
}

std::string probe_input(const std::string& basename) {
  if (basename.empty() || basename.find_first_of("/\n\r") != std::string::npos) return "";
  return basename + "\n";
}

const RprocInstance* TargetFacts::find(const std::string& name) const {
  auto it = std::find_if(instances.begin(), instances.end(), [&](const RprocInstance& r) { return r.name == name; });
  return it == instances.end() ? nullptr : &*it;
}

std::string TargetFacts::instance_names() const {
  if (instances.empty()) return "none";
  std::string s;
  for (const auto& r : instances) {
    if (!s.empty()) s += ", ";
    s += "remoteproc" + std::to_string(r.index) + "=" + r.name;
  }
  return s;
}

bool TargetFacts::m33_td() const {
  return std::any_of(dt_compatible.begin(), dt_compatible.end(),
                     [](const std::string& c) { return c.find("cm33tdcid") != std::string::npos; });
}

std::vector<image::MemoryRegion> parse_reg(const std::string& node, std::string_view reg, int address_cells, int size_cells) {
  std::vector<image::MemoryRegion> regions;
  if (address_cells < 1 || address_cells > 2 || size_cells < 0 || size_cells > 2) return regions;
  const std::size_t entry = static_cast<std::size_t>(address_cells + size_cells) * 4;
  for (std::size_t off = 0; off + entry <= reg.size(); off += entry) {
    std::uint64_t addr = 0;
    std::uint64_t size = 0;
    for (int c = 0; c < address_cells; ++c) addr = (addr << 32) | be32(reg, off + static_cast<std::size_t>(c) * 4);
    for (int c = 0; c < size_cells; ++c) {
      size = (size << 32) | be32(reg, off + static_cast<std::size_t>(address_cells + c) * 4);
    }
    regions.emplace_back(node, addr, size);
  }
  return regions;
}

namespace {

// The remoteproc instance a device-tree node is: its node name (m33@0 → m33) when that is a core's name,
// else what its compatible says.
std::string instance_of(const std::string& node, const std::string& compatible) {
  const std::string name = node.substr(0, node.find('@'));
  if (name == "m33" || name == "m0" || name == "m4") return name;
  if (compatible.find("stm32mp2-m33") != std::string::npos) return "m33";
  if (compatible.find("stm32mp2-m0") != std::string::npos) return "m0";
  if (compatible.find("stm32mp1-m4") != std::string::npos) return "m4";
  return name;
}

// Each coprocessor node's memory-region lists the phandles of its carve-outs: the board's own word on
// which reserved-memory node belongs to which core (rather than a guess from node names).
void assign_owners(const ProbeOutput& out, std::vector<image::MemoryRegion>& regions) {
  for (int n = 0; n < static_cast<int>(caps::kListEntries); ++n) {
    const std::string p = "rprocdt." + std::to_string(n) + ".";
    auto node = out.get(p + "node");
    if (!node) break;
    const auto instance = instance_of(*node, out.value_or(p + "compatible", ""));
    const auto list = out.value_or(p + "regions", "");
    for (std::size_t off = 0; off + 4 <= list.size(); off += 4) {
      const auto phandle = be32(list, off);
      for (auto& r : regions) {
        if (r.phandle == phandle && std::find(r.owners.begin(), r.owners.end(), instance) == r.owners.end()) {
          r.owners.push_back(instance);
        }
      }
    }
  }
}

}  // namespace

namespace {

// The batched device-tree read: KEY@=K names the K-th file (from 1) of batch.bytes, whose sizes batch.sizes
// lists in order. Sizes that do not add up to the bytes (a file that changed or vanished between the two
// reads) resolve nothing: those facts are then missing, as for a board without them.
ProbeOutput with_batch(const ProbeOutput& given) {
  ProbeOutput out = given;
  const auto bytes = given.value_or("batch.bytes", "");
  std::vector<std::size_t> offsets{0};
  const auto sizes = given.value_or("batch.sizes", "");
  for (std::size_t pos = 0; pos < sizes.size();) {
    const auto comma = sizes.find(',', pos);
    const auto end = comma == std::string::npos ? sizes.size() : comma;
    const auto size = whole_number<std::size_t>(std::string_view(sizes).substr(pos, end - pos));
    if (!size) return out;
    offsets.push_back(offsets.back() + *size);
    pos = end + 1;
  }
  if (offsets.back() != bytes.size()) return out;
  for (const auto& [key, value] : given.entries()) {
    if (key.empty() || key.back() != '@') continue;
    const auto k = whole_number<std::size_t>(value);
    if (!k || *k < 1 || *k >= offsets.size()) continue;
    const auto from = offsets[*k - 1];
    out.add(key.substr(0, key.size() - 1), bytes.substr(from, std::min(offsets[*k] - from, caps::kBinaryProperty)));
  }
  return out;
}

}  // namespace

core::expected<TargetFacts, std::string> parse_target_facts(const ProbeOutput& reply) {
  const ProbeOutput out = with_batch(reply);
  if (out.get("probe.version") != "1") return core::unexpected{std::string("the reply is not from the target probe (no probe.version=1)")};
  if (!out.has("probe.end")) return core::unexpected{std::string("the reply was cut short (no probe.end line)")};
  TargetFacts f;
  f.kernel_release = capped(trim_end(out.value_or("kernel.release", "")), caps::kShortText);
  f.dt_base = out.value_or("dt.base", "");
  {
    const auto compat = out.value_or("dt.compatible", "");
    std::size_t pos = 0;
    while (pos < compat.size()) {
      auto end = compat.find('\0', pos);
      if (end == std::string::npos) end = compat.size();
      if (end > pos && f.dt_compatible.size() < caps::kListEntries) {
        f.dt_compatible.push_back(capped(compat.substr(pos, end - pos), caps::kShortText));
      }
      pos = end + 1;
    }
  }
  f.dt_model = capped(trim_end(out.value_or("dt.model", "")), caps::kShortText);
  f.instances = parse_instances(out);
  f.fw_dir_exists = out.get("fw.dir") == "yes";
  if (auto kb = out.get("fw.avail_kb")) {
    if (auto v = whole_number<std::uint64_t>(*kb)) f.fw_free_bytes = *v * 1024;
  }
  f.fw_mount = capped(out.value_or("fw.mount", ""), caps::kPath);
  f.fw_read_only = out.get("fw.ro") == "yes";
  f.fw_writable = out.get("fw.writable") == "yes";
  if (auto sha = out.get("copy.sha")) {
    f.image_copy = RemoteCopy{true, 0, *sha};
  } else if (out.get("copy.exists") == "no") {
    f.image_copy = RemoteCopy{};
  }
  f.fw_leftovers = capped(out.get_all("fw.leftover"), caps::kFileName, caps::kListEntries);
  if (auto b = out.get("fw.leftover_bytes")) f.fw_leftover_bytes = whole_number<std::uint64_t>(*b).value_or(0);
  f.firmware_class_path = capped(trim_end(out.value_or("fw.class_path", "")), caps::kPath);
  f.tee_ta_present = out.get("tee.ta") == "yes";
  f.demo_service_enabled = out.get("demo.enabled") == "yes";
  const int ac = cells_or(out, "resmem.address_cells", 2);
  const int sc = cells_or(out, "resmem.size_cells", 2);
  for (int n = 0; n < static_cast<int>(caps::kListEntries); ++n) {
    const std::string p = "resmem." + std::to_string(n) + ".";
    auto node = out.get(p + "node");
    if (!node) break;
    auto regions = parse_reg(capped(*node, caps::kFileName),
                             out.value_or(p + "reg", "").substr(0, caps::kBinaryProperty), ac, sc);
    const auto phandle = out.value_or(p + "phandle", "");
    for (auto& r : regions) {
      if (phandle.size() == 4) r.phandle = be32(phandle, 0);
    }
    f.reserved_memory.insert(f.reserved_memory.end(), regions.begin(), regions.end());
  }
  assign_owners(out, f.reserved_memory);
  f.tee_boot_errors = capped(split_lines(out.value_or("kmsg.tee", "")), caps::kKernelLine, caps::kKernelLines);
  // A TA start failure with no "is now up" or "stopped" after it (the TA still holds that image,
  // remote/kernel_log_classifier.h: tee_start_failed), after the last "Booting fw image" line before it: the image
  // held. One awk pass over the log prints both, nothing when the last of those lines is not a failure.
  {
    const auto last = split_lines(out.value_or("kmsg.ta_start", ""));
    if (!last.empty() && classify_kernel_log({last.back()}, "").cause == LogCause::tee_start_failed) {
      f.ta_failed_start = capped(last.back(), caps::kKernelLine);
      if (const auto held = booted_image(last)) f.ta_held_image = capped(held->line, caps::kKernelLine);
    }
  }
  if (auto lines = out.get("kmsg.lines")) f.kernel_log_lines = whole_number<std::uint64_t>(*lines).value_or(0);
  return f;
}

}  // namespace stm32mp::remote
