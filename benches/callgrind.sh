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
#        benches/callgrind.sh --atomics [-n N] [CASE...]
#                                       (atomic read-modify-writes per handshake pair, raw vs qssl;
#                                        callgrind --dump-instr=yes and callgrind_atomics.py; default a d e f)
#        benches/callgrind.sh --cache [-n N] [CASE...]
#        benches/callgrind.sh --cache --xfer [--mib M] [SUITE...]
#                                       (with --cache-sim=yes --branch-sim=yes: per handshake pair, or
#                                       per MiB in 1 KiB writes, instructions, I1/D1/LL misses, branch
#                                       mispredictions and libqssl*'s own share; one line per case and side)
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
cache=""
atomics=""
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
        --cache) cache=1; shift ;;
        --atomics) atomics=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) cases="$cases $1"; shift ;;
    esac
done

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

# Self cost per object from a callgrind output: every event's total, and the
# part spent in objects whose file name starts with libqssl (qssl, with the
# Rust standard library and the openssl crate linked into it). Cost lines
# after a calls= line are a callee's inclusive cost and are skipped; object
# names are compressed as "(id) name" once, "(id)" after, shared by ob=/cob=.
# Prints: Ir I1mr D1mr D1mw LLmiss Bcm Bim libqssl-Ir libqssl-I1mr, divided by $2.
cache_summary() {
    awk -v div="$2" '
        /^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
        /^c?ob=/ {
            s = $0; sub(/^c?ob=/, "", s); name = s; id = s
            if (match(s, /^\([0-9]+\)/)) { id = substr(s, 1, RLENGTH); name = substr(s, RLENGTH + 2) }
            if (name != "") nm[id] = name
            if ($0 ~ /^ob=/) { b = nm[id]; sub(/.*\//, "", b); isq = (b ~ /^libqssl/) }
            next
        }
        /^calls=/ { skip = 1; next }
        /^[0-9+*-]/ {
            if (skip) { skip = 0; next }
            for (i = 2; i <= NF; i++) { t[i - 1] += $i; if (isq) q[i - 1] += $i }
            next
        }
        function e(n) { return (n in col) ? t[col[n]] : 0 }
        function eq(n) { return (n in col) ? q[col[n]] : 0 }
        END {
            if (!("Bim" in col) || !("I1mr" in col)) { print "callgrind.sh: no cache/branch events in the output" > "/dev/stderr"; exit 1 }
            printf "%.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n", e("Ir") / div, e("I1mr") / div, e("D1mr") / div,
                e("D1mw") / div, (e("ILmr") + e("DLmr") + e("DLmw")) / div, e("Bcm") / div, e("Bim") / div,
                eq("Ir") / div, eq("I1mr") / div
        }' "$1"
}
if [ -n "$atomics" ]; then
    # Atomic read-modify-writes per handshake pair (callgrind_atomics.py):
    # the instructions that make two threads' shared cache lines bounce.
    [ -n "$cases" ] || cases="a d e f"
    echo "| case | raw atomics per pair | qssl atomics per pair | qssl − raw | of which in libqssl |"
    echo "|---|---:|---:|---:|---:|"
    for c in $cases; do
        for side in raw qssl; do
            valgrind --tool=callgrind --dump-instr=yes --collect-atstart=no \
                --toggle-collect=measured_handshakes --callgrind-out-file="$out/callgrind.out.atomics.$c.$side" \
                "$bench" --once "$c" --side "$side" --transport "$transport" -n "$n" >/dev/null 2>&1 &
        done
        wait
        r=$(python3 "$here/callgrind_atomics.py" "$out/callgrind.out.atomics.$c.raw" "$n" --summary)
        q=$(python3 "$here/callgrind_atomics.py" "$out/callgrind.out.atomics.$c.qssl" "$n" --summary)
        set -- $r; rt=$1
        set -- $q; qt=$1; qown=$2
        echo "| $c | $rt | $qt | $(awk -v a="$qt" -v b="$rt" 'BEGIN { printf "%+.1f", a - b }') | $qown |"
    done
    exit 0
fi
if [ -n "$cache" ]; then
    sim="--cache-sim=yes --branch-sim=yes --collect-atstart=no"
    header() { printf '%-10s %-5s %12s %9s %9s %9s %7s %9s %9s %12s %12s\n' case side Ir I1mr D1mr D1mw LLmiss Bcm Bim libqssl-Ir libqssl-I1mr; }
    delta() { # label raw-line qssl-line
        echo "$2 $3" | awk -v l="$1" '{ printf "%-10s %-5s %12d %9d %9d %9d %7d %9d %9d %12d %12d\n", l, "diff",
            $10 - $1, $11 - $2, $12 - $3, $13 - $4, $14 - $5, $15 - $6, $16 - $7, $17 - $8, $18 - $9 }'
    }
    # The raw and the qssl run of a case side by side when there are two CPUs
    # (the counts do not depend on it; the wall time halves).
    jobs_=""; logs_=""; k_=0
    both() {
        k_=$((k_ + 1))
        if [ "$(nproc)" -ge 2 ]; then
            "$@" >"$out/log.cache.$k_" 2>&1 &
            jobs_="$jobs_ $!"; logs_="$logs_ $out/log.cache.$k_"
        else
            "$@" >"$out/log.cache.$k_" 2>&1 || { cat "$out/log.cache.$k_" >&2; exit 1; }
        fi
    }
    both_wait() {
        failed=""
        for j in $jobs_; do wait "$j" || failed=1; done
        if [ -n "$failed" ]; then
            for l in $logs_; do cat "$l" >&2; done
            echo "callgrind.sh: a cache-simulation run failed" >&2
            exit 1
        fi
        jobs_=""; logs_=""
    }
    row() { # label side summary-line
        echo "$3" | awk -v l="$1" -v s="$2" '{ printf "%-10s %-5s %12d %9d %9d %9d %7d %9d %9d %12d %12d\n", l, s, $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
    }
    # cache_pair KEY LABEL DIVISOR TOGGLE PROGRAM ARGS...: both sides side by
    # side under the simulation, then their rows and the difference.
    cache_pair() {
        key=$1 label=$2 div=$3 toggle=$4; shift 4
        for side in raw qssl; do
            # shellcheck disable=SC2086
            both valgrind --tool=callgrind $sim --toggle-collect="$toggle" \
                --callgrind-out-file="$out/callgrind.out.cache.$key.$side" "$@" --side "$side"
        done
        both_wait
        r=$(cache_summary "$out/callgrind.out.cache.$key.raw" "$div")
        q=$(cache_summary "$out/callgrind.out.cache.$key.qssl" "$div")
        row "$label" raw "$r"; row "$label" qssl "$q"; delta "$label" "$r" "$q"
    }
    if [ -n "$xfer" ]; then
        x="$(dirname "$bench")/qssl-xfer"
        [ -x "$x" ] || { echo "callgrind.sh: $x not found" >&2; exit 2; }
        [ -n "$cases" ] || cases="aes128"
        echo "# per MiB sent in 1 KiB writes (qssl-xfer --once SUITE --size 1 --mib $mib, memory transport, after the handshake and a warm-up)"
        header
        for su in $cases; do
            cache_pair "xfer.$su" "1k-$su" "$mib" measured_transfer "$x" --once "$su" --size 1 --mib "$mib"
        done
    else
        [ -n "$cases" ] || cases="a b c d e f"
        echo "# per handshake pair (qssl-bench --once CASE -n $n, $transport transport, after a warm-up)"
        header
        for c in $cases; do
            cache_pair "$c" "$c" "$n" measured_handshakes "$bench" --once "$c" --transport "$transport" -n "$n"
        done
    fi
    [ -z "$keep" ] || echo "# callgrind outputs kept in $keep (callgrind_annotate --show=Ir,I1mr,D1mr,D1mw,Bcm,Bim $keep/callgrind.out.cache.*)"
    exit 0
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
[ -n "$cases" ] || cases="a b c d e f"
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
