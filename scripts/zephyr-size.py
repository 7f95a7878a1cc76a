#!/usr/bin/python3
"""Code size of the dfu_target Zephyr module in a linked Zephyr build, from
its map file: the input sections taken from libdfu_target.a, by object and
by kind (text = .text*, rodata = .rodata*, data = .data*, bss = .bss*/COMMON).
Usage: zephyr-size.py build/zephyr/zephyr.map"""
import re
import sys
from collections import defaultdict

lines = open(sys.argv[1], errors="replace").read().splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
per = defaultdict(lambda: defaultdict(int))
pend = None
for l in lines[start:]:
    m = re.match(r"^ (\.\S+|COMMON)\s*$", l)
    if m:
        pend = m.group(1)
        continue
    m = re.match(r"^ (\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", l)
    if m:
        sec = m.group(1) or pend
        pend = None
        size, obj = int(m.group(3), 16), m.group(4)
        mo = re.search(r"libdfu_target\.a\((.+)\)$", obj)
        if not mo or size == 0 or sec is None:
            continue
        kind = ("text" if sec.startswith(".text") else "rodata" if sec.startswith(".rodata")
                else "data" if sec.startswith(".data") else "bss" if sec.startswith((".bss", "COMMON", ".noinit"))
                else "other")
        per[mo.group(1)][kind] += size
    else:
        pend = None if not l.startswith(" ") else pend
kinds = ["text", "rodata", "data", "bss"]
tot = defaultdict(int)
print(f"{'object':44} " + " ".join(f"{k:>7}" for k in kinds))
for o in sorted(per):
    if not any(per[o][k] for k in kinds):
        continue
    print(f"{o:44} " + " ".join(f"{per[o][k]:7}" for k in kinds))
    for k in kinds:
        tot[k] += per[o][k]
print(f"{'total (library + ports)':44} " + " ".join(f"{tot[k]:7}" for k in kinds))
print(f"flash (text + rodata + data): {tot['text'] + tot['rodata'] + tot['data']} B; RAM (data + bss): {tot['data'] + tot['bss']} B")
