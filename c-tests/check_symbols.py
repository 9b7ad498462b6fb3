#!/usr/bin/env python3
"""The shared library's exported symbols are exactly the header's functions.

usage: check_symbols.py LIBRARY HEADER

Checks: every dynamic symbol the library defines starts with qssl_; the set of
defined function symbols equals the set of functions declared in the header;
the library has the SONAME libqssl.so.N.
"""
import re
import subprocess
import sys


def header_functions(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"#[^\n]*", "", text)
    return set(re.findall(r"\b(qssl_[A-Za-z0-9_]+)\s*\(", text))


def library_symbols(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            syms[parts[2].split("@")[0]] = parts[1]
    return syms


def soname(path):
    out = subprocess.run(["objdump", "-p", path], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"SONAME\s+(\S+)", out)
    return m.group(1) if m else None


def main():
    lib, header = sys.argv[1], sys.argv[2]
    declared = header_functions(header)
    syms = library_symbols(lib)
    ok = True
    foreign = sorted(s for s in syms if not s.startswith("qssl_"))
    if foreign:
        ok = False
        print("symbols without the qssl_ prefix:", ", ".join(foreign[:40]))
    funcs = {s for s, kind in syms.items() if kind in ("T", "t", "W", "i")}
    missing = sorted(declared - funcs)
    extra = sorted(funcs - declared)
    if missing:
        ok = False
        print("declared in the header but not exported:", ", ".join(missing))
    if extra:
        ok = False
        print("exported but not declared in the header:", ", ".join(extra))
    name = soname(lib)
    if not name or not re.fullmatch(r"libqssl\.so\.\d+", name):
        ok = False
        print("bad or missing SONAME:", name)
    print(f"{len(declared)} functions in the header, {len(funcs)} exported, SONAME {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
