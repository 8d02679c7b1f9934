#include "elf_loader_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace boardsim {
namespace {

// Little-endian field readers with bounds checks. The kernel trusts offsets once the sanity check passed;
// the simulator must not read outside the buffer, so out-of-range reads are reported as a short image.
struct Reader {
    std::span<const std::uint8_t> d;
    [[nodiscard]] bool has(std::uint64_t off, std::uint64_t len) const {
        return off <= d.size() && len <= d.size() - off;
    }
    [[nodiscard]] std::uint64_t u(std::uint64_t off, int bytes) const {
        std::uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | d[off + static_cast<std::uint64_t>(i)];
        return v;
    }
};

std::string hex(std::uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

struct Layout {
    bool is64;
    std::uint64_t phoff, shoff;
    unsigned phnum, phentsize, shnum, shentsize, shstrndx;
};

struct Phdr {
    std::uint64_t type, offset, paddr, filesz, memsz;
};

std::optional<Phdr> read_phdr(const Reader& r, const Layout& l, unsigned i) {
    std::uint64_t base = l.phoff + static_cast<std::uint64_t>(i) * l.phentsize;
    if (!r.has(base, l.is64 ? 56 : 32)) return std::nullopt;
    if (l.is64) return Phdr{r.u(base, 4), r.u(base + 8, 8), r.u(base + 24, 8), r.u(base + 32, 8), r.u(base + 40, 8)};
    return Phdr{r.u(base, 4), r.u(base + 4, 4), r.u(base + 12, 4), r.u(base + 16, 4), r.u(base + 20, 4)};
}

// find_table(): looks for the ".resource_table" section and validates its header.
void find_resource_table(const Reader& r, const Layout& l, ElfCheckResult& out) {
    const unsigned shsz = l.is64 ? 64 : 40;
    auto sh = [&](unsigned i, unsigned field_off, int bytes) {
        return r.u(l.shoff + static_cast<std::uint64_t>(i) * l.shentsize + field_off, bytes);
    };
    if (l.shnum == 0 || l.shstrndx >= l.shnum || !r.has(l.shoff, static_cast<std::uint64_t>(l.shnum) * l.shentsize) ||
        l.shentsize < shsz)
        return;
    const std::uint64_t strtab = l.is64 ? sh(l.shstrndx, 24, 8) : sh(l.shstrndx, 16, 4);
    for (unsigned i = 0; i < l.shnum; ++i) {
        for (const char* vt : {".isr_vector", ".isr_vectors"}) {
            const std::uint64_t len = std::strlen(vt) + 1, name = sh(i, 0, 4);
            if (r.has(strtab + name, len) && std::memcmp(r.d.data() + strtab + name, vt, len) == 0)
                out.vector_table = l.is64 ? sh(i, 16, 8) : sh(i, 12, 4);
        }
    }
    for (unsigned i = 0; i < l.shnum; ++i) {
        const std::uint64_t name = sh(i, 0, 4);
        const std::uint64_t offset = l.is64 ? sh(i, 24, 8) : sh(i, 16, 4);
        const std::uint64_t size = l.is64 ? sh(i, 32, 8) : sh(i, 20, 4);
        static constexpr char kName[] = ".resource_table";
        if (!r.has(strtab + name, sizeof kName)) continue;
        if (std::memcmp(r.d.data() + strtab + name, kName, sizeof kName) != 0) continue;
        if (offset + size > r.d.size() || offset + size < size) {
            out.rsc_msg = "resource table truncated";
            return;
        }
        if (size < 16) {
            out.rsc_msg = "header-less resource table";
            return;
        }
        const std::uint64_t ver = r.u(offset, 4), num = r.u(offset + 4, 4);
        if (ver != 1) {
            out.rsc_msg = "unsupported fw ver: " + std::to_string(ver);
            return;
        }
        if (r.u(offset + 8, 4) != 0 || r.u(offset + 12, 4) != 0) {
            out.rsc_msg = "non zero reserved bytes";
            return;
        }
        if (16 + num * 4 > size) {
            out.rsc_msg = "resource table incomplete";
            return;
        }
        out.rsc_table_found = true;
        return;
    }
}

}  // namespace

ElfCheckResult check_elf_firmware(std::span<const std::uint8_t> fw, const std::vector<CarveOut>& carve_outs) {
    ElfCheckResult out;
    const Reader r{fw};
    auto fail_sanity = [&](std::string msg) {
        out.sanity_err = -EINVAL;
        out.sanity_msg = std::move(msg);
        return out;
    };
    // rproc_elf_sanity_check(), in the kernel's order.
    if (fw.size() < 52) return fail_sanity("Image is too small");
    if (std::memcmp(fw.data(), "\x7f" "ELF", 4) != 0) return fail_sanity("Image is corrupted (bad magic)");
    const unsigned cls = fw[4];
    if (cls != 1 && cls != 2) return fail_sanity("Unsupported class: " + std::to_string(cls));
    const bool is64 = cls == 2;
    if (is64 && fw.size() < 64) return fail_sanity("elf64 header is too small");
    if (fw[5] != 1) return fail_sanity("Unsupported firmware endianness");  // the A35 kernel runs little-endian
    Layout l{};
    l.is64 = is64;
    if (is64) {
        l.phoff = r.u(32, 8);
        l.shoff = r.u(40, 8);
        l.phentsize = static_cast<unsigned>(r.u(54, 2));
        l.phnum = static_cast<unsigned>(r.u(56, 2));
        l.shentsize = static_cast<unsigned>(r.u(58, 2));
        l.shnum = static_cast<unsigned>(r.u(60, 2));
        l.shstrndx = static_cast<unsigned>(r.u(62, 2));
    } else {
        l.phoff = r.u(28, 4);
        l.shoff = r.u(32, 4);
        l.phentsize = static_cast<unsigned>(r.u(42, 2));
        l.phnum = static_cast<unsigned>(r.u(44, 2));
        l.shentsize = static_cast<unsigned>(r.u(46, 2));
        l.shnum = static_cast<unsigned>(r.u(48, 2));
        l.shstrndx = static_cast<unsigned>(r.u(50, 2));
    }
    // The kernel always compares against sizeof(struct elf32_shdr) here, whatever the class.
    if (fw.size() < l.shoff + 40) return fail_sanity("Image is too small");
    if (l.phnum == 0) return fail_sanity("No loadable segments");
    if (l.phoff > fw.size()) return fail_sanity("Firmware size is too small");
    if (l.phentsize < (is64 ? 56u : 32u)) l.phentsize = is64 ? 56 : 32;  // kernel uses sizeof(phdr) as the stride

    find_resource_table(r, l, out);

    // rproc_elf_load_segments()
    for (unsigned i = 0; i < l.phnum; ++i) {
        auto ph = read_phdr(r, l, i);
        if (!ph) {
            // Program headers cut off by the end of the file: the kernel would read past its buffer;
            // the simulator reports the truncation instead.
            out.load_err = -EINVAL;
            out.load_msg = "truncated fw: need " + hex(l.phoff + (i + 1ULL) * l.phentsize) + " avail " + hex(fw.size());
            return out;
        }
        if (ph->type != 1 /*PT_LOAD*/ || ph->memsz == 0) continue;
        if (ph->filesz > ph->memsz) {
            out.load_err = -EINVAL;
            out.load_msg = "bad phdr filesz " + hex(ph->filesz) + " memsz " + hex(ph->memsz);
            return out;
        }
        if (ph->offset + ph->filesz > fw.size()) {
            out.load_err = -EINVAL;
            out.load_msg = "truncated fw: need " + hex(ph->offset + ph->filesz) + " avail " + hex(fw.size());
            return out;
        }
        if (!fits_in_carve_outs(carve_outs, ph->paddr, ph->memsz)) {
            out.load_err = -EINVAL;
            out.load_msg = "bad phdr da " + hex(ph->paddr) + " mem " + hex(ph->memsz);
            return out;
        }
    }
    return out;
}

}  // namespace boardsim
