#!/usr/bin/env bash
# hot-swap.sh — issue 16, the under-load swap: the project's LoadTool speaking Digest (one nonce
# per connection, nc 1, 2, 3...) at CONNS connections for DURATION seconds against /digest/ of one
# AuthHost, while the Digest plug-in's JAR is replaced SWAPS times (each a copy of the built-in
# Digest JAR whose descriptor carries a newer version, copied in under a dot-name and renamed into
# place, the safe install). Goal, PASS/FAIL (exit 1 on FAIL), all of:
#   failed     no failed request: every measured answer a 2xx (non2xx=0), no socket error
#              (errors=0) and no 401 "stale" to a nonce in use (stale=0: the LoadTool re-handshakes
#              on it, so it is counted apart; it means the new version did not know the old one's
#              nonces: keep the Digest nonce lifetime longer than the run)
#   swaps      the host made every swap while the load ran (its "replaced version" events): a run
#              in which no swap happened proves nothing
#   half-loaded  no request answered by a version not fully loaded. The host offers a new version
#              only once InitializePlugin and EnablePlugin have succeeded (that is when it writes
#              "replaced version"); a request that reached a version before that, or one that
#              failed to load, would be answered 401/5xx (counted above) and leave an ERROR in the
#              host's log, so the run also requires 0 ERROR lines in the host's log
# Reported: the LoadTool's line (requests/s, latency, answers by status), the swaps the host made
# (its "replaced version" events) and its plug-in table at the end (each old version DRAINING
# until its connections end or drainSeconds runs out).
#
#   bench/hot-swap.sh                              # the issue's run: 64 connections, 30 s, 3 swaps
#   CONNS=4 DURATION=6 WARMUP=1 bench/hot-swap.sh  # a smoke test of the script (a few seconds)
#
# Settings (environment): CONNS=64 DURATION=30 WARMUP=3 SWAPS=3 DRAIN=5 (plugins.drainSeconds)
# PORT=18193; AUTHHOST_HOME, OUT as in the other scripts. Needs a built distribution
# (./mvnw -B -q -DskipTests package) and the host's compiled test classes (the LoadTool); never
# builds under load.
set -euo pipefail
BENCH_NAME=hot-swap
. "$(cd "$(dirname "$0")" && pwd)/bench-lib.sh"

CONNS=${CONNS:-64}; DURATION=${DURATION:-30}; WARMUP=${WARMUP:-3}; SWAPS=${SWAPS:-3}
DRAIN=${DRAIN:-5}; PORT=${PORT:-18193}
OUT=${OUT:-$bench_dir/results/hot-swap-$(date -u +%Y%m%dT%H%M%SZ)}

need_tools java curl python3 ss awk
need_dist
port_free "$PORT"
classes="$home/host/target/test-classes/org/authhost/host/bench/LoadTool.class"
[[ -f $classes ]] || die "no LoadTool at $classes: build the host's tests first (./mvnw -B -q -DskipTests package does not; ./mvnw -B -q test-compile -pl host does)"
w="$OUT/work"
mkdir -p "$w/config" "$w/plugins" "$w/www" "$OUT/logs"
head -c 1024 /dev/zero | tr '\0' 'a' >"$w/www/1k.txt"
base="http://$BENCH_HOST:$PORT"

LOAD_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $LOAD_PID ]] && kill -0 "$LOAD_PID" 2>/dev/null; then kill -TERM "$LOAD_PID" || true; fi
  stop_host
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The LoadTool's class path: the host's test classes and the distribution's libraries (Netty is
# all it needs). Not Maven's test class path: that resolves the plug-in modules from the local
# repository, where they are only after an install, and maybe stale.
load_cp="$home/host/target/test-classes:$dist/lib/*"

digest_jar=$(builtin_jar digest)
cp "$digest_jar" "$w/plugins/digest.jar"
cat >"$w/config/host.json" <<EOF
{
  "serverName": "hot-swap",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "../plugins",
    "order": ["digest"],
    "settings": { "digest": { "properties": { "realm": "$BENCH_REALM", "algorithms": "MD5", "qop": "auth" } } },
    "watch": true,
    "rescanSeconds": 1,
    "drainSeconds": $DRAIN
  },
  "accounts": { "digestRealms": ["$BENCH_REALM"] },
  "eventLog": { "auditSummarySeconds": 60 },
  "http": { "port": $PORT },
  "publishingPoints": [
    { "name": "digest", "prefix": "/digest/", "directory": "../www", "plugins": ["digest"] }
  ]
}
EOF
show "printf '%s\n' *** | authhost accounts add $BENCH_USER --password-stdin --config $w/config"
printf '%s\n' "$BENCH_PASS" | authhost_cli accounts add "$BENCH_USER" --password-stdin \
  --config "$w/config" >"$OUT/logs/accounts.log" 2>&1 || die "accounts add failed"

start_host "$w/config" "$OUT/logs/host.log" "-Xms512m -Xmx512m"
wait_status "$base/digest/1k.txt" 401 60 || die "the host did not come up (see $OUT/logs/host.log)"

# A newer version of the Digest JAR: the same classes, the descriptor's version changed.
newer_jar() {  # N TARGET
  python3 - "$digest_jar" "$2" "$1" <<'PY'
import sys, zipfile
src, dst, n = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "META-INF/authhost-plugin.properties":
            lines = data.decode("utf-8").splitlines()
            # version=1.2.3 becomes 1.2.3.N: newer by one more part.
            lines = [l + "." + n if l.startswith("version=") else l for l in lines]
            data = ("\n".join(lines) + "\n").encode("utf-8")
        zout.writestr(item, data)
PY
}

show "java -cp ... org.authhost.host.bench.LoadTool --url $base/digest/1k.txt --concurrency $CONNS --duration ${DURATION}s --warmup ${WARMUP}s --digest $BENCH_USER:***"
java -cp "$load_cp" org.authhost.host.bench.LoadTool --url "$base/digest/1k.txt" \
  --concurrency "$CONNS" --duration "${DURATION}s" --warmup "${WARMUP}s" \
  --digest "$BENCH_USER:$BENCH_PASS" >"$OUT/logs/load.log" 2>&1 &
LOAD_PID=$!

# The swaps, spread over the measured time.
gap=$(awk -v d="$DURATION" -v s="$SWAPS" 'BEGIN { printf "%.2f", d / (s + 1) }')
sleep "$WARMUP"
for i in $(seq "$SWAPS"); do
  sleep "$gap"
  newer_jar "$i" "$w/plugins/.digest.jar.tmp"
  show "mv $w/plugins/.digest.jar.tmp $w/plugins/digest.jar   # swap $i"
  mv "$w/plugins/.digest.jar.tmp" "$w/plugins/digest.jar"
done
wait "$LOAD_PID" || die "the LoadTool failed (see $OUT/logs/load.log)"
LOAD_PID=""
result=$(grep -E 'non2xx=' "$OUT/logs/load.log" | tail -1)
[[ -n $result ]] || die "no result line from the LoadTool (see $OUT/logs/load.log)"
non2xx=$(kv non2xx "$result"); errors=$(kv errors "$result"); stale=$(kv stale "$result")
# The swaps made while the load ran; a later one is reported but is not under load.
swaps_under_load=$(grep -c 'replaced version' "$OUT/logs/host.log" || true)
# The last swap may still be on its way in (two scans to see the file hold still): bounded wait.
for _ in $(seq 150); do
  swaps=$(grep -c 'replaced version' "$OUT/logs/host.log" || true)
  (( swaps >= SWAPS )) && break
  sleep 0.1
done
AUTHHOST_NO_BUILD=1 AUTHHOST_JAVA_OPTS= "$home/authhost" plugins --config "$w/config" \
  >"$OUT/plugins.txt" 2>&1 || true

host_errors=$(grep -cE '^[0-9:.]+ ERROR ' "$OUT/logs/host.log" || true)
failed_verdict=PASS; swaps_verdict=PASS; loaded_verdict=PASS
[[ $non2xx == 0 && $errors == 0 && $stale == 0 ]] || failed_verdict=FAIL
(( swaps_under_load == SWAPS )) || swaps_verdict=FAIL
(( host_errors == 0 )) || loaded_verdict=FAIL
verdict=PASS
[[ $failed_verdict == PASS && $swaps_verdict == PASS && $loaded_verdict == PASS ]] || verdict=FAIL
{
  echo "# Hot swap under load ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "$CONNS connections, ${DURATION} s measured after ${WARMUP} s, Digest replaced $SWAPS times (the host made $swaps swap(s)), plugins.drainSeconds=$DRAIN."
  echo
  echo "| goal | result | value |"
  echo "|---|---|---|"
  echo "| failed requests (non2xx + errors + stale) = 0 | $failed_verdict | non2xx=$non2xx errors=$errors stale=$stale |"
  echo "| every swap made under load | $swaps_verdict | $swaps_under_load of $SWAPS |"
  echo "| no answer from a half-loaded version (no ERROR in the host's log) | $loaded_verdict | $host_errors ERROR line(s) |"
  echo
  echo '```'
  echo "$result"
  echo '```'
  echo
  echo '```'
  cat "$OUT/plugins.txt"
  echo '```'
} | tee "$OUT/report.md"
[[ $verdict == PASS ]]
