#!/bin/sh
# Instructions per handshake pair, raw OpenSSL vs qssl, under
# valgrind --tool=callgrind: the one figure that is stable on a noisy machine.
#
# For each case and side, `qssl-bench --once CASE --side SIDE -n N` sets up,
# runs a warm-up, then exactly N handshake pairs inside measured_handshakes();
# callgrind counts only that function (--toggle-collect), so setup is not
# counted and the figure is instructions per pair = total / N.
#
# usage: benches/callgrind.sh [-n N] [--transport memory|tcp] [--keep DIR] [CASE...]
#   CASE: a-f or names (default: all). --keep DIR keeps the callgrind.out.*
#   files for `callgrind_annotate --inclusive=yes DIR/callgrind.out.a.qssl`.
#   QSSL_BENCH=path/to/qssl-bench overrides where the program is looked for.
set -eu

n=10
transport=memory
keep=""
cases=""
while [ $# -gt 0 ]; do
    case "$1" in
        -n) n="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) cases="$cases $1"; shift ;;
    esac
done
[ -n "$cases" ] || cases="a b c d e f"

here=$(cd "$(dirname "$0")" && pwd)
bench="${QSSL_BENCH:-}"
if [ -z "$bench" ]; then
    for p in "$here/qssl-bench" "$here/../build/bench/benches/qssl-bench"; do
        if [ -x "$p" ]; then bench="$p"; break; fi
    done
fi
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
    echo "callgrind.sh: qssl-bench not found; build it first:" >&2
    echo "  cmake --preset bench && cmake --build --preset bench" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    out="$keep"
else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi

echo "instructions per handshake pair (valgrind --tool=callgrind, $transport transport, N=$n pairs after a warm-up)"
printf '%-16s %14s %14s %9s\n' case raw qssl qssl/raw
for c in $cases; do
    ir_raw=""; ir_qssl=""
    for side in raw qssl; do
        f="$out/callgrind.out.$c.$side"
        if ! valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect=measured_handshakes \
                "$bench" --once "$c" --side "$side" --transport "$transport" -n "$n" \
                >"$out/log.$c.$side" 2>&1; then
            echo "callgrind.sh: $side $c failed; see below" >&2
            cat "$out/log.$c.$side" >&2
            exit 1
        fi
        total=$(awk '/^(summary|totals):/ { print $2; exit }' "$f")
        if [ "$side" = raw ]; then ir_raw=$total; else ir_qssl=$total; fi
    done
    awk -v c="$c" -v r="$ir_raw" -v q="$ir_qssl" -v n="$n" \
        'BEGIN { printf "%-16s %14.0f %14.0f %9.4f\n", c, r / n, q / n, q / r }'
done
[ -z "$keep" ] || echo "callgrind outputs kept in $keep (callgrind_annotate $keep/callgrind.out.<case>.<side>)"
