#!/usr/bin/env bash
# wrk-file-tail.sh — is a Digest run's p99 the server's or the load tool's?
#
# The peer harness sizes each server's Digest header file by that server's own open rate (rate x
# 1.5 x 15 s): for AuthHost's SHA-256 run that is ~1.87 million headers, ~120 MB that wrk's Lua keeps
# in memory. This script holds the server and the rate fixed and changes only the file wrk loads:
#   open  the open path, wrk loading the harness's small pad file, then a big header file of the
#         algorithm's (sent as X-Pad: the server's work is the same), against AuthHost and its Jetty;
#   auth  Digest, fresh headers each run, SMALL_NONCES x 1000 headers against BIG_NONCES x 1000,
#         against AuthHost and its Jetty, ROUNDS rounds alternating.
# ALG picks the harness's pair: SHA-256 (default) is AuthHost (AUTHHOST_DIGEST_ALGS=SHA-256,MD5)
# against jetty-sha256; MD5 is AuthHost as the harness's MD5 pair starts it (MD5,SHA-256) against
# jetty-md5 (Jetty's --algorithm MD5). BIG_NONCES defaults to the harness's size for the pair (it
# follows AuthHost's open rate: that rate x 1.5 x 15 / 1000 nonces).
# If a server's p99 moves with the file at the same rate, the tail is wrk's. Each line also gives wrk's
# own CPU per request: with the server's work the same, what the file costs the load tool.
#
#   ./mvnw -B -q -DskipTests package && bench/wrk-file-tail.sh        # ~8 minutes, quiet machine
#
# Settings (environment): AUTHHOST_HOME (this checkout), PEERS_COPY (a writable copy of the
# harness, made by bench/peers-all.sh; default /tmp/peers-all), ROUNDS (2 open, 3 auth),
# SMALL_NONCES (450), BIG_NONCES (1870 SHA-256, 2550 MD5), OPEN_SECONDS (15), AUTH_SECONDS (5),
# ALG (SHA-256 or MD5); AUTHHOST_PORT, JETTY_PORT / JETTY_SHA_PORT as peers.env reads them.
#   ALG=MD5 bench/wrk-file-tail.sh                                    # the MD5 pair's p99
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=${AUTHHOST_HOME:-$(cd "$here/.." && pwd)}
copy=${PEERS_COPY:-/tmp/peers-all}
rounds=${ROUNDS:-}
small=${SMALL_NONCES:-450}
open_s=${OPEN_SECONDS:-15}
auth_s=${AUTH_SECONDS:-5}
alg=${ALG:-SHA-256}
# The harness's own sizes: SHA-256's at 17:54 on 12-05, MD5's at 02:20 on 12-06 (2.55 M headers).
big=${BIG_NONCES:-$([ "$alg" = MD5 ] && echo 2550 || echo 1870)}

die() { echo "wrk-file-tail: $*" >&2; exit 2; }
[ -d "$home/host/target/authhost/lib" ] || die "no distribution: ./mvnw -B -q -DskipTests package first"
[ -x "$copy/bench-peers.sh" ] && [ -s "$copy/jetty-digest/target/jetty-digest-peer.jar" ] ||
  die "no set-up harness copy at $copy: run bench/peers-all.sh once (or set PEERS_COPY)"
cd "$copy" && . ./peers.env
# The pair as bench-peers.sh runs it: the AuthHost algorithms of peers-all.sh's run, Jetty's flag.
case $alg in
  SHA-256) ah_algs=SHA-256,MD5 jetty_port=$JETTY_SHA_PORT jetty_alg=() jetty_name=jetty-sha256 ;;
  MD5) ah_algs=MD5,SHA-256 jetty_port=$JETTY_PORT jetty_alg=(--algorithm MD5) jetty_name=jetty-md5 ;;
  *) die "ALG must be SHA-256 or MD5, not '$alg'" ;;
esac
cp "$here/peers-target.sh" "$copy/start-authhost.sh"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

AUTHHOST_HOME=$home AUTHHOST_DIGEST_ALGS=$ah_algs ./start-authhost.sh >"$work/authhost.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
java $JETTY_JAVA_OPTS -jar jetty-digest/target/jetty-digest-peer.jar --host 127.0.0.1 --port "$jetty_port" \
  --root run/www --realm "$BENCH_REALM" --user "$BENCH_USER" --password "$BENCH_PASS" \
  --selectors "$JETTY_SELECTORS" "${jetty_alg[@]+"${jetty_alg[@]}"}" >"$work/jetty.log" 2>&1 &
pids+=($!)
ah=http://127.0.0.1:${AUTHHOST_PORT:-18090}
jt=http://127.0.0.1:$jetty_port
up() {
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.1
  done
  die "$1 did not answer 200"
}
up "$ah/open/$BENCH_FILE"
up "$jt/open/$BENCH_FILE"

headers() {  # url nonces out
  python3 digest-headers.py "$1" --nonces "$2" --per-nonce 1000 --threads 2 --algorithm "$alg" \
    --out "$3" 2>>"$work/headers.log" || die "digest-headers.py failed (see $work/headers.log)"
}
wrk_line() {  # mode file seconds url: wrk's figures, and its own CPU per request (user + system)
  local out
  out=$({
    TIMEFORMAT='WRKCPU %U %S'
    time BENCH_MODE=$1 BENCH_DATA=$2 wrk -t2 -c64 -d"$3"s --latency -s wrk-auth.lua "$4"
  } 2>&1)
  sed -n 's/^RESULT //p' <<<"$out" | tr ' ' '\n' |
    grep -E '^(rps|p50_us|p99_us|max_us|non2xx3xx|headers_wrapped)=' | tr '\n' ' '
  # The file's cost to wrk shows here too: its Lua keeps every header (docs/benchmarks.md, perf6).
  awk '/^WRKCPU/ { cpu = $2 + $3 }
       /^RESULT / { for (i = 2; i <= NF; i++) if ($i ~ /^requests=/) { split($i, kv, "="); n = kv[2] } }
       END { if (n > 0) printf "wrk_cpu_us_per_req=%.2f", cpu * 1e6 / n }' <<<"$out"
}
pad=$(ls -1t results/*/data/authhost-digest.pad 2>/dev/null | head -1)
# No harness run in this copy yet: a pad file as the harness makes it (2 nonces x 1000 headers; a
# line that is not one, as before, made wrk's script refuse the file and the pad runs print nothing).
[ -n "$pad" ] || { headers "$ah/digest/$BENCH_FILE" 2 "$work/pad"; pad=$work/pad; }
pad_lines=$(grep -c '' "$pad")

echo "# wrk-file-tail $(date -u +%Y%m%dT%H%M%SZ), $alg (authhost against $jetty_name), load $(cut -d' ' -f1-3 /proc/loadavg), pad file $pad ($pad_lines lines)"
headers "$ah/digest/$BENCH_FILE" "$big" "$work/big.auth"
echo "big file: $(stat -c %s "$work/big.auth") bytes, $big x 1000 headers"
wrk_line open "$pad" 10 "$ah/open/$BENCH_FILE" >/dev/null   # warm-up
wrk_line open "$pad" 10 "$jt/open/$BENCH_FILE" >/dev/null
echo "## open path, only wrk's file changing (${open_s} s runs)"
for r in $(seq "${rounds:-2}"); do
  for f in "$pad" "$work/big.auth"; do
    for u in "$ah" "$jt"; do
      echo "round $r $( [ "$u" = "$ah" ] && echo authhost || echo "$jetty_name" ) $(basename "$f"): $(wrk_line open "$f" "$open_s" "$u/open/$BENCH_FILE")"
    done
  done
done
echo "## $alg Digest, fresh headers each run, small ($small x 1000) against big ($big x 1000) file (${auth_s} s runs)"
headers "$ah/digest/$BENCH_FILE" 400 "$work/w.auth"; wrk_line auth "$work/w.auth" 8 "$ah/digest/$BENCH_FILE" >/dev/null
headers "$jt/digest/$BENCH_FILE" 400 "$work/w.auth"; wrk_line auth "$work/w.auth" 8 "$jt/digest/$BENCH_FILE" >/dev/null
for r in $(seq "${rounds:-3}"); do
  for n in "$small" "$big"; do
    for u in "$ah" "$jt"; do
      headers "$u/digest/$BENCH_FILE" "$n" "$work/a.auth"
      echo "round $r $( [ "$u" = "$ah" ] && echo authhost || echo "$jetty_name" ) nonces=$n: $(wrk_line auth "$work/a.auth" "$auth_s" "$u/digest/$BENCH_FILE")"
    done
  done
done
