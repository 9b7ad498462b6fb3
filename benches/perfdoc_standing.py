#!/usr/bin/env python3
"""Where the targets stand, computed from the generated blocks of the page.

benches/perfdoc.sh runs this after it has written the blocks; it reads the
page (so a partial run uses the blocks it just made and the older ones it
kept), and prints the markdown of the `standing` block: each target met or
not, and for each handshake case and for 1 KiB writes how much of the timed
gap the counted instructions and the simulated cache misses and mispredicted
branches explain.

usage: perfdoc_standing.py DOC
"""
import re
import sys

def blocks(text):
    out = {}
    for m in re.finditer(r"^<!-- perfdoc:([\w-]+) -->\n(.*?)^<!-- /perfdoc:\1 -->", text, re.S | re.M):
        out[m.group(1)] = m.group(2)
    return out


def commit_of(body):
    m = re.search(r"_Generated at commit `([^`]+)`", body or "")
    return m.group(1) if m else "?"


def table_rows(body):
    """Markdown table rows as lists of cells (header and rule lines skipped)."""
    rows = []
    for line in (body or "").splitlines():
        if not line.startswith("|") or re.match(r"^\|[-:| ]+\|$", line):
            continue
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def num(cell):
    m = re.search(r"-?[\d,]*\.?\d+", (cell or "").replace("*", ""))
    return float(m.group(0).replace(",", "")) if m else None


def fmt_list(items):
    return ", ".join(items) if items else "none"


def main(path):
    text = open(path, encoding="utf-8").read()
    b = blocks(text)
    lines = []
    status = []  # (target, where, met list, not met list, commit)

    # Instructions per handshake pair.
    hi = b.get("handshake_instr")
    if hi:
        met, miss = [], []
        for c in table_rows(hi):
            if len(c) >= 7 and re.match(r"^[a-f] ", c[0]):
                r = num(c[3])
                (met if r is not None and r <= 1.01 else miss).append(f"{c[0][0]} {r:.4f}")
        status.append(("instructions per handshake pair ≤ 1.01× raw", met, miss, commit_of(hi)))

    # Handshakes per second.
    hr = b.get("handshake_rate")
    timed = {}
    if hr:
        met, miss, case = [], [], ""
        for c in table_rows(hr):
            if len(c) == 5 and c[1] in ("memory", "unix", "tcp"):
                case = c[0] or case
                r = num(c[4])
                key = case.split()[0]
                if c[1] == "memory":
                    timed[key] = (r, num(c[2].split()[0]))
                (met if r is not None and r >= 0.98 else miss).append(f"{key} {c[1]} {r:.3f}")
        status.append(("handshakes/s ≥ 0.98× raw", met, miss, commit_of(hr)))

    # The data path, rows that carry a target.
    xr = b.get("xfer_rate")
    xfer_timed = {}
    if xr:
        groups = {}
        for c in table_rows(xr):
            if len(c) == 7 and c[6].startswith("≥"):
                r, t = num(c[5]), num(c[6])
                name = f"{c[2]} {c[1]}"
                g = groups.setdefault(f"data, {name} writes ≥ {t:g}× raw", ([], []))
                suite = c[0].replace("TLS_", "").split("_SHA")[0].replace("_", "-")
                (g[0] if r is not None and r >= t else g[1]).append(f"{suite} {r:.3f}")
                if c[2] == "memory" and c[1] == "1 KiB":
                    xfer_timed[c[0]] = (r, num(c[3].split()[0]))
        for k, (met, miss) in groups.items():
            status.append((k, met, miss, commit_of(xr)))

    # 1 vs 2 threads.
    sc = b.get("scaling")
    if sc:
        met, miss, case = [], [], ""
        for c in table_rows(sc):
            if c[0]:
                case = c[0]
            if len(c) == 6 and "target" in c[5]:
                r = num(c[5])
                (met if r is not None and r >= 1 else miss).append(f"{case} {r:.3f}")
        status.append(("2-thread speedup ≥ raw's", met, miss, commit_of(sc)))

    # Value types and memory: their tables say met / not met themselves.
    mi = b.get("micro")
    if mi:
        for c in table_rows(mi):
            if len(c) == 5 and re.search(r"\bmet\b", c[4], re.I):
                ok = "not met" not in c[4].lower()
                label = f"{c[0]}: {c[4].split('  ')[0].replace('<=', '≤').strip()}"
                status.append((label, [c[1] + " ns"] if ok else [], [] if ok else [c[1] + " ns"], commit_of(mi)))
    me = b.get("memory")
    if me:
        met, miss = [], []
        for c in table_rows(me):
            if len(c) == 5 and "met" in c[4]:
                (miss if "not met" in c[4] else met).append(f"{c[0].split()[0]} {c[3].split('/')[0].strip()}")
        status.append(("live connection memory ≤ raw + 1 KB (RSS)", met, miss, commit_of(me)))

    lines.append("| target | met | not met | block's commit |")
    lines.append("|---|---|---|---|")
    for target, met, miss, commit in status:
        lines.append(f"| {target} | {fmt_list(met)} | {'**' + fmt_list(miss) + '**' if miss else 'none'} | `{commit}` |")
    lines.append("")

    # How much of each timed gap the counted events explain.
    hc = b.get("handshake_cache")
    env = b.get("env", "")
    m = re.search(r"(\d+) MHz", env)
    mhz = float(m.group(1)) if m else None
    if hc and mhz and (timed or xfer_timed):
        f = mhz * 1e6
        cache = {}
        key = None
        for c in table_rows(hc):
            if len(c) != 9:
                continue
            if c[0]:
                key = c[0]
            side = "diff" if "qssl − raw" in c[1] else c[1]
            cache.setdefault(key, {})[side] = c
        lines.append(
            "How much of each timed gap the counted events explain: a raw pair (or MiB) takes "
            f"*f* / *R* cycles at the clock *f* = {mhz:g} MHz that /proc/cpuinfo showed (env block; a VM's figure, so rough) and *R* from the timed table "
            "(memory transport); raw's instructions over that give its instructions per cycle, at which qssl's extra "
            "instructions are charged; the misses and mispredictions are charged 10 to 20 cycles per L1 miss and "
            "15 per mispredicted branch (the cache block's estimate). Expected qssl/raw = 1 / (1 + extra cycles / raw "
            "cycles)."
        )
        lines.append("")
        lines.append("| case | raw cycles per pair or MiB | raw instructions per cycle | timed qssl/raw | expected from instructions alone | expected from instructions and misses |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        todo = []
        for k, (ratio, rate) in timed.items():
            for name, rows in cache.items():
                if name.startswith(k + " ") and "raw" in rows and "diff" in rows:
                    todo.append((name, ratio, rate, rows))
        xfer_titles = {"TLS_AES_128_GCM_SHA256": "1 KiB writes, AES-128-GCM",
                       "TLS_AES_256_GCM_SHA384": "1 KiB writes, AES-256-GCM",
                       "TLS_CHACHA20_POLY1305_SHA256": "1 KiB writes, ChaCha20-Poly1305"}
        for suite, (ratio, rate) in xfer_timed.items():
            name = xfer_titles.get(suite)
            rows = cache.get(name)
            if rows and "raw" in rows and "diff" in rows:
                # rate is MiB/s: cycles per MiB.
                todo.append((f"{name}, memory transport (per MiB)", ratio, rate, rows))
        for name, ratio, rate, rows in todo:
            if not rate or ratio is None:
                continue
            raw_ir = num(rows["raw"][2])
            d = rows["diff"]
            d_ir = num(d[2])
            d_i1 = num(d[3])
            d1 = [num(x) for x in d[4].split(" / ")]
            br = [num(x) for x in d[6].split(" / ")]
            misses, mispred = d_i1 + sum(d1), sum(br)
            cycles = f / rate
            ipc = raw_ir / cycles
            only_ir = 1 / (1 + d_ir / raw_ir)
            lo = 1 / (1 + (d_ir / ipc + 20 * misses + 15 * mispred) / cycles)
            hi = 1 / (1 + (d_ir / ipc + 10 * misses + 15 * mispred) / cycles)
            lines.append(f"| {name} | {cycles:,.0f} | {ipc:.2f} | **{ratio:.3f}** | {only_ir:.3f} | {lo:.3f} to {hi:.3f} |")
        lines.append("")
        lines.append(f"_Timed figures from the blocks at `{commit_of(hr)}` / `{commit_of(xr)}`, counts from `{commit_of(hc)}`._")
    print("\n".join(lines).rstrip("\n"))


if __name__ == "__main__":
    main(sys.argv[1])
