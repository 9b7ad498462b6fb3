#!/bin/sh
# Instructions per handshake pair, raw OpenSSL vs qssl, under
# valgrind --tool=callgrind: the one figure that is stable on a noisy machine.
#
# For each case and side, `qssl-bench --once CASE --side SIDE -n N` sets up,
# runs a warm-up, then exactly N handshake pairs inside measured_handshakes();
# callgrind counts only that function (--toggle-collect), so setup is not
# counted and the figure is instructions per pair = total / N.
#
# usage: benches/callgrind.sh [-n N] [--transport memory|tcp|unix] [--keep DIR] [--plain] [CASE...]
#        benches/callgrind.sh --micro   (instructions per value-type operation, qssl-micro --once)
#        benches/callgrind.sh --xfer [--mib M] [--transport memory|memcopy]
#                                       (instructions per MiB of data, qssl-xfer --once; a markdown table)
#   CASE: a-f or names (default: all). --keep DIR keeps the callgrind.out.*
#   files for `callgrind_annotate --inclusive=yes DIR/callgrind.out.a.qssl`.
#   --plain adds a column for raw OpenSSL with its own defaults (no
#   CertificateRequest from servers, no empty PSK hint; qssl-bench --raw-plain).
#   QSSL_BENCH=path/to/qssl-bench overrides where the program is looked for.
set -eu

n=10
transport=memory
keep=""
plain=""
micro=""
xfer=""
mib=4
cases=""
while [ $# -gt 0 ]; do
    case "$1" in
        -n) n="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --plain) plain=1; shift ;;
        --micro) micro=1; shift ;;
        --xfer) xfer=1; shift ;;
        --mib) mib="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
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

if [ -n "$micro" ]; then
    m="$(dirname "$bench")/qssl-micro"
    [ -x "$m" ] || { echo "callgrind.sh: $m not found" >&2; exit 2; }
    echo "instructions per operation through the C ABI (valgrind --tool=callgrind, 1000 operations after a warm-up)"
    for op in copy copy-set equal-shared equal-separate default new system-ca psk-copy psk-set-key; do
        f="$out/callgrind.out.micro.$op"
        valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect=measured_op \
            "$m" --once "$op" -n 1000 >"$out/log.micro.$op" 2>&1 || { cat "$out/log.micro.$op" >&2; exit 1; }
        awk -v op="$op" '/^(summary|totals):/ { printf "%-16s %10.1f\n", op, $2 / 1000; exit }' "$f"
    done
    exit 0
fi
if [ -n "$xfer" ]; then
    x="$(dirname "$bench")/qssl-xfer"
    [ -x "$x" ] || { echo "callgrind.sh: $x not found" >&2; exit 2; }
    [ "$transport" != tcp ] && [ "$transport" != unix ] || transport=memory
    echo "| suite | write size | raw instructions per MiB | qssl instructions per MiB | qssl/raw |"
    echo "|---|---|---|---|---|"
    for su in aes128 aes256 chacha; do
        for side in raw qssl; do
            # One run per suite and side; a dump after each write size's region.
            f="$out/callgrind.out.xfer.$su.$side"
            valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect='measured_size_*' \
                --dump-after=measured_size_1k --dump-after=measured_size_16k --dump-after=measured_size_64k \
                "$x" --once "$su" --side "$side" --transport "$transport" --mib "$mib" \
                >"$out/log.xfer" 2>&1 || { cat "$out/log.xfer" >&2; exit 1; }
        done
        name=$(case $su in aes128) echo TLS_AES_128_GCM_SHA256 ;; aes256) echo TLS_AES_256_GCM_SHA384 ;;
               *) echo TLS_CHACHA20_POLY1305_SHA256 ;; esac)
        part=1
        for size in 1 16 64; do
            ir_raw=$(awk '/^(summary|totals):/ { print $2; exit }' "$out/callgrind.out.xfer.$su.raw.$part")
            ir_qssl=$(awk '/^(summary|totals):/ { print $2; exit }' "$out/callgrind.out.xfer.$su.qssl.$part")
            awk -v s="$name" -v k="$size" -v r="$ir_raw" -v q="$ir_qssl" -v m="$mib" \
                'function c(x,  s, o) { s = sprintf("%d", x); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }; return s o }
                 BEGIN { printf "| %s | %d KiB | %s | %s | **%.4f** |\n", s, k, c(r / m), c(q / m), q / r }'
            part=$((part + 1))
        done
    done
    [ -z "$keep" ] || echo "callgrind outputs kept in $keep"
    exit 0
fi
echo "instructions per handshake pair (valgrind --tool=callgrind, $transport transport, N=$n pairs after a warm-up)"
if [ -n "$plain" ]; then
    printf '%-16s %14s %14s %9s %14s %9s\n' case raw qssl qssl/raw raw-plain qssl/plain
else
    printf '%-16s %14s %14s %9s\n' case raw qssl qssl/raw
fi
count() { # case side extra-args... -> prints total Ir
    c=$1; side=$2; tag=$3; shift 3
    f="$out/callgrind.out.$c.$tag"
    if ! valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect=measured_handshakes \
            "$bench" --once "$c" --side "$side" --transport "$transport" -n "$n" "$@" \
            >"$out/log.$c.$tag" 2>&1; then
        echo "callgrind.sh: $tag $c failed:" >&2
        cat "$out/log.$c.$tag" >&2
        exit 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$f"
}
for c in $cases; do
    ir_raw=$(count "$c" raw raw)
    ir_qssl=$(count "$c" qssl qssl)
    if [ -n "$plain" ]; then
        ir_plain=$(count "$c" raw raw-plain --raw-plain)
        awk -v c="$c" -v r="$ir_raw" -v q="$ir_qssl" -v p="$ir_plain" -v n="$n" \
            'BEGIN { printf "%-16s %14.0f %14.0f %9.4f %14.0f %9.4f\n", c, r / n, q / n, q / r, p / n, q / p }'
    else
        awk -v c="$c" -v r="$ir_raw" -v q="$ir_qssl" -v n="$n" \
            'BEGIN { printf "%-16s %14.0f %14.0f %9.4f\n", c, r / n, q / n, q / r }'
    fi
done
[ -z "$keep" ] || echo "callgrind outputs kept in $keep (callgrind_annotate $keep/callgrind.out.<case>.<side>)"
