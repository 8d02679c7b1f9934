#!/usr/bin/env python3
"""Tiny generator of ELF32 little-endian ARM firmware images for the board simulator's own tests.

Real firmware built with arm-none-eabi-gcc lives in tests/firmware; these hand-made files exist so the
simulator can be tested on its own, including broken variants (bad class, big-endian, truncated, segments
outside the carve-outs, missing resource table) that a compiler would not produce.

CLI: elfgen.py OUT [--paddr 0x80100000] [--size 0x540] [--no-rsc] [--target m33|m0] [--vector-table 0x80100040]
"""
import argparse
import struct

PT_LOAD = 1
EM_ARM = 40
M33_CODE = 0x80100000   # cm33-cube-fw carve-out of the STM32MP257F-DK
M0_CODE = 0x200C0000    # cm0-cube-fw carve-out


def make_elf(segments=None, rsc_table=True, entry=None, cls=1, data=1, rsc_version=1, vector_table=None):
    """segments: list of (paddr, payload bytes, memsz). Returns the file as bytes.
    vector_table: address of an .isr_vector section (CubeMX's name) laid over the first segment's bytes.

    Layout: ELF header, program headers, segment payloads, .resource_table payload, .shstrtab,
    section headers (null, one per segment as .text/.data, .resource_table, .shstrtab).
    """
    if segments is None:
        segments = [(M33_CODE, bytes(range(256)) * 4, 0x540)]
    phnum = len(segments)
    ehsize, phentsize, shentsize = 52, 32, 40
    off = ehsize + phnum * phentsize
    blobs, phdrs = [], []
    for paddr, payload, memsz in segments:
        off = (off + 7) & ~7
        phdrs.append((PT_LOAD, off, paddr, paddr, len(payload), memsz, 5, 4))
        blobs.append((off, payload))
        off += len(payload)
    rsc = b""
    if rsc_table:
        # struct resource_table { u32 ver; u32 num; u32 reserved[2]; u32 offset[num]; } with one empty trace.
        rsc = struct.pack("<IIII", rsc_version, 0, 0, 0)
    rsc_off = (off + 3) & ~3
    off = rsc_off + len(rsc)
    names = [b"", b".text"] + [b".data"] * (phnum - 1) + ([b".resource_table"] if rsc_table else []) + \
        ([b".isr_vector"] if vector_table is not None else []) + [b".shstrtab"]
    shstr = b"\0"
    name_off = {}
    for n in names[1:]:
        if n not in name_off:
            name_off[n] = len(shstr)
            shstr += n + b"\0"
    shstr_off = off
    off += len(shstr)
    shoff = (off + 3) & ~3
    sections = [(0, 0, 0, 0, 0)]
    for i, (paddr, payload, _) in enumerate(segments):
        sections.append((name_off[b".text" if i == 0 else b".data"], 1, paddr, blobs[i][0], len(payload)))
    if rsc_table:
        sections.append((name_off[b".resource_table"], 1, 0, rsc_off, len(rsc)))
    if vector_table is not None:
        sections.append((name_off[b".isr_vector"], 1, vector_table, blobs[0][0], min(0x100, len(segments[0][1]))))
    sections.append((name_off[b".shstrtab"], 3, 0, shstr_off, len(shstr)))
    shnum = len(sections)
    if entry is None:
        entry = segments[0][0] | 1 if segments else 0
    ident = b"\x7fELF" + bytes([cls, data, 1, 0]) + bytes(8)
    hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, EM_ARM, 1, entry, ehsize if phnum else 0, shoff,
                              0x05000200, ehsize, phentsize, phnum, shentsize, shnum, shnum - 1)
    out = bytearray(shoff + shnum * shentsize)
    out[0:len(hdr)] = hdr
    for i, ph in enumerate(phdrs):
        struct.pack_into("<IIIIIIII", out, ehsize + i * phentsize, *ph)
    for o, payload in blobs:
        out[o:o + len(payload)] = payload
    out[rsc_off:rsc_off + len(rsc)] = rsc
    out[shstr_off:shstr_off + len(shstr)] = shstr
    for i, (name, typ, addr, o, size) in enumerate(sections):
        struct.pack_into("<IIIIIIIIII", out, shoff + i * shentsize, name, typ, 2 if typ == 1 else 0, addr, o, size,
                         0, 0, 4 if typ == 1 else 1, 0)
    return bytes(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--paddr", type=lambda v: int(v, 0))
    p.add_argument("--size", type=lambda v: int(v, 0), default=0x540)
    p.add_argument("--target", choices=["m33", "m0"], default="m33")
    p.add_argument("--no-rsc", action="store_true")
    p.add_argument("--vector-table", type=lambda v: int(v, 0), help="address of an .isr_vector section")
    a = p.parse_args()
    paddr = a.paddr if a.paddr is not None else (M33_CODE if a.target == "m33" else M0_CODE)
    payload = bytes((i * 7) & 0xFF for i in range(min(a.size, 0x400)))
    with open(a.out, "wb") as f:
        f.write(make_elf([(paddr, payload, a.size)], rsc_table=not a.no_rsc, vector_table=a.vector_table))


if __name__ == "__main__":
    main()
