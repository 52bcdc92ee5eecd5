#!/usr/bin/env bash
# hanging-plugin.sh — issue 11, containment: does a plug-in that never answers slow down the other
# publishing points? One AuthHost with /open/ (Anonymous), /digest/ (Digest) and /hang/ (a plug-in
# whose authenticate blocks until the host's time limit), measured with the peer harness's load
# tool (wrk -t2 -c64, its never-replayed Digest headers and wrk-auth.lua):
#   (a) baseline: /open/ then /digest/, nothing on /hang/;
#   (b) the same while hang-keeper.py keeps HANG_CONNS requests on /hang/ outstanding, more than
#       its bulkhead holds (HANG_WORKERS threads stuck + HANG_QUEUE waiting; the rest 503).
# Goals (issue 11, item 1), for /open/ and /digest/ in (b): rate >= 0.9 x (a), p99 < 50 ms,
# 0 non-2xx (and no socket errors). Prints a table and PASS/FAIL per goal; exit 1 on any FAIL.
#
#   bench/hanging-plugin.sh                 # D=15 s per run: about 2 minutes
#   D=2 WARMUP=1 bench/hanging-plugin.sh    # a smoke test (numbers mean nothing)
#
# Settings (environment): D=15 seconds per wrk run; WARMUP=5 seconds per point before (a);
# THREADS=2 CONNS=64 (wrk); HANG_CONNS=32 HANG_WORKERS=2 HANG_QUEUE=16 (the hanging point's
# load and bulkhead); HANG_NO_WAIT=1 (refused /hang/ requests are asked again at once, not after
# Retry-After: a hostile client's tight loop of 503s); HANG_LIMIT_MS (plugins.callTimeoutMillis; default 2*D+60 s, so that the
# first call into the hanging plug-in reaches its limit only after (b): at the limit the host
# takes the plug-in out of service, and /hang/ would then be refused at once instead of hanging);
# PORT=18190; AUTHHOST_JAVA_OPTS (default the peers' -Xms1g -Xmx1g); AUTHHOST_HOME (default this
# checkout; build first: ./mvnw -B -q -DskipTests package); PEERS_DIR (the harness, default
# ../shared/bench/peers); OUT (results folder, default bench/results/hanging-<UTC time>).
set -euo pipefail
BENCH_NAME=hanging
. "$(cd "$(dirname "$0")" && pwd)/bench-lib.sh"

D=${D:-15}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
HANG_CONNS=${HANG_CONNS:-32}; HANG_WORKERS=${HANG_WORKERS:-2}; HANG_QUEUE=${HANG_QUEUE:-16}
HANG_LIMIT_MS=${HANG_LIMIT_MS:-$(( (2 * D + 60) * 1000 > 600000 ? 600000 : (2 * D + 60) * 1000 ))}
PORT=${PORT:-18190}
JAVA_OPTS=${AUTHHOST_JAVA_OPTS:-${JETTY_JAVA_OPTS:--Xms1g -Xmx1g}}
OUT=${OUT:-$bench_dir/results/hanging-$(date -u +%Y%m%dT%H%M%SZ)}
PER_NONCE=1000; HEADROOM=1.5

need_tools wrk curl python3 javac jar ss awk
need_dist
[[ -f $peers/digest-headers.py && -f $peers/wrk-auth.lua ]] || die "no peer harness at $peers (set PEERS_DIR)"
api_jar=$(ls "$home"/api/target/authhost-api-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1 || true)
[[ -n $api_jar ]] || die "no API jar in $home/api/target: build the checkout first"
((HANG_CONNS > HANG_WORKERS + HANG_QUEUE)) \
  || die "HANG_CONNS ($HANG_CONNS) must exceed HANG_WORKERS + HANG_QUEUE ($((HANG_WORKERS + HANG_QUEUE))) to fill the bulkhead"
port_free "$PORT"

w="$OUT/work"
mkdir -p "$w/config" "$w/plugins" "$w/www/open" "$w/www/digest" "$w/www/hang" "$OUT/logs" "$OUT/data"
base="http://$BENCH_HOST:$PORT"

KEEPER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $KEEPER_PID ]] && kill -0 "$KEEPER_PID" 2>/dev/null; then kill -TERM "$KEEPER_PID" 2>/dev/null || true; fi
  stop_host
  rm -f "$OUT"/data/*.auth
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the hanging plug-in, a real JAR
log "building the hanging plug-in against $api_jar"
src="$bench_dir/hanging-plugin"
rm -rf "$w/hang-classes"; mkdir -p "$w/hang-classes"
show "javac --release 17 -cp $api_jar -d $w/hang-classes $src/src/org/authhost/bench/hang/*.java"
javac --release 17 -cp "$api_jar" -d "$w/hang-classes" "$src"/src/org/authhost/bench/hang/*.java
cp -r "$src/resources/META-INF" "$w/hang-classes/"
show "jar cf $w/plugins/bench-hanging-plugin.jar -C $w/hang-classes ."
jar cf "$w/plugins/bench-hanging-plugin.jar" -C "$w/hang-classes" .
cp "$(builtin_jar anonymous)" "$(builtin_jar digest)" "$w/plugins/"

# ---------------------------------------------------------------- configuration
head -c 1024 /dev/zero | tr '\0' 'a' >"$w/www/open/1k.txt"
cp "$w/www/open/1k.txt" "$w/www/digest/"; cp "$w/www/open/1k.txt" "$w/www/hang/"
cat >"$w/config/host.json" <<JSON
{
  "serverName": "benchhost",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "../plugins",
    "callTimeoutMillis": $HANG_LIMIT_MS,
    "order": ["anonymous", "digest", "hang"],
    "settings": {
      "anonymous": { "enabled": true, "properties": { "account": "Guest" } },
      "digest": { "enabled": true, "properties": { "realm": "$BENCH_REALM", "algorithms": "MD5,SHA-256", "qop": "auth" } },
      "hang": { "enabled": true, "workers": $HANG_WORKERS, "queue": $HANG_QUEUE }
    }
  },
  "http": { "bindAddress": "$BENCH_HOST", "port": $PORT },
  "accounts": { "digestRealms": ["$BENCH_REALM"] },
  "publishingPoints": [
    { "name": "open", "prefix": "/open/", "directory": "../www/open", "plugins": ["anonymous"] },
    { "name": "digest", "prefix": "/digest/", "directory": "../www/digest", "plugins": ["digest"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] },
    { "name": "hang", "prefix": "/hang/", "directory": "../www/hang", "plugins": ["hang"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
  ]
}
JSON
log "configuration: $w/config/host.json (plugins.callTimeoutMillis=$HANG_LIMIT_MS, hang bulkhead $HANG_WORKERS threads + $HANG_QUEUE queued)"
authhost_cli accounts add "$BENCH_USER" --password-stdin --config "$w/config" >"$OUT/logs/accounts.log" 2>&1 <<<"$BENCH_PASS" \
  || die "accounts add failed: $(cat "$OUT/logs/accounts.log")"

start_host "$w/config" "$OUT/logs/host.log" "$JAVA_OPTS"
wait_status "$base/open/1k.txt" 200 60 || die "/open/ did not answer 200 (see $OUT/logs/host.log)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/digest/1k.txt" || true)
[[ $code == 401 ]] || die "/digest/ without credentials answered $code, not 401"
authhost_cli plugins --config "$w/config" >"$OUT/logs/plugins-start.txt" 2>&1 || true
grep -q '^ *hang\b\|hang ' "$OUT/logs/plugins-start.txt" || log "WARNING: the hang plug-in is not listed by 'authhost plugins' (see $OUT/logs/plugins-start.txt)"

# ---------------------------------------------------------------- measurement helpers
# The open run sends a header of the same shape as the Digest one (as X-Pad), as the harness does.
pad="$OUT/data/pad.dat"
python3 "$peers/digest-headers.py" "$base/digest/1k.txt" --nonces "$THREADS" --per-nonce "$PER_NONCE" \
  --threads "$THREADS" --verify 0 --out "$pad" 2>>"$OUT/logs/digest-headers.log" || die "pad file failed"

declare -A RPS P99 NON2XX SOCK
# run_wrk LABEL MODE DATA URL SECONDS
run_wrk() {
  local label=$1 mode=$2 data=$3 url=$4 secs=$5 lg="$OUT/logs/$1.log" line
  show "BENCH_MODE=$mode BENCH_DATA=$data wrk -t$THREADS -c$CONNS -d${secs}s --latency -s $peers/wrk-auth.lua $url"
  BENCH_MODE=$mode BENCH_DATA=$data wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency -s "$peers/wrk-auth.lua" "$url" \
    >"$lg" 2>&1 || true
  line=$(grep '^RESULT ' "$lg" || true)
  [[ -n $line ]] || die "wrk gave no RESULT line (see $lg)"
  RPS[$label]=$(kv rps "$line"); P99[$label]=$(kv p99_us "$line"); NON2XX[$label]=$(kv non2xx3xx "$line")
  SOCK[$label]=$(( $(kv connect "$line") + $(kv read "$line") + $(kv write "$line") + $(kv timeout "$line") ))
  if [[ $(kv headers_wrapped "$line") != 0 ]]; then
    NON2XX[$label]="${NON2XX[$label]}+replayed-headers"
  fi
  log "$(printf '%-10s %10s req/s  p99 %7s us  non-2xx %s  socket errors %s' "$label" "${RPS[$label]}" "${P99[$label]}" "${NON2XX[$label]}" "${SOCK[$label]}")"
}
# headers RPS SECONDS OUT: never-replayed Digest headers for RPS x HEADROOM x SECONDS requests
headers() {
  local rps=${1%.*} secs=$2 out=$3 need nonces
  # Never fewer than for 40,000 req/s: a run that runs out of headers would replay them, and
  # replays are refused and count as failed logons (lockout of the load tool's address).
  ((rps >= 40000)) || rps=40000
  need=$(awk -v r="$rps" -v h="$HEADROOM" -v s="$secs" 'BEGIN{printf "%d", r * h * s + 1}')
  nonces=$(( (need + PER_NONCE - 1) / PER_NONCE )); nonces=$(( nonces < 2 * THREADS ? 2 * THREADS : nonces ))
  show "python3 $peers/digest-headers.py $base/digest/1k.txt --nonces $nonces --per-nonce $PER_NONCE --threads $THREADS --verify 3 --out $out"
  python3 "$peers/digest-headers.py" "$base/digest/1k.txt" --nonces "$nonces" --per-nonce "$PER_NONCE" \
    --threads "$THREADS" --verify 3 --out "$out" 2>>"$OUT/logs/digest-headers.log" \
    || die "Digest header preparation or its curl check failed (see $OUT/logs/digest-headers.log)"
}
# pair PHASE: /open/ then /digest/
pair() {
  local phase=$1 secs=$2
  run_wrk "$phase-open" open "$pad" "$base/open/1k.txt" "$secs"
  headers "${RPS[$phase-open]}" "$secs" "$OUT/data/$phase.auth"
  run_wrk "$phase-digest" auth "$OUT/data/$phase.auth" "$base/digest/1k.txt" "$secs"
  rm -f "$OUT/data/$phase.auth"
}

# ---------------------------------------------------------------- (a) baseline
if ((WARMUP > 0)); then
  log "warm-up: ${WARMUP}s per point (not reported)"
  pair warmup "$WARMUP"
fi
log "(a) baseline: nothing on /hang/"
pair a "$D"

# ---------------------------------------------------------------- (b) with the hanging plug-in busy
keeper_secs=$(( 2 * D + 45 ))
log "(b) keeping /hang/ busy: $HANG_CONNS requests outstanding (bulkhead: $HANG_WORKERS threads + $HANG_QUEUE queued)"
show "python3 $bench_dir/hang-keeper.py $base/hang/1k.txt --connections $HANG_CONNS --seconds $keeper_secs --status $OUT/logs/keeper.status${HANG_NO_WAIT:+ --no-wait} &"
keeper_args=(--connections "$HANG_CONNS" --seconds "$keeper_secs" --status "$OUT/logs/keeper.status")
if [[ -n ${HANG_NO_WAIT:-} ]]; then keeper_args+=(--no-wait); fi
python3 "$bench_dir/hang-keeper.py" "$base/hang/1k.txt" "${keeper_args[@]}" >"$OUT/logs/keeper.log" 2>&1 3>&- &
KEEPER_PID=$!
# Bounded: until the refused requests (503) show the bulkhead full and the rest hang.
full=""
for _ in $(seq 150); do
  st=$(cat "$OUT/logs/keeper.status" 2>/dev/null || true)
  inflight=$(kv in_flight "$st"); codes=$(kv codes "$st")
  if [[ ${codes:-} == *503:* && ${inflight:-0} -ge $((HANG_WORKERS + HANG_QUEUE)) ]]; then full=1; break; fi
  sleep 0.1
done
log "hang keeper: ${st:-no status}"
[[ -n $full ]] || log "WARNING: the hanging point's bulkhead did not show full within 15 s (see above); measuring anyway"
pair b "$D"
keeper_end=$(cat "$OUT/logs/keeper.status" 2>/dev/null || echo "no status")
authhost_cli plugins --config "$w/config" >"$OUT/logs/plugins-after-b.txt" 2>&1 || true
hang_status=$(grep -i 'hang' "$OUT/logs/plugins-after-b.txt" | head -1 | tr -s ' ' || true)
kill -TERM "$KEEPER_PID" 2>/dev/null || true; wait "$KEEPER_PID" 2>/dev/null || true; KEEPER_PID=""

# ---------------------------------------------------------------- table
fails=0
pf() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
rows=()
for p in open digest; do
  a=${RPS[a-$p]}; b=${RPS[b-$p]}; n=${NON2XX[b-$p]}
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", (a > 0) ? b / a : 0}')
  r_ok=$(awk -v r="$ratio" 'BEGIN{print (r >= 0.9) ? 1 : 0}')
  p_ok=$(( ${P99[b-$p]} < 50000 ? 1 : 0 ))
  n_ok=0
  if [[ $n == 0 && ${SOCK[b-$p]} == 0 ]]; then n_ok=1; fi
  fails=$(( fails + 3 - r_ok - p_ok - n_ok ))
  rows+=("$(printf '| /%s/ | %s | %s | %s %s | %s ms | %s ms %s | %s %s | %s |' "$p" "$a" "$b" "$ratio" "$(pf "$r_ok")" \
    "$(awk -v u="${P99[a-$p]}" 'BEGIN{printf "%.1f", u / 1000}')" "$(awk -v u="${P99[b-$p]}" 'BEGIN{printf "%.1f", u / 1000}')" \
    "$(pf "$p_ok")" "$n" "$(pf "$n_ok")" "${SOCK[b-$p]}")")
done
{
  echo
  echo "## Containment: a hanging plug-in (bench/hanging-plugin.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "wrk -t$THREADS -c$CONNS -d${D}s per run; /hang/: $HANG_CONNS requests outstanding, bulkhead $HANG_WORKERS threads + $HANG_QUEUE queued,"
  echo "plugins.callTimeoutMillis=$HANG_LIMIT_MS; JVM: $JAVA_OPTS; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| point | (a) req/s | (b) req/s | (b)/(a) ≥ 0.9 | (a) p99 | (b) p99 < 50 ms | (b) non-2xx = 0 | (b) socket errors |"
  echo "|---|--:|--:|--|--:|--|--|--:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "/hang/ during (b): $keeper_end"
  echo "hang plug-in after (b): ${hang_status:-not listed (see logs/plugins-after-b.txt)}"
  echo "(a) non-2xx: open ${NON2XX[a-open]}, digest ${NON2XX[a-digest]}; (a) socket errors: open ${SOCK[a-open]}, digest ${SOCK[a-digest]}"
  echo
  if ((fails)); then echo "RESULT: $fails goal(s) FAILED"; else echo "RESULT: every goal PASSED"; fi
  echo "logs and configuration: $OUT"
} >"$OUT/report.md"
cat "$OUT/report.md"
((fails == 0))
