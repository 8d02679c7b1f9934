#!/usr/bin/env python3
"""Signs an ELF firmware in the current OP-TEE remoteproc format (magic 0x3543A468, version 1, TLVs, hash
table per program header, signature over header + TLVs) using the `openssl` command line.

A test helper for the board simulator, written from the format description in
shared/reference/stm32mp-remoteproc-facts.md §c (not from native/image, which it helps to test).

CLI: rproc_sign.py --in FW.elf --out FW_sign.bin --key PRIV.pem [--key-type RSA|ECC]
     [--corrupt signature|hash|size|version]
"""
import argparse
import hashlib
import struct
import subprocess

MAGIC = 0x3543A468
TLV_SIGNTYPE, TLV_HASHTYPE, TLV_NUM_IMG, TLV_IMGTYPE, TLV_IMGSIZE, TLV_HASHTABLE = 1, 2, 3, 4, 5, 0x10


def r8(n):
    return (n + 7) & ~7


def tlv(kind, payload):
    rec = struct.pack("<II", kind, len(payload)) + payload
    return rec + bytes(r8(len(rec)) - len(rec))


def hash_table(elf):
    phoff, = struct.unpack_from("<I", elf, 28)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    out = b""
    for i in range(phnum):
        ph = struct.unpack_from("<8I", elf, phoff + i * phentsize)
        p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align = ph
        digest = hashlib.sha256(elf[p_offset:p_offset + p_filesz]).digest()
        out += struct.pack("<8I", p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align) + digest
    return out


def _der_ecdsa_to_raw(der):
    # SEQUENCE { INTEGER r, INTEGER s } -> r||s, 32 bytes each.
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    parts = []
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        v = der[i + 2:i + 2 + n].lstrip(b"\0")
        parts.append(bytes(32 - len(v)) + v)
        i += 2 + n
    return parts[0] + parts[1]


def _openssl_sign(data, key_path):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path], input=data, capture_output=True,
                          check=True, timeout=30).stdout


def sign(elf, key_path, key_type="RSA", corrupt=None):
    """Returns the signed image as bytes. corrupt: None|'signature'|'hash'|'size'|'version'."""
    padded_elf = elf + bytes(r8(len(elf)) - len(elf))
    table = hash_table(elf)
    if corrupt == "hash":
        table = table[:-1] + bytes([table[-1] ^ 0xFF])
    sign_type = 1 if key_type == "RSA" else 2
    tlvs = (tlv(TLV_SIGNTYPE, bytes([sign_type])) + tlv(TLV_NUM_IMG, b"\x01") + tlv(TLV_IMGTYPE, b"\x01") +
            tlv(TLV_IMGSIZE, struct.pack("<I", len(padded_elf))) + tlv(TLV_HASHTYPE, b"\x01") +
            tlv(TLV_HASHTABLE, table))
    if key_type == "RSA":
        modulus = subprocess.run(["openssl", "rsa", "-in", key_path, "-noout", "-modulus"], capture_output=True,
                                 check=True, timeout=30, text=True).stdout.strip().split("=", 1)[1]
        sig_len = len(modulus) // 2
    else:
        sig_len = 64
    version = 2 if corrupt == "version" else 1
    header = struct.pack("<5I", MAGIC, version, len(tlvs), sig_len, len(padded_elf))
    sig = _openssl_sign(header + tlvs, key_path)
    if key_type != "RSA":
        sig = _der_ecdsa_to_raw(sig)
    assert len(sig) == sig_len
    if corrupt == "signature":
        sig = bytes([sig[0] ^ 0x01]) + sig[1:]
    image = header + tlvs + sig + bytes(r8(sig_len) - sig_len) + padded_elf
    if corrupt == "size":
        image = image[:-8]
    return image


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--in", dest="inp", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--key-type", choices=["RSA", "ECC"], default="RSA")
    p.add_argument("--corrupt", choices=["signature", "hash", "size", "version"])
    a = p.parse_args()
    with open(a.inp, "rb") as f:
        elf = f.read()
    with open(a.out, "wb") as f:
        f.write(sign(elf, a.key, a.key_type, a.corrupt))


if __name__ == "__main__":
    main()
