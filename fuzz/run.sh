#!/usr/bin/env bash
# Builds qssl's fuzz targets with libFuzzer (clang -fsanitize=fuzzer,address,
# undefined) against a libqssl.so whose Rust code carries SanitizerCoverage
# (so libFuzzer sees coverage inside qssl) plus debug assertions and overflow
# checks, seeds each corpus from tests/fixtures and real handshakes, and runs
# every target for a bounded time. Crashes, leaks, time-outs and failed
# assertions make it exit non-zero; inputs that once failed are kept in
# fuzz/regressions/<target>/ and replayed first.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Defaults: 8 seconds per target, all targets (CI). Targets: cert key pkcs12
# dh ticket ciphers backend path conn_client conn_server dtls. Work files go to
# build/fuzz/ (the corpora there grow across runs). FUZZ_SEED=N fixes
# libFuzzer's random seed (CI uses 1). FUZZ_JOBS=N runs N
# processes per target (libFuzzer -fork) for longer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-8}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(cert key pkcs12 dh ticket ciphers backend path conn_client conn_server dtls)
fi
OUT=$ROOT/build/fuzz
mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/artifacts"

CLANG=${CLANG:-$(command -v clang || command -v clang-14 || true)}
if [ -z "$CLANG" ]; then
  echo "fuzz/run.sh: clang not found (install clang and libclang-rt-14-dev: bash .ci/deps)" >&2
  exit 1
fi

# 1. libqssl.so with coverage instrumentation (its own cargo target dir; the
#    explicit --target keeps the flags away from build scripts).
HOST=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=$ROOT/target/fuzz
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=3 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions=on -Coverflow-checks=on" \
  cargo build --locked --release --lib --target "$HOST" --quiet
cp -f "$CARGO_TARGET_DIR/$HOST/release/libqssl.so" "$OUT/lib/libqssl.so.0"
ln -sf libqssl.so.0 "$OUT/lib/libqssl.so"

# 2. The targets and the seed generator.
CFLAGS=(-g -O1 -fno-omit-frame-pointer -I"$ROOT/include" -I"$ROOT/fuzz"
        "-DQSSL_FIXTURES_DIR=\"$ROOT/tests/fixtures\"")
LIBS=(-L"$OUT/lib" -lqssl -Wl,-rpath,"$OUT/lib" -lssl -lcrypto)
SAN=-fsanitize=fuzzer,address,undefined
for t in "${TARGETS[@]}"; do
  case $t in
    conn_client) src=conn.c; extra=() ;;
    conn_server) src=conn.c; extra=(-DFUZZ_SERVER) ;;
    *) src=$t.c; extra=() ;;
  esac
  "$CLANG" "${CFLAGS[@]}" "${extra[@]}" $SAN "fuzz/targets/$src" -o "$OUT/bin/fuzz_$t" "${LIBS[@]}"
done
"$CLANG" "${CFLAGS[@]}" -fsanitize=address fuzz/seedgen.c -o "$OUT/bin/seedgen" "${LIBS[@]}"

# 3. Seed corpora.
F=$ROOT/tests/fixtures
seed() { # seed TARGET NAME BYTES-FROM-PRINTF [FILE-TO-APPEND]
  local dir=$OUT/seeds/$1; mkdir -p "$dir"
  { printf "$3"; if [ -n "${4:-}" ]; then cat "$4"; fi; } > "$dir/$2"
}
rm -rf "$OUT/seeds"
for f in ca.pem ca.der server.pem server.der chained-chain.pem two-certs.pem junk-then-cert.pem \
         expired.pem selfsigned.pem client.pem inter.pem; do
  seed cert "$f" "" "$F/$f"
done
seed key rsa-pem '\004' "$F/server-key.pem"
seed key rsa-der '\004' "$F/server-key.der"
seed key rsa-encrypted '\005' "$F/server-key-encrypted.pem"
seed key rsa-public '\004' "$F/server-pub.pem"
seed key ec-pem '\014' "$F/server-ec-key.pem"
seed key ec-der '\014' "$F/server-ec-key.der"
seed key dsa '\010' "$F/dsa-key.pem"
seed key ed25519 '\000' "$F/ed25519-key.pem"
seed pkcs12 server.p12 "" "$F/server.p12"
for f in dh-ffdhe2048.pem dh-ffdhe2048.der dh-512.pem dh-nonprime.pem dh-nonprime.der; do
  seed dh "$f" "" "$F/$f"
done
seed ciphers default 'ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_256_GCM_SHA384:AES256-SHA'
seed ciphers odd '::PSK-AES128-GCM-SHA256::unknown:TLS_CHACHA20_POLY1305_SHA256:'
seed backend min 'MinProtocol\000TLSv1.3'
seed backend cipher 'CipherString\000HIGH:!aNULL'
seed backend options 'Options\000-SessionTicket,ServerPreference'
seed backend groups 'Groups\000X25519:P-256'
seed backend sigalgs 'SignatureAlgorithms\000RSA+SHA256'
seed path wildcard '\001pattern/*.pem'
seed path regex '\000pattern/[ab]\\.pem'
seed path fixed '\002pattern/a.pem'
seed path deep '\201pattern/**/(sub)?/d.pe.'
seed path der '\005pattern/*.der'
mkdir -p "$OUT/seeds/conn_client" "$OUT/seeds/conn_server" "$OUT/seeds/ticket" "$OUT/seeds/dtls"
"$OUT/bin/seedgen" "$OUT/seeds/conn_client" "$OUT/seeds/conn_server" "$OUT/seeds/ticket" \
  "$OUT/seeds/dtls"
seed dtls after-cookie '\002\000\020garbage-datagram'
seed dtls after-handshake '\003\000\045\027\376\375\000\001\000\000\000\000\000\001\000\030abcdefghijklmnopqrstuvwx'
seed dtls after-handshake-psk '\007\000\017\025\376\375\000\001\000\000\000\000\000\002\000\002\002\050'
seed ticket garbage 'not a ticket'

# 4. Replay the regressions, then fuzz each target for SECS seconds.
status=0
printf '%-12s %12s %10s %s\n' target executions "exec/s" result > "$OUT/summary.txt"
for t in "${TARGETS[@]}"; do
  corpus=$OUT/corpus/$t
  mkdir -p "$corpus"
  cp -n "$OUT/seeds/$t/"* "$corpus/" 2>/dev/null || true
  bin=$OUT/bin/fuzz_$t
  opts=(-timeout=20 -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-")
  if [ -d "fuzz/regressions/$t" ] && ls "fuzz/regressions/$t/"* >/dev/null 2>&1; then
    if ! "$bin" "${opts[@]}" "fuzz/regressions/$t/"* > "$OUT/$t.regressions.log" 2>&1; then
      echo "== $t: a regression input fails again:"; tail -40 "$OUT/$t.regressions.log"; status=1
    fi
  fi
  extra=()
  if [ -n "${FUZZ_JOBS:-}" ]; then extra=(-fork="$FUZZ_JOBS" -ignore_crashes=1); fi
  if [ -n "${FUZZ_SEED:-}" ]; then extra+=(-seed="$FUZZ_SEED"); fi
  if "$bin" "${opts[@]}" "${extra[@]}" -max_total_time="$SECS" "$corpus" "$OUT/seeds/$t" \
       > "$OUT/$t.log" 2>&1; then
    result=ok
  else
    result=FAILED; status=1
    echo "== $t failed:"; tail -60 "$OUT/$t.log"
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$t.log" | tail -1)
  printf '%-12s %12s %10s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result" >> "$OUT/summary.txt"
done
cat "$OUT/summary.txt"
exit $status
