#!/usr/bin/env python3
"""Write the seed corpus of every fuzz target into fuzz/corpus/<target>/.

Deterministic: run it again and the files come out the same (no git diff).
Seeds are small on purpose (a few hundred KB in total): the fuzzers grow
their own corpora in a scratch directory (scripts/fuzz.sh), never here.
The input format of each target is described at the top of its
fuzz/<target>.c.

    python3 fuzz/gen_corpus.py            # from the repository root
"""
import hashlib
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VEC = os.path.join(ROOT, "tests", "vectors", "mcuboot")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def vec(name):
    with open(os.path.join(VEC, name + ".bin"), "rb") as f:
        return f.read()


def prng(seed, n):
    """xorshift32 bytes (same idea as fz_fill in fuzz_common.h)."""
    x = (seed * 2654435761 + 1) & 0xFFFFFFFF
    out = bytearray()
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append((x >> 11) & 0xFF)
    return bytes(out)


class Corpus:
    def __init__(self, target):
        self.dir = os.path.join(OUT, target)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def add(self, name, data):
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(bytes(data))


# ---- CBOR (full modem files) ----

def head(major, arg, width=None):
    """A CBOR head; width None = shortest, else 0 (inline), 1, 2, 4, 8."""
    if width is None:
        width = 0 if arg < 24 else 1 if arg < 0x100 else 2 if arg < 0x10000 else 4
    if width == 0:
        return bytes([(major << 5) | arg])
    ai = {1: 24, 2: 25, 4: 26, 8: 27}[width]
    return bytes([(major << 5) | ai]) + arg.to_bytes(width, "big")


def bstr(b, width=None):
    return head(2, len(b), width) + b


def full_modem(segs, seed=1, version=1, compat=2, hash_ok=True, wide=False):
    """A full modem file (spec: include/dfu/dfu_target_full_modem.h)."""
    blob = b"".join(prng(seed + i, n) for i, (_, n) in enumerate(segs))
    digest = hashlib.sha256(blob).digest()
    if not hash_ok:
        digest = bytes([digest[0] ^ 1]) + digest[1:]
    w = 4 if wide else None
    arr = head(4, 2 * len(segs), w)
    for addr, n in segs:
        arr += head(0, addr, w) + head(0, n, w)
    manifest = head(4, 4, w) + head(0, version, w) + head(0, compat, w) + bstr(digest, w) + bstr(arr, w)
    wrapper = (head(6, 18, w) + head(4, 4, w) + bstr(bytes([0xA1, 0x01, 0x38, 0x24]), w)
               + head(5, 0, w) + bstr(manifest, w) + bstr(prng(seed + 99, 256), w))
    return wrapper + blob


# ---- MCUboot images (the API fuzzer builds its own; these are for detect) ----

def delta_patch(src, dst, payload):
    import zlib
    return (b"\x00\x00\x00\x00meDu" + src.encode() + dst.encode()
            + struct.pack("<I", len(payload)) + payload
            + struct.pack("<I", zlib.crc32(payload) & 0xFFFFFFFF))


UUID_A = "25c95751-efa4-40d4-8b4a-1dcaab81fac9"
UUID_B = "7b1f3e2a-0c4d-4e5f-9a6b-7c8d9e0f1a2b"


def gen_img_type():
    c = Corpus("fuzz_img_type")
    c.add("mcuboot", vec("v06")[:64])
    c.add("mcuboot-short", vec("v06")[:32])
    c.add("full-modem", full_modem([(0x50000, 512)])[:64])
    c.add("delta", delta_patch(UUID_A, UUID_B, b"x" * 8)[:64])
    c.add("custom", b"C" + bytes(62) + b"\xa5")
    c.add("alt", bytes(30) + b"\x3c\x5a" + bytes(8))
    c.add("short", b"\x3d\xb8\xf3\x96" + bytes(20))


def gen_mcuboot():
    """8 configuration bytes (fuzz_mcuboot.c), then an imgtool vector."""
    c = Corpus("fuzz_mcuboot")
    # byte 0 flags, byte 1 flash/mode/align, byte 2 buffer, 3-4 chunk seed,
    # 5-6 versions / security counter, 7 checkpoint + counter switch
    for v in ("v01", "v04", "v06", "v08", "v09", "v12"):
        c.add(v + "-hash-only", [0x00, 0x00, 3, 1, 0, 0, 0, 0] + list(vec(v)))
    for v in ("v06", "v08", "v09"):
        # with the ec-p256 key, first bytes to init, the port's SHA-256
        c.add(v + "-key", [0x0B, 0x00, 6, 2, 0, 0, 0, 0] + list(vec(v)))
        # MX25R64, swap-offset, unknown file size, no read-back
        c.add(v + "-mx25-offset", [0x14, 0x09, 2, 7, 0, 0, 0, 1] + list(vec(v)))
        # STM32L4 (8-byte ECC words), overwrite, verify writes
        c.add(v + "-stm32-overwrite", [0x08, 0x4E, 5, 9, 0, 0, 0, 2] + list(vec(v)))
    c.add("v01-key", [0x09, 0x00, 4, 3, 0, 0, 0, 0] + list(vec("v01")))
    c.add("v04-seccnt", [0x00, 0x00, 3, 4, 0, 5, 6, 0x80] + list(vec("v04")))
    c.add("v06-downgrade", [0x40, 0x00, 3, 5, 1, 2, 0, 0] + list(vec("v06")))
    c.add("v07-encrypted", [0x20, 0x00, 3, 6, 0, 0, 0, 0] + list(vec("v07")))
    c.add("v11-padded", [0x80, 0x20, 3, 7, 0, 0, 0, 0] + list(vec("v11")))
    # truncated big ones: header + the start of the payload
    for v in ("v02", "v05", "v10"):
        c.add(v + "-head", [0x00, 0x00, 3, 8, 0, 0, 0, 0] + list(vec(v)[:4096]))


def gen_full_modem():
    """4 configuration bytes (fuzz_full_modem.c), then a .cbor file."""
    c = Corpus("fuzz_full_modem")
    c.add("one-seg", [0x00, 1, 0, 0] + list(full_modem([(0x50000, 1000)])))
    c.add("four-seg", [0x02, 2, 0, 1] + list(full_modem(
        [(0x0, 300), (0x50000, 2000), (0x90000, 1500), (0xC0000, 700)], seed=7)))
    c.add("wide-heads", [0x12, 3, 0, 0] + list(full_modem([(0x1000, 600), (0x2000, 600)], wide=True)))
    c.add("unknown-size", [0x01, 4, 0, 0] + list(full_modem([(0x50000, 3000)], seed=3)))
    c.add("small-buf-nrf", [0xE4, 5, 0, 2] + list(full_modem([(0x50000, 5000)], seed=4)))
    c.add("bad-hash", [0x20, 6, 0, 0] + list(full_modem([(0x50000, 800)], hash_ok=False)))
    c.add("truncated", [0x00, 7, 0, 0] + list(full_modem([(0x50000, 900)])[:-100]))
    many = [(i % 24, 8) for i in range(128)]
    c.add("128-seg", [0x08, 8, 0, 0] + list(full_modem(many, seed=9)))


def gen_ctx_api():
    """4 configuration bytes, then operations (fuzz_ctx_api.c)."""
    c = Corpus("fuzz_ctx_api")
    SEL, IMGT, INIT, OFF, WR, DONE, ABORT, SCHED, RESET, CUT, REBOOT, MIS, STATE, FLOW = range(14)
    raw_cut = [SEL, 0, 1, IMGT, INIT, 0, OFF, WR, WR, WR, CUT, 5, 1, WR, WR, WR, WR,
               REBOOT, FLOW, DONE, SCHED]
    c.add("raw-cut", [0x00, 50, 30, 7] + raw_cut)
    c.add("raw-cut-mx25-skip", [0x15, 90, 30, 8] + raw_cut)
    c.add("raw-cut-stm32-verify", [0x6A, 20, 30, 9] + raw_cut)
    mcu = [SEL, 2, 1, IMGT, INIT, 2, OFF, WR, WR, CUT, 3, 2, WR, WR, WR, REBOOT,
           SEL, 2, 0, FLOW, SCHED, STATE, RESET, FLOW]
    c.add("mcuboot-cut", [0x00, 10, 60, 3] + mcu)
    c.add("mcuboot-cut-mx25", [0x41, 10, 200, 4] + mcu)
    both = [FLOW, SEL, 2, 1, INIT, 0, SEL, 1, 1, INIT, 0, DONE, ABORT, INIT, 3,
            SEL, 3, 1, FLOW, SCHED, SEL, 0, 1, INIT, 1, WR, WR, ABORT, INIT, 1, OFF, WR,
            DONE, RESET, REBOOT, FLOW]
    c.add("both-targets", [0x04, 33, 44, 5] + both)
    mis = [MIS, 0, MIS, 1, MIS, 2, MIS, 3, MIS, 4, MIS, 6, INIT, 2, MIS, 0, MIS, 1, OFF, WR,
           MIS, 5, WR, WR, WR, WR, WR, WR, MIS, 5, DONE, MIS, 6, DONE, ABORT]
    c.add("misuse", [0x08, 3, 3, 6] + mis)
    cuts = [SEL, 1, 1]
    for k in (1, 2, 3, 4, 6, 9):
        cuts += [INIT, 0, OFF, WR, WR, CUT, k, k % 4, WR, WR, DONE, REBOOT]
    c.add("many-cuts", [0x0C, 120, 10, 11] + cuts)


def gen_modem_delta():
    """8 configuration bytes, then operations (fuzz_modem_delta.c)."""
    c = Corpus("fuzz_modem_delta")
    INIT, OFF, WR, WR2, DONE, ABORT, SCHED, RESET, INJ, CUT, REBOOT, RESTART, LTE, CLOCK, \
        FAULT, IMGT = range(16)
    flow = [INIT, 1, OFF, WR, WR, WR, WR, WR, DONE, OFF, WR, WR, WR, DONE, SCHED, REBOOT]
    c.add("flow", [0x0C, 1, 100, 0x00, 0x00, 0x40, 0x00, 1] + flow)
    c.add("flow-lag-drop", [0x18, 3, 60, 0x03, 0x05, 0x80, 0x01, 2] + flow)
    inj = [INIT, 1, OFF, WR, WR, INJ, 4, 5, 0, WR, WR, OFF, INIT, 0, OFF, WR, INJ, 5, 210, 8,
           DONE, INJ, 3, 203, 0, WR, CUT, 2, 1, WR, WR, REBOOT, INIT, 1, OFF, WR, WR, WR, DONE]
    c.add("inject-cut", [0x0C, 2, 10, 0x0B, 0x15, 0x20, 0x00, 3] + inj)
    erase = [INIT, 1, WR, RESET, LTE, INIT, 1, LTE, INIT, 1, OFF, WR, WR, RESTART, INIT, 0, OFF,
             WR, CLOCK, 200, FAULT, WR, REBOOT, INIT, 1, IMGT, OFF, WR, WR, DONE]
    c.add("erase-lte", [0x0C, 0, 0, 0x04, 0x16, 0x00, 0x02, 4] + erase)
    c.add("erase-never", [0x0C, 0, 0, 0x05, 0x05, 0x00, 0x02, 5] + erase)
    c.add("unknown-size", [0x0D, 4, 20, 0x08, 0x00, 0x10, 0x00, 6] + flow)
    c.add("other-firmware", [0x0E, 4, 20, 0x00, 0x00, 0x10, 0x00, 7] + flow)
    c.add("area-short", [0x0C, 0, 0, 0x40, 0x00, 0x10, 0x00, 8] + flow)


LAYOUTS = {
    "nrf9160dk": (
        "board nrf9160dk\n"
        "flash int geometry=nrf9160 size=1M\n"
        "flash ext geometry=mx25r64 size=8M\n"
        "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 mode=swap-move align=8\n"
        "modem uuid=5e2a5f38-8f2c-4a2a-9d62-0f3c4a6b1d01 area=0x48000\n"
        "full-modem ext:0x0+0x400000\n"),
    "nrf5340dk": (
        "board nrf5340dk\n"
        "flash app geometry=nrf5340 size=1M\n"
        "flash net geometry=nrf5340 size=256K erase=2048\n"
        "flash ext geometry=mx25r64 size=8M\n"
        "pair app primary=app:0x10000+0x70000 secondary=app:0x80000+0x70000 mode=swap-move align=8 install=swap\n"
        "pair net primary=net:0x0+0x40000 secondary=ext:0x100000+0x40000 mode=overwrite align=8 install=copy\n"),
    "nrf52840dk": (
        "board nrf52840dk\n"
        "flash int geometry=nrf52840 size=1M\n"
        "flash ext geometry=mx25r64 size=8M\n"
        "pair app primary=int:0xC000+0x76000 secondary=int:0x82000+0x76000 mode=swap-move align=8\n"),
    "three-pairs-comments": (
        "# a board with everything\n"
        "board Big_board-1   # trailing comment\n"
        "\n"
        "flash a geometry=stm32l4 size=0x100000\n"
        "flash b\tgeometry=mx25r64 size=16M erase=64K\r\n"
        "pair p0 primary=a:0x0+0x40000 secondary=a:0x40000+0x40000 mode=swap-scratch align=16\n"
        "pair p1 primary=a:0x80000+0x20000 secondary=b:0x0+0x40000 mode=swap-offset align=32\n"
        "pair p2 primary=a:0xA0000+0x20000 secondary=b:0x40000+0x20000 mode=overwrite install=copy\n"
        "modem uuid=25C95751-EFA4-40D4-8B4A-1DCAAB81FAC9 area=88\n"
        "full-modem b:0x400000+4M\n"),
    "errors": (
        "board x\n"
        "flash f geometry=nrf52840 size=4294967295\n"
        "pair q primary=f:0x0+0 secondary=f:0x1000+0x1000\n"),
}


def gen_dsim_layout():
    """Layout-file text (fuzz_dsim_layout.c)."""
    c = Corpus("fuzz_dsim_layout")
    for name, text in LAYOUTS.items():
        c.add(name, text.encode())


def gen_dsim_detect():
    """Artifact files (fuzz_dsim_detect.c)."""
    c = Corpus("fuzz_dsim_detect")
    for v in ("v06", "v08", "v09"):
        c.add(v, vec(v))
    c.add("v11-padded", vec("v11"))
    for v in ("v02", "v04", "v05", "v07", "v10", "v12"):
        c.add(v + "-head", vec(v)[:3000])
    c.add("full-modem", full_modem([(0x0, 300), (0x50000, 1200)], seed=5))
    c.add("full-modem-bad-hash", full_modem([(0x50000, 700)], hash_ok=False))
    c.add("delta", delta_patch(UUID_A, UUID_B, prng(11, 500)))
    c.add("delta-opaque", b"\x01\x02\x03\x04meDu" + prng(12, 200))
    c.add("unknown", prng(13, 100))


# ---- application delta patches (fuzz_delta.c) ----

def delta_old():
    """fuzz_delta.c's old image: 1024 bytes of its LCG."""
    x, out = 12345, bytearray()
    for _ in range(1024):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


def dsize(v):
    """A detools size (docs/delta.md)."""
    m = -v if v < 0 else v
    b = [(0x40 if v < 0 else 0) | (m & 0x3F)]
    m >>= 6
    while m:
        b[-1] |= 0x80
        b.append(m & 0x7F)
        m >>= 7
    return bytes(b)


def heatshrink(data, w, l):
    """Greedy heatshrink encoding (initial window: 2^w zero bytes)."""
    win, maxl = 1 << w, 1 << l
    x = bytes(win) + data
    bits = []
    i = win
    while i < len(x):
        best, dist = 0, 0
        for d in range(1, win + 1):
            n = 0
            while n < maxl and i + n < len(x) and x[i + n - d] == x[i + n]:
                n += 1
            if n > best:
                best, dist = n, d
        if best * 9 > 1 + w + l:
            bits += [0] + [(dist - 1) >> k & 1 for k in range(w - 1, -1, -1)]
            bits += [(best - 1) >> k & 1 for k in range(l - 1, -1, -1)]
            i += best
        else:
            bits += [1] + [x[i] >> k & 1 for k in range(7, -1, -1)]
            i += 1
    bits += [0] * (-len(bits) % 8)
    return bytes(int("".join(map(str, bits[j:j + 8])), 2) for j in range(0, len(bits), 8))


def delta_input(chunks, piece, snaps, comp=0, w=8, l=4):
    """fuzz_delta input: piece size - 1, snapshot flag + to_size - 1, then a
    sequential patch of (diff bytes, extra bytes, adjustment) chunks."""
    to = sum(len(d) + len(e) for d, e, _ in chunks)
    body = dsize(0) + b"".join(dsize(len(d)) + d + dsize(len(e)) + e + dsize(a)
                               for d, e, a in chunks)
    patch = bytes([comp]) + dsize(to)
    patch += body if comp == 0 else bytes([(w - 4) << 4 | (l - 3)]) + heatshrink(body, w, l)
    return bytes([piece - 1, (0x80 if snaps else 0) | (to - 1) >> 8, (to - 1) & 0xFF]) + patch


def gen_delta():
    """Valid patches against fuzz_delta.c's old image (to <= 4096)."""
    c = Corpus("fuzz_delta")
    old = delta_old()
    # the old image with a few changed bytes, as diff bytes, then new bytes
    new = bytearray(old)
    for k in range(0, 1024, 97):
        new[k] = (new[k] + 4) & 0xFF
    diff = bytes((n - o) & 0xFF for n, o in zip(new, old))
    one = [(diff, prng(21, 300), 0)]
    # three chunks: a moved block (negative adjustment), extra, a repeat
    three = [(diff[:400], prng(22, 40), 200), (diff[640:900], b"", -700),
             (bytes(600), prng(23, 10), 0)]
    for comp, name in ((0, "none"), (4, "hs")):
        c.add("%s-one" % name, delta_input(one, 256, False, comp))
        c.add("%s-three-snaps" % name, delta_input(three, 61, True, comp, 8, 5))
    back = three[:2] + [(bytes(600), prng(23, 10), -760)]  # from back to 0
    c.add("hs-w10-l9-snaps", delta_input(back + one, 128, True, 4, 10, 9))
    c.add("hs-w4-l3", delta_input([(diff[:100], b"\x00" * 20, 0)], 1, False, 4, 4, 3))


def main():
    gen_img_type()
    gen_mcuboot()
    gen_full_modem()
    gen_ctx_api()
    gen_modem_delta()
    gen_dsim_layout()
    gen_dsim_detect()
    gen_delta()
    total = 0
    for d, _, files in os.walk(OUT):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    print("corpus: %d bytes in %s" % (total, OUT))


if __name__ == "__main__":
    sys.exit(main())
