#!/usr/bin/env bash
# Regenerates the figures of docs/PERFORMANCE.md: builds the `bench` preset,
# runs the benchmarks and writes each figure table between its markers
#   <!-- perfdoc:NAME -->  ...  <!-- /perfdoc:NAME -->
# with the commit, machine and load it came from. Nothing in those blocks is
# typed by hand; the prose around them is.
#
# usage: bash benches/perfdoc.sh [--quick] [--only NAME]... [--doc FILE]
#   --quick      a smoke run: fewer rounds, fewer pairs (figures marked quick)
#   --only NAME  regenerate only these sections (env is always rewritten)
#   --doc FILE   write into FILE instead of docs/PERFORMANCE.md
#   --check      only check that the page's typed prose quotes no measured
#                figure (benches/perfdoc_check.py; also run by ctest, label docs)
#   The `standing` block (targets met or not, how much of each timed gap the
#   counted events explain) is always recomputed last, from the blocks then on
#   the page (benches/perfdoc_standing.py); benches/perfdoc_check.py (ctest
#   label docs) fails when the typed prose quotes a measured figure.
#
# Adding a benchmark: write a function `section_NAME` that prints a markdown
# block on stdout (use `cmdline` to show the command), add NAME to SECTIONS
# below and put the two markers where the block belongs in the page (a section
# whose markers are missing is appended at the end of the page).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

SECTIONS="handshake_instr handshake_rate xfer_instr xfer_rate costs handshake_cache scaling atomics micro memory load"
doc=docs/PERFORMANCE.md
quick=""
only=""
check=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --only) only="$only $2"; shift 2 ;;
        --doc) doc="$2"; shift 2 ;;
        --check) check=1; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "perfdoc.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -f "$doc" ] || { echo "perfdoc.sh: $doc not found" >&2; exit 2; }
[ -z "$check" ] || exec python3 "$here/perfdoc_check.py" "$doc"
command -v valgrind >/dev/null || { echo "perfdoc.sh: valgrind is not installed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "perfdoc.sh: python3 is not installed" >&2; exit 2; }

# callgrind: pairs per handshake case, MiB per write size.
CG_N=5
CG_MIB=2
# Cache and branch simulation (several times slower than plain callgrind):
# pairs per handshake case, MiB of 1 KiB writes.
CG_CACHE_N=5
CG_CACHE_MIB=1
[ -z "$quick" ] || { CG_N=2; CG_MIB=1; CG_CACHE_N=2; }

commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src benches include Cargo.toml Cargo.lock CMakeLists.txt 2>/dev/null || commit="$commit + uncommitted changes"

t0=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "perfdoc.sh: building the bench preset..." >&2
cmake --preset bench >/dev/null
cmake --build --preset bench >/dev/null
B=build/bench/benches

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints a command as run from the repository root, for the page.
cmdline() { printf '`%s`' "$*"; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- the sections ---------------------------------------------------------------------

section_handshake_rate() {
    local args=(--transport memory,unix --rounds 11 --seconds 0.3)
    [ -z "$quick" ] || args=(--transport memory --rounds 2 --seconds 0.1)
    local l0; l0=$(load_now)
    "$B/qssl-bench" "${args[@]}" >"$tmp/hs.txt" 2>/dev/null
    echo "$(cmdline ./$B/qssl-bench "${args[@]}"), load average before: $l0, after: $(load_now)"
    echo
    python3 - "$tmp/hs.txt" <<'EOF'
import re, sys
rows = [l.rstrip("\n") for l in open(sys.argv[1])]
pat = re.compile(r"^(.{40}) (\S+)\s+(\d+ \(\d+-\d+\))\s+(\d+ \(\d+-\d+\))\s+([\d.]+)\s+([\d.]+)-([\d.]+)$")
print("| case | transport | raw /s median (min–max) | qssl /s median (min–max) | qssl/raw (per-round range) |")
print("|---|---|---|---|---|")
last = None
for l in rows:
    m = pat.match(l)
    if not m:
        continue
    case = m.group(1).strip()
    shown = case if case != last else ""
    last = case
    print(f"| {shown} | {m.group(2)} | {m.group(3).replace('-', '–')} | {m.group(4).replace('-', '–')} | **{m.group(5)}** ({m.group(6)}–{m.group(7)}) |")
print()
neg = [l for l in rows if l.startswith("  ") and "raw:" in l and "qssl:" in l]
if neg:
    print("Negotiated (raw / qssl):")
    print()
    for l in neg:
        print("* " + re.sub(r"\s{2,}", " ", l.strip()))
EOF
}

section_handshake_instr() {
    local n=$CG_N
    local l0; l0=$(load_now)
    "$B/callgrind.sh" -n "$n" --plain --keep "$tmp/cg" >"$tmp/hi.txt"
    echo "$(cmdline ./$B/callgrind.sh -n $n --plain) (memory transport; load average before: $l0, after: $(load_now); instruction counts do not depend on the load)"
    echo
    python3 - "$tmp/hi.txt" <<'EOF'
import sys
titles = {"a": "a TLS 1.3 ECDSA P-256", "b": "b TLS 1.3 RSA-2048", "c": "c TLS 1.2 ECDHE-RSA",
          "d": "d TLS 1.2 PSK", "e": "e TLS 1.3 external PSK", "f": "f TLS 1.3 resumption"}
print("| case | raw | qssl | qssl/raw | raw with OpenSSL's defaults | qssl/that | target |")
print("|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    p = l.split()
    if len(p) == 6 and p[0] in titles:
        r, q, ratio, plain, rp = int(p[1]), int(p[2]), float(p[3]), int(p[4]), float(p[5])
        met = "met" if ratio <= 1.01 else "**not met**"
        print(f"| {titles[p[0]]} | {r:,} | {q:,} | **{ratio:.4f}** | {plain:,} | {rp:.4f} | ≤ 1.01: {met} |")
EOF
}

section_xfer_rate() {
    if [ ! -x "$B/qssl-xfer" ]; then echo "(qssl-xfer not built)"; return; fi
    local args=(--rounds 9 --seconds 0.2)
    [ -z "$quick" ] || args=(--rounds 2 --seconds 0.05)
    local l0; l0=$(load_now)
    "$B/qssl-xfer" --markdown "${args[@]}" >"$tmp/xr.txt" 2>/dev/null
    echo "$(cmdline ./$B/qssl-xfer "${args[@]}"), load average before: $l0, after: $(load_now)"
    echo
    cat "$tmp/xr.txt"
}

section_xfer_instr() {
    if [ ! -x "$B/qssl-xfer" ]; then echo "(qssl-xfer not built)"; return; fi
    local mib=$CG_MIB
    "$B/callgrind.sh" --xfer --mib "$mib" --keep "$tmp/cg" >"$tmp/xi.txt"
    echo "$(cmdline ./$B/callgrind.sh --xfer --mib $mib) (memory transport, one direction, after the handshake and a warm-up)"
    echo
    grep '^|' "$tmp/xi.txt"
}

section_costs() {
    # Where qssl's remaining instructions go, per function (callgrind, inclusive).
    local n=$CG_N mib=$CG_MIB
    local cg="$tmp/cg"
    # Reuse the outputs of the handshake_instr and xfer_instr sections.
    [ -f "$cg/callgrind.out.d.qssl" ] || "$B/callgrind.sh" -n "$n" --keep "$cg" d >/dev/null
    [ -f "$cg/callgrind.out.xfer.aes128.qssl.1" ] || "$B/callgrind.sh" --xfer --mib "$mib" --keep "$cg" >/dev/null
    echo "From \`callgrind_annotate --inclusive=yes\` on the outputs of $(cmdline ./$B/callgrind.sh -n $n --keep DIR) (case d) and $(cmdline ./$B/callgrind.sh --xfer --mib $mib --keep DIR) (\`callgrind.out.xfer.aes128.*.1\`): instructions inside each function, callees included, per handshake pair (case d, TLS 1.2 PSK, the cheapest handshake) and per MiB sent in 1 KiB writes (AES-128-GCM, zero-copy memory transport against BIO pairs)."
    echo
    python3 - "$cg" "$n" "$mib" <<'EOF2'
import re, subprocess, sys
cg, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def costs(f):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", f],
                         capture_output=True, text=True).stdout
    d = {}
    for l in out.splitlines():
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+\*?\s*(\S.*?)(?: \[.*\])?$", l)
        if m:
            v = int(m.group(1).replace(",", ""))
            fn = m.group(2).split(":", 1)[-1]
            d[fn] = max(d.get(fn, 0), v)
    return d
def total(f):
    for l in open(f):
        if l.startswith("summary:") or l.startswith("totals:"):
            return int(l.split()[1])
    return 0
def pick(d, *names):
    return sum(d.get(x, 0) for x in names)
rows_d = [
    ("a connection made (`qssl_conn_new_memory` / `SSL_new` + 4 `BIO_new`)", ("qssl_conn_new_memory",), ("SSL_new", "BIO_new")),
    ("a connection freed (`qssl_conn_free` / `SSL_free`)", ("qssl_conn_free",), ("SSL_free",)),
    ("handshake steps (`qssl_conn_handshake` / `SSL_do_handshake`)", ("qssl_conn_handshake",), ("SSL_do_handshake",)),
    ("… of which OpenSSL's `SSL_do_handshake`", ("SSL_do_handshake",), ()),
    ("… of which the end of the handshake (`finish_handshake`: the session state captured, the SSL errors computed)", ("qssl::engine::conn::Connection::finish_handshake",), ()),
    ("moving bytes (`qssl_conn_take_output` + `qssl_conn_feed` / `BIO_read` + `BIO_write`)", ("qssl_conn_take_output", "qssl_conn_feed"), ("BIO_read", "BIO_write")),
    ("the error-queue check (`ERR_peek_error`, also inside `SSL_get_error`)", ("ERR_peek_error",), ("ERR_peek_error",)),
    ("the full clear (`ERR_clear_error`, OpenSSL's handshake state machine runs it on entry)", ("ERR_clear_error",), ("ERR_clear_error",)),
    ("qssl's BIO (`bio_read_ex`, `bio_write_ex`, `bio_ctrl` in `src/engine/transport.rs`, with their copies)", ("qssl::engine::transport::bio_read_ex", "qssl::engine::transport::bio_write_ex", "qssl::engine::transport::bio_ctrl"), ()),
]
q, r = costs(f"{cg}/callgrind.out.d.qssl"), costs(f"{cg}/callgrind.out.d.raw")
tq, tr = total(f"{cg}/callgrind.out.d.qssl"), total(f"{cg}/callgrind.out.d.raw")
print(f"**Case d, per handshake pair**: qssl {tq // n:,}, raw {tr // n:,}, difference {(tq - tr) // n:+,} instructions.")
print()
print("| where | qssl | raw OpenSSL |")
print("|---|---:|---:|")
for label, qn, rn in rows_d:
    qv, rv = pick(q, *qn) // n, pick(r, *rn) // n if rn else None
    print(f"| {label} | {qv:,} | {'' if rv is None else f'{rv:,}'} |")
print()
rows_x = [
    ("writes (`qssl_conn_write` / `SSL_write`)", ("qssl_conn_write",), ("SSL_write",)),
    ("… of which OpenSSL's `SSL_write_ex`", ("SSL_write_ex",), ()),
    ("reads (`qssl_conn_read` / `SSL_read`)", ("qssl_conn_read",), ("SSL_read",)),
    ("… of which OpenSSL's `SSL_read_ex`", ("SSL_read_ex",), ()),
    ("lending and taking back (`qssl_conn_peek_output`, `_input_space`, `_commit_input`, `_consume_output` / `BIO_nread0`, `BIO_nwrite0`, `BIO_nread`, `BIO_nwrite`; the bench's memcpy not included)",
     ("qssl_conn_peek_output", "qssl_conn_input_space", "qssl_conn_commit_input", "qssl_conn_consume_output"),
     ("BIO_nread0", "BIO_nwrite0", "BIO_nread", "BIO_nwrite")),
    ("the error-queue check (`ERR_peek_error`)", ("ERR_peek_error",), ("ERR_peek_error",)),
    ("qssl's BIO (`bio_read_ex`, `bio_write_ex`, `bio_ctrl`, with their copies; a BIO pair copies inside `SSL_read`/`SSL_write`)", ("qssl::engine::transport::bio_read_ex", "qssl::engine::transport::bio_write_ex", "qssl::engine::transport::bio_ctrl"), ()),
]
fq, fr = f"{cg}/callgrind.out.xfer.aes128.qssl.1", f"{cg}/callgrind.out.xfer.aes128.raw.1"
q, r = costs(fq), costs(fr)
tq, tr = total(fq), total(fr)
print(f"**1 KiB writes, AES-128-GCM, per MiB**: qssl {tq // mib:,}, raw {tr // mib:,}, difference {(tq - tr) // mib:+,} instructions ({(tq - tr) / mib / 1024:+.0f} per 1 KiB write).")
print()
print("| where | qssl | raw OpenSSL |")
print("|---|---:|---:|")
for label, qn, rn in rows_x:
    qv, rv = pick(q, *qn) // mib, pick(r, *rn) // mib if rn else None
    print(f"| {label} | {qv:,} | {'' if rv is None else f'{rv:,}'} |")
EOF2
}

section_handshake_cache() {
    # Time beyond instructions: cache misses and branch mispredictions, simulated.
    local n=$CG_CACHE_N mib=$CG_CACHE_MIB
    "$B/callgrind.sh" --cache -n "$n" --keep "$tmp/cc" >"$tmp/hc.txt"
    "$B/callgrind.sh" --cache --xfer --mib "$mib" --keep "$tmp/cc" >"$tmp/xc.txt"
    local geom
    geom=$(callgrind_annotate "$tmp/cc/callgrind.out.cache.d.qssl" 2>/dev/null \
        | awk '/^(I1|D1|LL) cache:/ { sub(/ cache:/, ""); sub(/-way associative/, "-way"); o = o (o ? "; " : "") $0 } END { print o }')
    echo "$(cmdline ./$B/callgrind.sh --cache -n $n) and $(cmdline ./$B/callgrind.sh --cache --xfer --mib $mib) (valgrind \`--tool=callgrind --cache-sim=yes --branch-sim=yes\`, counting only inside \`measured_handshakes\` / \`measured_transfer\`; the simulated caches: ${geom:-as callgrind chose}; independent of the load, the D1 counts move a little with the address layout; raw and qssl run side by side on two CPUs)"
    echo
    python3 - "$tmp/hc.txt" "$tmp/xc.txt" <<'EOF'
import sys
titles = {"a": "a TLS 1.3 ECDSA P-256", "b": "b TLS 1.3 RSA-2048", "c": "c TLS 1.2 ECDHE-RSA",
          "d": "d TLS 1.2 PSK", "e": "e TLS 1.3 external PSK", "f": "f TLS 1.3 resumption",
          "1k-aes128": "1 KiB writes, AES-128-GCM", "1k-aes256": "1 KiB writes, AES-256-GCM",
          "1k-chacha": "1 KiB writes, ChaCha20-Poly1305"}
def rows(f):
    out = {}
    for l in open(f):
        p = l.split()
        if len(p) == 11 and p[1] in ("raw", "qssl", "diff"):
            out.setdefault(p[0], {})[p[1]] = [int(x) for x in p[2:]]
    return out
def num(v, diff):
    return f"{v:+,}" if diff else f"{v:,}"
def table(data, unit):
    print(f"| {unit} | side | instructions | I1 misses | D1 misses (read / write) | LL misses | mispredicted branches (conditional / indirect) | libqssl's own instructions / I1 misses | extra cycles from misses, estimated |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, sides in data.items():
        for side in ("raw", "qssl", "diff"):
            if side not in sides:
                continue
            ir, i1, d1r, d1w, ll, bcm, bim, qir, qi1 = sides[side]
            diff = side == "diff"
            name = titles.get(key, key) if side == "raw" else ""
            label = "**qssl − raw**" if diff else side
            own = "" if side == "raw" else f"{num(qir, diff)} / {num(qi1, diff)}"
            est = ""
            if diff:
                m, b = i1 + d1r + d1w, bcm + bim
                est = f"{10 * m + 15 * b:+,} to {20 * m + 15 * b:+,}"
            print(f"| {name} | {label} | {num(ir, diff)} | {num(i1, diff)} | {num(d1r, diff)} / {num(d1w, diff)} | {num(ll, diff)} | {num(bcm, diff)} / {num(bim, diff)} | {own} | {est} |")
hs, xs = rows(sys.argv[1]), rows(sys.argv[2])
print("Per handshake pair:")
print()
table(hs, "case")
print()
if xs:
    print("Per MiB sent (memory transport: the zero-copy functions against a BIO pair):")
    print()
    table(xs, "data")
    print()
shares = []
for key, sides in list(hs.items()) + list(xs.items()):
    if "diff" in sides and "qssl" in sides and sides["diff"][1] > 0:
        d_i1, own_i1 = sides["diff"][1], sides["qssl"][8]
        shares.append(f"{titles.get(key, key)}: {d_i1:+,}, of which {own_i1:,} in libqssl's own code and {d_i1 - own_i1:+,} in OpenSSL's and libc's")
if shares:
    print("Extra I1 misses, qssl − raw: " + "; ".join(shares) + ".")
    print()
print("_Extra cycles from misses, estimated_ = 10 to 20 × (I1 + D1 misses) + 15 × mispredicted branches, qssl − raw; the extra instructions come on top.")
EOF
}

section_scaling() {
    local secs=1
    [ -z "$quick" ] || secs=0.2
    local l0; l0=$(load_now)
    "$B/qssl-bench" --threads --seconds "$secs" --markdown >"$tmp/sc.txt" 2>/dev/null
    echo "$(cmdline ./$B/qssl-bench --threads --seconds $secs), load average before: $l0, after: $(load_now) (on $(nproc) CPUs shared with other work, a 2-thread figure is only as good as the idle CPU time it found)"
    echo
    cat "$tmp/sc.txt"
}

section_atomics() {
    # The deterministic side of the 2-thread figure: atomic read-modify-writes
    # per handshake pair (each one on a line another thread also writes makes
    # that line move between the CPUs).
    local n=$CG_CACHE_N
    "$B/callgrind.sh" --atomics -n "$n" >"$tmp/at.txt"
    echo "$(cmdline ./$B/callgrind.sh --atomics -n $n) (valgrind \`--tool=callgrind --dump-instr=yes\` inside \`measured_handshakes\`, memory transport; every executed \`lock\`-prefixed instruction or \`xchg\` with memory, in any object, whether or not another thread shares the line; independent of the load)"
    echo
    cat "$tmp/at.txt"
}

section_micro() {
    local runs=9
    [ -z "$quick" ] || runs=3
    local l0; l0=$(load_now)
    "$B/qssl-micro" --runs "$runs" >"$tmp/mi.txt" 2>/dev/null
    # Instructions per operation only with PERFDOC_MICRO_INSTR=1: each of the
    # nine callgrind runs loads the system CA store under valgrind (minutes).
    : >"$tmp/mc.txt"
    [ -z "${PERFDOC_MICRO_INSTR:-}" ] || "$B/callgrind.sh" --micro >"$tmp/mc.txt"
    echo "$(cmdline ./$B/qssl-micro --runs $runs)${PERFDOC_MICRO_INSTR:+ and $(cmdline ./$B/callgrind.sh --micro)}, load average before: $l0, after: $(load_now)"
    echo
    python3 - "$tmp/mi.txt" "$tmp/mc.txt" <<'EOF'
import re, sys
ops = {"config copy + free": "copy", "config copy + set_peer_verify_depth (detach) + free": "copy-set",
       "config_equal, 145 CAs, same certificate objects": "equal-shared",
       "config_equal, 145 CAs, parsed separately": "equal-separate",
       "config_default_configuration + free": "default", "config_new + free": "new",
       "system_ca_certificates + list free (repeated)": "system-ca", "psk_auth copy + free": "psk-copy",
       "psk_auth_set_pre_shared_key (32 bytes)": "psk-set-key"}
instr = {}
for l in open(sys.argv[2]):
    p = l.split()
    if len(p) == 2:
        instr[p[0]] = p[1]
print("| operation | median ns | min ns | instructions | target |")
print("|---|---|---|---|---|")
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    m = re.match(r"^(.*?)\s{2,}([\d.]+)\s+([\d.]+)\s*(.*)$", l)
    if m and m.group(1) in ops:
        print(f"| {m.group(1)} | {m.group(2)} | {m.group(3)} | {instr.get(ops[m.group(1)], '')} | {m.group(4).strip()} |")
    elif l.startswith("system_ca_certificates, first call") or l.startswith("heap per detached"):
        p = re.split(r"\s{2,}", l.strip())
        print(f"| {p[0]} | {p[1] if len(p) > 1 else ''} | | | {' '.join(p[2:])} |")
EOF
}

section_memory() {
    local n=2000
    [ -z "$quick" ] || n=300
    echo "$(cmdline ./$B/qssl-bench --memory $n --case C) (connected clients kept, servers freed, memory transport)"
    echo
    echo "| case | raw RSS / heap per connection | qssl RSS / heap per connection | qssl − raw (RSS / heap) | target |"
    echo "|---|---|---|---|---|"
    for c in a d f; do
        "$B/qssl-bench" --memory "$n" --case "$c" >"$tmp/mem.$c.txt" 2>/dev/null
        python3 - "$tmp/mem.$c.txt" "$c" <<'EOF'
import sys
titles = {"a": "a TLS 1.3 ECDSA", "d": "d TLS 1.2 PSK", "f": "f TLS 1.3 resumed"}
v = {}
for l in open(sys.argv[1]):
    p = l.split()
    if p and p[0] in ("raw", "qssl", "diff") and len(p) >= 5:
        v[p[0]] = (p[1], p[3])
if "raw" in v and "qssl" in v and "diff" in v:
    d = int(v["diff"][0])
    met = "met" if d <= 1024 else "**not met**"
    print(f"| {titles[sys.argv[2]]} | {v['raw'][0]} B / {v['raw'][1]} B | {v['qssl'][0]} B / {v['qssl'][1]} B | {v['diff'][0]} B / {v['diff'][1]} B | ≤ +1 KB: {met} |")
EOF
    done
}

section_load() {
    # A server under load (issue 16): 1,000 and 10,000 live connections.
    if [ ! -x "$B/qssl-load" ]; then echo "(qssl-load not built)"; return; fi
    local args=(--conns 1000 --conns 10000)
    [ -z "$quick" ] || args=(--conns 300)
    local l0; l0=$(load_now)
    "$B/qssl-load" --markdown "${args[@]}" >"$tmp/ld.txt" 2>/dev/null
    echo "$(cmdline ./$B/qssl-load "${args[@]}") (TLS 1.3, ECDSA P-256, x25519; the server: one process, one epoll loop, non-blocking sockets; the clients: raw OpenSSL in the bench process, at most 256 handshakes in flight), load average before: $l0, after: $(load_now) (handshakes/s counts the clients' CPU time too and follows the load; the server's CPU time per handshake does not)"
    echo
    python3 - "$tmp/ld.txt" <<'EOF'
import re, sys
# The table as qssl-load prints it, then qssl against raw per connection count.
rows, order = {}, []
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    print(l)
    c = [x.strip() for x in l.strip().strip("|").split("|")]
    if len(c) == 6 and c[0] in ("qssl", "raw OpenSSL") and c[1].isdigit():
        vals = []
        for x in c[2:]:
            m = re.match(r"^([\d.]+)\s*(.*)$", x)
            vals.append((float(m.group(1)), m.group(2)) if m else (None, ""))
        rows[(c[0], c[1])] = vals
        if c[1] not in order:
            order.append(c[1])
print()
print("qssl against raw OpenSSL, from the rows above (server CPU and RSS are the server's own; handshakes/s also carries the clients and the load):")
print()
print("| live connections | | handshakes/s | server CPU per handshake | server RSS per connection | server RSS total |")
print("|---:|---|---:|---:|---:|---:|")
for n in order:
    q, r = rows.get(("qssl", n)), rows.get(("raw OpenSSL", n))
    if not q or not r:
        continue
    diff, ratio = [], []
    for (qv, unit), (rv, _) in zip(q, r):
        if qv is None or rv is None or rv == 0:
            diff.append(""); ratio.append(""); continue
        d = qv - rv
        prec = 1 if unit in ("KiB", "MiB") else 0
        diff.append(f"{d:+.{prec}f}" + (f" {unit}" if unit else ""))
        ratio.append(f"**{qv / rv:.3f}**")
    print(f"| {n} | qssl − raw | " + " | ".join(diff) + " |")
    print(f"| | qssl/raw | " + " | ".join(ratio) + " |")
EOF
}

# ---- run and write ------------------------------------------------------------------------

for s in $SECTIONS; do
    if [ -n "$only" ] && ! printf ' %s ' $only | grep -q " $s "; then continue; fi
    echo "perfdoc.sh: $s..." >&2
    "section_$s" >"$tmp/$s.md"
    # Each block says where it came from (a partial run keeps older blocks).
    printf '\n_Generated at commit `%s` on %s._\n' "$commit" "$(date -u '+%Y-%m-%d %H:%M UTC')" >>"$tmp/$s.md"
done
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mhz=$(awk -F': ' '/^cpu MHz/ { printf "%.0f MHz", $2; exit }' /proc/cpuinfo)
ossl=$(openssl version 2>/dev/null || echo "OpenSSL (version unknown)")
secs=$(( $(date +%s) - t0 ))
{
    if [ -n "$only" ]; then
        echo "Last run: \`bash benches/perfdoc.sh${quick:+ --quick} --only$only\` on $(date -u '+%Y-%m-%d %H:%M UTC') in ${secs} s (a partial run: each block below names the commit it was generated at)${quick:+ (**quick run: few rounds, rough figures**)}."
    else
        echo "Generated by \`bash benches/perfdoc.sh${quick:+ --quick}\` on $(date -u '+%Y-%m-%d %H:%M UTC') in ${secs} s${quick:+ (**quick run: few rounds, rough figures**)}."
    fi
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| commit | \`$commit\` ($(git log -1 --format=%cd --date=format:%Y-%m-%d HEAD)) |"
    echo "| machine | $(nproc) CPU(s), $cpu${mhz:+, $mhz}; $(uname -sr) |"
    echo "| OpenSSL | $ossl |"
    echo "| build | \`cmake --preset bench\` (Release, Rust \`$(rustc --version 2>/dev/null | cut -d' ' -f2)\`) |"
    echo "| load average (1/5/15 min) | at the start $load_start, at the end $(load_now) |"
} >"$tmp/env.md"

write_blocks() { # DIR: each NAME.md in DIR replaces the block NAME of $doc
    python3 - "$doc" "$1" <<'EOF'
import os, re, sys
doc, tmp = sys.argv[1], sys.argv[2]
text = open(doc).read()
for f in sorted(os.listdir(tmp)):
    if not f.endswith(".md"):
        continue
    name = f[:-3]
    body = open(os.path.join(tmp, f)).read().rstrip("\n")
    block = f"<!-- perfdoc:{name} -->\n{body}\n<!-- /perfdoc:{name} -->"
    pat = re.compile(r"<!-- perfdoc:%s -->.*?<!-- /perfdoc:%s -->" % (re.escape(name), re.escape(name)), re.S)
    if pat.search(text):
        text = pat.sub(lambda m: block, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n### {name}\n\n{block}\n"
open(doc, "w").write(text)
EOF
}
write_blocks "$tmp"

# Where the targets stand: computed from the blocks now on the page.
mkdir -p "$tmp/standing"
{
    python3 "$here/perfdoc_standing.py" "$doc"
    printf '\n_Computed from the blocks above on %s._\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
} >"$tmp/standing/standing.md"
write_blocks "$tmp/standing"
echo "perfdoc.sh: wrote $doc in $(( $(date +%s) - t0 )) s" >&2
