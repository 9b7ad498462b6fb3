#!/usr/bin/env python3
"""Counts the atomic read-modify-write instructions (lock-prefixed, or xchg
with a memory operand) executed in a callgrind profile made with
--dump-instr=yes: callgrind gives each executed instruction's address within
its object, objdump says which of those addresses hold an atomic.

usage: callgrind_atomics.py CALLGRIND_OUT [PAIRS] [--summary]
Prints executed atomics per object and per function (self), divided by PAIRS;
with --summary one line: "TOTAL LIBQSSL" (per pair; LIBQSSL: objects named
libqssl*).
"""
import re
import subprocess
import sys
from collections import defaultdict

args = [a for a in sys.argv[1:] if a != "--summary"]
summary = "--summary" in sys.argv[1:]
out = args[0]
pairs = float(args[1]) if len(args) > 1 else 1.0

names = {"ob": {}, "fn": {}, "fl": {}}


def name_of(kind, rest):
    m = re.match(r"\((\d+)\)(?:\s+(.*))?", rest)
    if not m:
        return rest
    i, n = m.group(1), m.group(2)
    d = names[kind]
    if n is not None:
        d[i] = n
    return d.get(i, "?")


# cost[(ob, fn)][addr] = Ir
cost = defaultdict(lambda: defaultdict(int))
ob = fn = None
last_addr = 0
skip_next = False
positions = ["line"]
with open(out) as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("positions:"):
            positions = line.split()[1:]
            continue
        if not line:
            continue
        c = line[0]
        if c.isdigit() or c in "+-*" or line.startswith("0x"):
            parts = line.split()
            if skip_next:
                skip_next = False
                # call cost line still moves the position
                a = parts[0]
                if a.startswith("0x"):
                    last_addr = int(a, 16)
                elif a.startswith("+"):
                    last_addr += int(a[1:], 0)
                elif a.startswith("-"):
                    last_addr -= int(a[1:], 0)
                continue
            a = parts[0]
            if a.startswith("0x"):
                addr = int(a, 16)
            elif a.startswith("+"):
                addr = last_addr + int(a[1:], 0)
            elif a.startswith("-"):
                addr = last_addr - int(a[1:], 0)
            elif a == "*":
                addr = last_addr
            else:
                addr = int(a)
            last_addr = addr
            npos = len(positions)
            ir = int(parts[npos]) if len(parts) > npos else 0
            cost[(ob, fn)][addr] += ir
            continue
        if "=" in line:
            k, rest = line.split("=", 1)
            if k == "ob":
                ob = name_of("ob", rest)
            elif k == "fn":
                fn = name_of("fn", rest)
            elif k in ("fl", "fi", "fe"):
                name_of("fl", rest)
            elif k == "cob":
                name_of("ob", rest)
            elif k in ("cfi", "cfl"):
                name_of("fl", rest)
            elif k == "cfn":
                name_of("fn", rest)
            elif k == "calls":
                skip_next = True

atomic_addrs = {}


def atomics_in(obj):
    if obj in atomic_addrs:
        return atomic_addrs[obj]
    s = set()
    try:
        dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj],
                             capture_output=True, text=True).stdout
    except Exception:
        dis = ""
    for l in dis.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)", l)
        if not m:
            continue
        ins = m.group(2).strip()
        if ins.startswith("lock ") or (ins.startswith("xchg") and "(" in ins):
            s.add(int(m.group(1), 16))
    atomic_addrs[obj] = s
    return s


per_ob = defaultdict(int)
per_fn = defaultdict(int)
for (o, fn_), addrs in cost.items():
    if o is None:
        continue
    at = atomics_in(o)
    n = sum(v for a, v in addrs.items() if a in at)
    if n:
        per_ob[o] += n
        per_fn[(o.split("/")[-1], fn_)] += n
total = sum(per_ob.values())
if summary:
    own = sum(n for o, n in per_ob.items() if o.split("/")[-1].startswith("libqssl"))
    print(f"{total / pairs:.1f} {own / pairs:.1f}")
    sys.exit(0)
print(f"atomic RMW instructions executed per pair: {total / pairs:.1f}")
for o, n in sorted(per_ob.items(), key=lambda x: -x[1]):
    print(f"  {n / pairs:8.1f}  {o}")
print("by function (self):")
for (o, f_), n in sorted(per_fn.items(), key=lambda x: -x[1]):
    print(f"  {n / pairs:8.1f}  {o}: {f_}")
