#!/usr/bin/env python3
"""README code examples are real code: every ```c block of README.md must be
the text of one marked section of a file under examples/ (between
"/* README: NAME */" and "/* README: end */"; lines compared with their
indentation stripped), and every marked section must be shown in the README.
The example files are built and run by CTest (examples/readme/)."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
blocks = re.findall(r"^```c\n(.*?)^```", readme, re.S | re.M)


def norm(text):
    return [ln.strip() for ln in text.strip("\n").splitlines()]


sections = {}
for f in sorted((root / "examples").rglob("*.c")):
    for name, body in re.findall(r"/\* README: (\w+) \*/\n(.*?)/\* README: end \*/",
                                 f.read_text(), re.S):
        sections[f"{f.relative_to(root)}:{name}"] = norm(body)

bad = 0
shown = set()
for i, b in enumerate(blocks, 1):
    hit = [k for k, v in sections.items() if v == norm(b)]
    if hit:
        shown.update(hit)
        print(f"ok - README C block {i} is {hit[0]}")
    else:
        bad += 1
        first = norm(b)[0] if norm(b) else ""
        print(f"not ok - README C block {i} ({first!r}...) is no marked section of examples/")
for k in sorted(set(sections) - shown):
    bad += 1
    print(f"not ok - {k} is marked for the README but not shown there")
print(f"{len(blocks)} blocks, {len(sections)} sections, {bad} failed")
sys.exit(1 if bad else 0)
