#!/usr/bin/env python3
"""Worst-case stack depth of the library's public functions.

Reads what GCC writes next to each object when compiling with
-fstack-usage -fcallgraph-info=su: the .su files (bytes of each function's
own frame, and whether that is static) and the .ci files (call graph in VCG
format, one node per function, one edge per call site; indirect calls are
edges to "__indirect_call" labelled with the call's source location).

For each public function (dfu_ctx_*, dfu_target_*, dfu_stream_*) it prints

  * the deepest path through direct calls: the sum of the frames on it;
  * every indirect call reachable from it, as "+ callee @N": N bytes of
    stack are in use when the callee (a port callback: flash, store, clock,
    progress; or an application hook) is entered, so the true worst case is
    max(deepest, N + that callee's own worst case). The callee is named by
    the expression called in the source (e.g. "f->program").

Calls through a target's ops table (struct dfu_target_ops) are resolved when
the configuration contains targets: their ops tables are read from the
sources (designated initializers ".write = raw_write") and the call counts
as a direct call to every implementation of that member (worst one wins).
RESOLVERS below says which call expressions are ops-table calls.

Calls into libc (memcpy, memset, ...) count with the stack the toolchain's
libc.a uses for them, read from its disassembly (push + sub sp in the
function; these are leaf functions). Unknown external functions count 0 and
are listed.

usage: stackreport.py [--objdump TOOL] [--libc libc.a] NAME=DIR [NAME=DIR ...]
  DIR holds the .su/.ci files of one configuration; the sources they name
  are read for call-site expressions and ops tables.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

PUBLIC = re.compile(r"^dfu_(ctx|target|stream)_\w+$")

# Indirect calls that go through a target's ops table: (regex on the called
# expression, member of struct dfu_target_ops). ctx->write caches
# cur->ops->write (src/dfu_target.c).
RESOLVERS = [
    (re.compile(r"(?:^|->|\.)ops->(\w+)$"), None),  # member = group 1
    (re.compile(r"^ctx->write$"), "write"),
]

# What an indirect call is, for the legend: (regex on the expression, text).
KINDS = [
    (re.compile(r"kv->(\w+)$"), r"port: struct dfu_kv .\1"),
    (re.compile(r"(?:^f|flash)->(read|program|erase)$"), r"port: struct dfu_flash .\1"),
    (re.compile(r"clock->(\w+)$"), r"port: struct dfu_clock .\1"),
    (re.compile(r"ops->(\w+)$"), r"target: struct dfu_target_ops .\1"),
    (re.compile(r"^ctx->write$"), r"target: struct dfu_target_ops .write (cached)"),
    (re.compile(r"(?:^cb|progress)$"), r"application: progress callback"),
    (re.compile(r"evt_cb$"), r"application: event callback"),
    (re.compile(r"^r->schedule$"), r"application: struct dfu_raw .schedule hook"),
]


def kind(expr):
    for rx, text in KINDS:
        m = rx.search(expr)
        if m:
            return m.expand(text)
    return "function pointer"


OPS_TABLE = re.compile(
    r"const\s+struct\s+dfu_target_ops\s+(\w+)\s*=\s*\{(.*?)\};", re.S)
OPS_MEMBER = re.compile(r"\.(\w+)\s*=\s*([A-Za-z_]\w*)\s*[,}\n]")
CALLEE_EXPR = re.compile(
    r"[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\[[^\]]*\])*(?=\s*\()")


def parse_vcg(path):
    """Nodes {title: label} and edges [(source, target, label)] of a .ci file."""
    text = open(path, encoding="utf-8", errors="replace").read()
    nodes = {}
    for m in re.finditer(r'node:\s*\{\s*title:\s*"([^"]*)"\s*label:\s*"([^"]*)"', text):
        nodes[m.group(1)] = m.group(2)
    edges = []
    for m in re.finditer(
            r'edge:\s*\{\s*sourcename:\s*"([^"]*)"\s*targetname:\s*"([^"]*)"'
            r'(?:\s*label:\s*"([^"]*)")?', text):
        edges.append((m.group(1), m.group(2), m.group(3) or ""))
    return nodes, edges


def parse_su(path):
    """{"path:line:col:func": (bytes, qualifier)} of a .su file."""
    out = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3:
            out[parts[0]] = (int(parts[1]), parts[2])
    return out


def libc_stack(objdump, libc):
    """{function: (bytes, is_leaf)} from the disassembly of libc.a."""
    out = {}
    if not libc or not os.path.exists(libc):
        return out
    try:
        dis = subprocess.run([objdump, "-d", libc], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return out
    name, used, leaf = None, 0, True
    for line in dis.splitlines() + [""]:
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m or line == "":
            if name is not None and name not in out:
                out[name] = (used, leaf)
            name, used, leaf = (m.group(1), 0, True) if m else (None, 0, True)
            continue
        if name is None:
            continue
        ins = line.split("\t")
        if len(ins) < 3:
            continue
        op, args = ins[2].strip(), ins[3].strip() if len(ins) > 3 else ""
        if op.startswith("push") or (op.startswith("stmdb") and args.startswith("sp!")):
            regs = re.search(r"\{([^}]*)\}", args)
            if regs:
                n = 0
                for r in regs.group(1).split(","):
                    r = r.strip()
                    if "-" in r:
                        a, b = r.split("-")
                        n += int(b.strip()[1:]) - int(a.strip()[1:]) + 1
                    else:
                        n += 1
                used += 4 * n
        elif re.match(r"^subs?(\.w)?$", op) and re.match(r"^sp,\s*(sp,\s*)?#", args):
            used += int(re.search(r"#(\d+)", args).group(1))
        elif op.split(".")[0] in ("bl", "blx"):
            leaf = False
    return out


class Config:
    def __init__(self, name, directory, libc):
        self.name = name
        self.libc = libc
        self.frame = {}      # node title -> (bytes, qualifier)
        self.display = {}    # node title -> function name
        self.edges = collections.defaultdict(list)  # title -> [(target, label)]
        self.sources = set()
        su = {}
        for f in sorted(os.listdir(directory)):
            p = os.path.join(directory, f)
            if f.endswith(".su"):
                su.update(parse_su(p))
        for f in sorted(os.listdir(directory)):
            if not f.endswith(".ci"):
                continue
            nodes, edges = parse_vcg(os.path.join(directory, f))
            for title, label in nodes.items():
                lines = label.split("\\n")
                if len(lines) >= 3 and "bytes" in lines[2]:
                    key = lines[1] + ":" + lines[0]
                    if key in su:
                        self.frame[title] = su[key]
                    else:  # fall back to the .ci label
                        m = re.match(r"(\d+) bytes \(([^)]*)\)", lines[2])
                        self.frame[title] = (int(m.group(1)), m.group(2))
                    self.display[title] = lines[0]
                    self.sources.add(lines[1].rsplit(":", 2)[0])
            for s, t, label in edges:
                self.edges[s].append((t, label))
        self.by_name = {}
        for title, name in self.display.items():
            self.by_name.setdefault(name, title)
        self.ops = self.read_ops_tables()
        self.unknown = set()
        self.libc_used = {}
        self.memo = {}

    def read_ops_tables(self):
        """{member: [implementation node titles]} over the config's targets."""
        ops = collections.defaultdict(list)
        self.targets = []
        for src in sorted(self.sources):
            if not os.path.exists(src):
                continue
            text = open(src, encoding="utf-8", errors="replace").read()
            for m in OPS_TABLE.finditer(text):
                self.targets.append(m.group(1))
                for mm in OPS_MEMBER.finditer(m.group(2)):
                    fn = mm.group(2)
                    title = src + ":" + fn
                    if title not in self.frame:
                        title = self.by_name.get(fn)
                    if title is not None:
                        ops[mm.group(1)].append(title)
        return ops

    @staticmethod
    def call_expr(loc):
        """The called expression at a call site "path:line:col"."""
        try:
            path, line, col = loc.rsplit(":", 2)
            text = open(path, encoding="utf-8", errors="replace").read().splitlines()
            src = text[int(line) - 1]
            # GCC may give the location of an enclosing call, as in
            # "return fail(ctx, ctx->cur->ops->offset_get(ctx, off))":
            # prefer the first called expression that goes through a
            # pointer or member; else the first one (a local, e.g. "cb").
            found = [re.sub(r"\s+", "", m.group(0))
                     for m in CALLEE_EXPR.finditer(src, int(col) - 1)]
            for e in found:
                if "->" in e or "." in e:
                    return e
            if found:
                return found[0]
        except (OSError, ValueError, IndexError):
            pass
        return "indirect@" + os.path.basename(loc)

    def resolve(self, expr):
        for rx, member in RESOLVERS:
            m = rx.search(expr)
            if m:
                member = member or m.group(1)
                return self.ops.get(member), member
        return None, None

    def walk(self, title, stack=()):
        """(deepest direct bytes, {callee expr: (bytes in use, {locations})},
        flags) for the function with this node title."""
        if title in self.memo:
            return self.memo[title]
        if title in stack:
            return 0, {}, {"recursive"}
        frame, qual = self.frame.get(title, (None, None))
        flags = set()
        if frame is None:  # external
            name = title.rsplit(":", 1)[-1]
            if name in self.libc:
                used, leaf = self.libc[name]
                self.libc_used[name] = used
                if not leaf:
                    flags.add("libc %s calls further" % name)
                return used, {}, flags
            self.unknown.add(name)
            return 0, {}, flags
        if qual != "static":
            flags.add("%s frame in %s" % (qual, self.display[title]))
        deepest = 0
        sites = {}

        def add_site(expr, depth, locs):
            old = sites.get(expr, (-1, set()))
            sites[expr] = (max(old[0], depth), old[1] | locs)

        for target, label in self.edges.get(title, []):
            callees = [target]
            if target == "__indirect_call":
                expr = self.call_expr(label)
                impls, member = self.resolve(expr)
                if not impls:
                    add_site(expr, frame, {label})
                    continue
                callees = impls
            for c in callees:
                d, s, f = self.walk(c, stack + (title,))
                deepest = max(deepest, d)
                flags |= f
                for expr, (depth, locs) in s.items():
                    add_site(expr, depth + frame, locs)
        result = (frame + deepest, sites, flags)
        if not stack or "recursive" not in flags:
            self.memo[title] = result
        return result

    def public(self):
        return sorted(t for t, n in self.display.items() if PUBLIC.match(n) and ":" not in t)


def short_loc(loc, root):
    path, line, _col = loc.rsplit(":", 2)
    return os.path.relpath(path, root) + ":" + line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--libc", default="")
    ap.add_argument("--root", default=".")
    ap.add_argument("configs", nargs="+", metavar="NAME=DIR")
    a = ap.parse_args()
    libc = libc_stack(a.objdump, a.libc)
    root = os.path.abspath(a.root)
    for spec in a.configs:
        name, directory = spec.split("=", 1)
        cfg = Config(name, directory, libc)
        pub = cfg.public()
        if not pub:
            continue
        ops = ", ".join(cfg.targets) if cfg.targets else "none (ops calls stay indirect)"
        print("-- %s: worst-case stack, bytes (target ops tables: %s)" % (name, ops))
        all_sites = {}
        notes = set()
        for title in pub:
            deepest, sites, flags = cfg.walk(title)
            notes |= flags
            worst_in = sorted(sites.items(), key=lambda kv: (-kv[1][0], kv[0]))
            extra = "  ".join("+ %s @%d" % (e, d) for e, (d, _l) in worst_in)
            print(("  %-28s %5d  %s" % (cfg.display[title], deepest, extra)).rstrip())
            for e, (_d, locs) in sites.items():
                all_sites.setdefault(e, set()).update(locs)
        if all_sites:
            print("  indirect calls (callee's own stack not included):")
            we = max(len(e) for e in all_sites)
            wk = max(len(kind(e)) for e in all_sites)
            for e in sorted(all_sites):
                locs = sorted({short_loc(l, root) for l in all_sites[e]})
                print("    %-*s  %-*s  %s" % (we, e, wk, kind(e), ", ".join(locs)))
        for n in sorted(notes):
            print("  note: " + n)
        if cfg.libc_used:
            print("  note: libc frames (from libc.a) counted: " + ", ".join(
                "%s %d" % kv for kv in sorted(cfg.libc_used.items())))
        if cfg.unknown:
            print("  note: external, counted as 0: " + ", ".join(sorted(cfg.unknown)))
        print()


if __name__ == "__main__":
    sys.exit(main())
