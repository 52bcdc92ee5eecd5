#!/usr/bin/env bash
# scale-out.sh — issue 18: what sharing Digest's state through Redis costs, and what two hosts on
# one Redis give. With the peer harness's load tool (wrk, its never-replayed Digest headers from
# digest-headers.py and its wrk-auth.lua), on /digest/ (realm bench, MD5 offered first, qop=auth):
#   mem    one host, the in-memory state store (the default);
#   redis  the same host (same folders, restarted) with state.redis on a private redis-server;
#   two    host A and host B on that Redis at once, each driven by its own wrk with headers whose
#          nonces the OTHER host issued (half the threads and connections each: the same load
#          tool budget as one host), total against "redis".
# Redis round trips: INFO commandstats before and after each Redis run, EVALSHA and EVAL calls
# (every state operation is one script; the window claims an event loop makes in one turn share
# one) divided by the requests wrk completed, and claims per script call (requests per script). Sizing: INFO memory
# (used_memory) before and after the "redis" run, divided by the nonce records it left (one per
# nonce used, up to PER_NONCE counts each), and the same for nonces used once (a small run of
# SIZING_NONCES single requests, one nonce each, the common browser case).
# Replays: after the runs, headers that got 200 (nc=5 of each wrk thread's first nonce) are sent again to
# BOTH hosts, and digest-headers.py --probe-only sends a replay to each host: none may get 200.
# Goals (PASS/FAIL, exit 1 on any FAIL): redis >= 0.7 x mem; 0 non-2xx and 0 socket errors in
# every run; 0 replays accepted; no run used a header twice (headers_wrapped = 0).
#
#   bench/scale-out.sh                        # D=15 s per run: about 4 minutes
#   D=3 WARMUP=2 bench/scale-out.sh           # a smoke test (numbers mean nothing)
#
# Settings (environment): D=15 seconds per run; WARMUP=5 seconds before each measured run (not
# reported); THREADS=2 CONNS=64 (wrk, one host; each of the two hosts gets THREADS/2 and
# CONNS/2); PER_NONCE=1000; SIZING_NONCES=2000; PORT_A=18290 PORT_B=18291 REDIS_PORT=18292;
# AUTHHOST_JAVA_OPTS (default -Xms512m -Xmx512m per host: two run at once); AUTHHOST_HOME,
# PEERS_DIR as in hanging-plugin.sh; OUT (logs and work folders, default
# bench/results/scale-out-<UTC time>); REPORT (default docs/bench-runs/scale-out-<UTC time>.md).
# Every process it starts (two hosts, redis-server, wrk) is stopped by pid at the end, also on
# Ctrl-C; every wait is bounded. Needs: a built distribution, wrk, curl, python3, redis-server and
# redis-cli (Debian: redis-server, redis-tools), ss.
set -euo pipefail
BENCH_NAME=scale-out
. "$(cd "$(dirname "$0")" && pwd)/bench-lib.sh"

D=${D:-15}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
PER_NONCE=${PER_NONCE:-1000}; SIZING_NONCES=${SIZING_NONCES:-2000}; HEADROOM=1.5
PORT_A=${PORT_A:-18290}; PORT_B=${PORT_B:-18291}; REDIS_PORT=${REDIS_PORT:-18292}
JAVA_OPTS=${AUTHHOST_JAVA_OPTS:--Xms512m -Xmx512m}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$bench_dir/results/scale-out-$stamp}
REPORT=${REPORT:-$home/docs/bench-runs/scale-out-$stamp.md}
((THREADS >= 2 && THREADS % 2 == 0)) || die "THREADS must be even (each of two hosts gets half)"

need_tools wrk curl python3 redis-server redis-cli ss awk
# The machine's load before the runs: read at the end it would count the benchmark's own load.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
need_dist
[[ -f $peers/digest-headers.py && -f $peers/wrk-auth.lua ]] || die "no peer harness at $peers (set PEERS_DIR)"
for p in "$PORT_A" "$PORT_B" "$REDIS_PORT"; do port_free "$p"; done

mkdir -p "$OUT/logs" "$OUT/data" "$OUT/redis" "$OUT/shared"
url_a="http://$BENCH_HOST:$PORT_A/digest/1k.txt"
url_b="http://$BENCH_HOST:$PORT_B/digest/1k.txt"
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

PID_A=""; PID_B=""; REDIS_PID=""; WRK_PIDS=()
stop_pid() {  # NAME PID
  HOST_PID=$2
  if [[ -n $HOST_PID ]]; then
    log "stopping $1"
    stop_host
  fi
}
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${WRK_PIDS[@]+"${WRK_PIDS[@]}"}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  stop_pid "host A" "$PID_A"; stop_pid "host B" "$PID_B"
  if [[ -n $REDIS_PID ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$REDIS_PID" 2>/dev/null || true
    log "redis-server stopped (pid $REDIS_PID)"
  fi
  rm -f "$OUT"/data/*.auth
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- Redis, as the tests start it
show "redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no --dir $OUT/redis &"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$OUT/redis" >"$OUT/logs/redis.log" 2>&1 3>&- </dev/null &
REDIS_PID=$!
for _ in $(seq 100); do [[ $(rcli PING 2>/dev/null) == PONG ]] && break; sleep 0.1; done
[[ $(rcli PING 2>/dev/null) == PONG ]] || die "redis-server did not answer PING (see $OUT/logs/redis.log)"
log "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on port $REDIS_PORT, pid $REDIS_PID"

# ---------------------------------------------------------------- two nodes' folders
# node NAME PORT STATE_JSON: its own config and data folder; the account file is shared.
node() {
  local name=$1 port=$2 state=$3 w="$OUT/$1"
  mkdir -p "$w/config" "$w/www/digest" "$w/plugins"
  cp "$(builtin_jar digest)" "$w/plugins/"
  head -c 1024 /dev/zero | tr '\0' 'a' >"$w/www/digest/1k.txt"
  cat >"$w/config/host.json" <<JSON
{
  "serverName": "bench-$name",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "../plugins",
    "settings": {
      "digest": { "enabled": true, "properties": { "realm": "$BENCH_REALM", "algorithms": "MD5,SHA-256", "qop": "auth" } }
    }
  },
  "http": { "bindAddress": "$BENCH_HOST", "port": $port },
  "accounts": { "file": "$OUT/shared/accounts.json", "digestRealms": ["$BENCH_REALM"] },$state
  "publishingPoints": [
    { "name": "digest", "prefix": "/digest/", "directory": "../www/digest", "plugins": ["digest"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
  ]
}
JSON
  echo "$w/config"
}
redis_state="
  \"state\": { \"redis\": { \"uri\": \"redis://127.0.0.1:$REDIS_PORT\", \"keyPrefix\": \"bench:\" } },"
cfg_a_mem=$(node A-mem "$PORT_A" "")
cfg_a=$(node A "$PORT_A" "$redis_state")
cfg_b=$(node B "$PORT_B" "$redis_state")
authhost_cli accounts add "$BENCH_USER" --password-stdin --config "$cfg_a" >"$OUT/logs/accounts.log" 2>&1 <<<"$BENCH_PASS" \
  || die "accounts add failed: $(cat "$OUT/logs/accounts.log")"

# start NAME CONFIG PORT: sets LAST_PID
start() {
  start_host "$2" "$OUT/logs/host-$1.log" "$JAVA_OPTS"
  LAST_PID=$HOST_PID; HOST_PID=""
  wait_status "http://$BENCH_HOST:$3/digest/1k.txt" 401 90 \
    || die "host $1 did not answer 401 on /digest/ within 90 s (see $OUT/logs/host-$1.log)"
}

# ---------------------------------------------------------------- measurement helpers
declare -A RPS P99 NON2XX SOCK REQS WRAP
# wrk_run LABEL DATA URL SECONDS THREADS CONNS [bg]: a RESULT line into logs/LABEL.log
wrk_run() {
  local label=$1 data=$2 url=$3 secs=$4 t=$5 c=$6
  show "BENCH_MODE=auth BENCH_DATA=$data wrk -t$t -c$c -d${secs}s --latency -s $peers/wrk-auth.lua $url"
  BENCH_MODE=auth BENCH_DATA=$data wrk -t"$t" -c"$c" -d"${secs}s" --latency -s "$peers/wrk-auth.lua" "$url" \
    >"$OUT/logs/$label.log" 2>&1 3>&- || true
}
collect() {  # LABEL
  local label=$1 line
  line=$(grep '^RESULT ' "$OUT/logs/$label.log" || true)
  [[ -n $line ]] || die "wrk gave no RESULT line (see $OUT/logs/$label.log)"
  RPS[$label]=$(kv rps "$line"); P99[$label]=$(kv p99_us "$line"); NON2XX[$label]=$(kv non2xx3xx "$line")
  REQS[$label]=$(kv requests "$line"); WRAP[$label]=$(kv headers_wrapped "$line")
  SOCK[$label]=$(( $(kv connect "$line") + $(kv read "$line") + $(kv write "$line") + $(kv timeout "$line") ))
  log "$(printf '%-12s %10s req/s  p99 %7s us  non-2xx %s  socket errors %s  wrapped %s' "$label" "${RPS[$label]}" \
    "${P99[$label]}" "${NON2XX[$label]}" "${SOCK[$label]}" "${WRAP[$label]}")"
}
# headers FROM_URL SECONDS THREADS OUT: never-replayed headers on nonces FROM_URL issued
headers() {
  local from=$1 secs=$2 t=$3 out=$4 need nonces
  need=$(awk -v h="$HEADROOM" -v s="$secs" 'BEGIN{printf "%d", 90000 * h * s + 1}')
  nonces=$(( (need + PER_NONCE - 1) / PER_NONCE )); nonces=$(( nonces < 2 * t ? 2 * t : nonces ))
  show "python3 $peers/digest-headers.py $from --nonces $nonces --per-nonce $PER_NONCE --threads $t --verify 3 --out $out"
  python3 "$peers/digest-headers.py" "$from" --nonces "$nonces" --per-nonce "$PER_NONCE" --threads "$t" \
    --verify 3 --out "$out" 2>>"$OUT/logs/digest-headers.log" \
    || die "Digest header preparation or its curl check failed (see $OUT/logs/digest-headers.log)"
}
# CPU time (user + system, in ms) process PID has used so far (/proc/PID/stat fields 14 and 15).
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Context switches (voluntary + involuntary) all threads of process PID have made so far: each
# hand-off between threads that finds the other asleep costs one; steadier than CPU time on a
# machine shared with other work (its load shows in time, much less in hand-offs).
ctx_switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null \
    | awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}
# CPU µs per request: MS REQUESTS
per_req() { awk -v m="$1" -v r="$2" 'BEGIN { printf "%.1f", (r > 0 ? m * 1000 / r : 0) }'; }
declare -A CPU_HOST CPU_REDIS CTX_HOST
# One host, warm-up then measured: LABEL URL
one_host() {
  local label=$1 url=$2
  if ((WARMUP > 0)); then
    headers "$url" "$WARMUP" "$THREADS" "$OUT/data/warm.auth"
    wrk_run "$label-warmup" "$OUT/data/warm.auth" "$url" "$WARMUP" "$THREADS" "$CONNS"
    rm -f "$OUT/data/warm.auth"
  fi
  headers "$url" "$D" "$THREADS" "$OUT/data/$label.auth"
  cp "$OUT/data/$label.auth" "$OUT/data/$label.used"
  local c0 x0; c0=$(cpu_ms "$PID_A"); x0=$(ctx_switches "$PID_A")
  wrk_run "$label" "$OUT/data/$label.auth" "$url" "$D" "$THREADS" "$CONNS"
  CPU_HOST[$label]=$(( $(cpu_ms "$PID_A") - c0 )); CTX_HOST[$label]=$(( $(ctx_switches "$PID_A") - x0 ))
  collect "$label"
}
# Scripts run so far (EVALSHA, or EVAL once after the server forgot one). commandstats also counts
# the commands a script runs (BITFIELD, PEXPIRE...), which are no round trips, and does not tell
# them from the same commands sent by a client: the round trips per script come from a MONITOR
# sample (monitor_sample), where a script's commands are marked "lua".
redis_calls() {
  rcli INFO commandstats | tr -d '\r' \
    | awk -F'[:=,]' '$1 == "cmdstat_evalsha" || $1 == "cmdstat_eval" { n += $3 } END { print n + 0 }'
}
# monitor_sample URL: 2 s of load (not reported) under MONITOR; sets RT_PER_SCRIPT (commands the
# hosts sent, per script they ran) and RT_SENT (those commands by name).
monitor_sample() {
  local url=$1 mon="$OUT/logs/monitor.txt" mpid
  headers "$url" 2 "$THREADS" "$OUT/data/monitor.auth"
  show "timeout 4 redis-cli -p $REDIS_PORT MONITOR >$mon & (during 2 s of wrk, not reported)"
  timeout 4 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" MONITOR >"$mon" 2>&1 3>&- &
  mpid=$!
  wrk_run monitor "$OUT/data/monitor.auth" "$url" 2 "$THREADS" "$CONNS"
  wait "$mpid" || true
  rm -f "$OUT/data/monitor.auth"
  RT_PER_SCRIPT=$(awk '/^[0-9]/ && !/ lua\]/ && $4 != "\"MONITOR\"" { n++; if ($4 ~ /^"EVAL/) e++ }
    END { printf "%.2f", (e > 0 ? n / e : 0) }' "$mon")
  RT_SENT=$(awk '/^[0-9]/ && !/ lua\]/ && $4 != "\"MONITOR\"" { c[$4]++ }
    END { for (k in c) { gsub("\"", "", k); printf "%s%s %d", (o++ ? ", " : ""), k, c["\"" k "\""] } }' "$mon")
}
# Per command, calls between two INFO commandstats snapshots: "EVALSHA 1234, ..."
redis_stats() { rcli INFO commandstats | tr -d '\r' >"$1"; }
calls_between() {
  awk -F'[:=,]' 'FNR == NR && /^cmdstat_/ { before[$1] = $3; next }
    /^cmdstat_/ && $1 != "cmdstat_info" && $3 - before[$1] > 0 { d = $3 - before[$1]; sub("cmdstat_", "", $1); out = out (out ? ", " : "") toupper($1) " " d }
    END { print out }' "$1" "$2"
}
# Calls of one command between two snapshots (0 if none): "calls_of PEXPIRE before after".
calls_of() {
  awk -F'[:=,]' -v c="cmdstat_$(tr '[:upper:]' '[:lower:]' <<<"$1")" \
    'FNR == NR && $1 == c { b = $3; next } $1 == c { a = $3 } END { print a - b + 0 }' "$2" "$3"
}
# Socket reads and writes redis-server made so far (INFO stats): scripts per read is how many
# commands the hosts put in one write (a read of redis-server gets what one write sent, or more).
redis_io() { rcli INFO stats | tr -d '\r' | awk -F: '$1 == "total_reads_processed" { r = $2 } $1 == "total_writes_processed" { w = $2 } END { print r + 0, w + 0 }'; }
redis_memory() { rcli INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }
redis_keys() { rcli --scan --pattern "bench:$1" | wc -l; }

# ---------------------------------------------------------------- mem: one host, in-memory state
log "mem: host A, in-memory state"
start A-mem "$cfg_a_mem" "$PORT_A"; PID_A=$LAST_PID
one_host mem "$url_a"
probe_mem=$(python3 "$peers/digest-headers.py" "$url_a" --probe-only 2>>"$OUT/logs/digest-headers.log" | sed -n 's/^PROBE //p')
stop_pid "host A (in-memory)" "$PID_A"; PID_A=""

# ---------------------------------------------------------------- redis: the same host on Redis
log "redis: host A, state.redis"
start A "$cfg_a" "$PORT_A"; PID_A=$LAST_PID
if ((WARMUP > 0)); then
  headers "$url_a" "$WARMUP" "$THREADS" "$OUT/data/warm.auth"
  wrk_run redis-warmup "$OUT/data/warm.auth" "$url_a" "$WARMUP" "$THREADS" "$CONNS"
  rm -f "$OUT/data/warm.auth"
fi
headers "$url_a" "$D" "$THREADS" "$OUT/data/redis.auth"
cp "$OUT/data/redis.auth" "$OUT/data/redis.used"
mem0=$(redis_memory); keys0=$(redis_keys '*nc/*'); calls0=$(redis_calls); redis_stats "$OUT/logs/redis-stats-0.txt"
read -r io_r0 io_w0 <<<"$(redis_io)"
c0=$(cpu_ms "$PID_A"); r0=$(cpu_ms "$REDIS_PID"); x0=$(ctx_switches "$PID_A")
wrk_run redis "$OUT/data/redis.auth" "$url_a" "$D" "$THREADS" "$CONNS"
CPU_HOST[redis]=$(( $(cpu_ms "$PID_A") - c0 )); CPU_REDIS[redis]=$(( $(cpu_ms "$REDIS_PID") - r0 ))
CTX_HOST[redis]=$(( $(ctx_switches "$PID_A") - x0 ))
calls1=$(redis_calls); redis_stats "$OUT/logs/redis-stats-1.txt"; mem1=$(redis_memory); keys1=$(redis_keys '*nc/*')
read -r io_r1 io_w1 <<<"$(redis_io)"
per_read=$(awk -v c=$((calls1 - calls0)) -v n=$((io_r1 - io_r0)) 'BEGIN{printf "%.2f", (n > 0 ? c / n : 0)}')
per_write=$(awk -v c=$((calls1 - calls0)) -v n=$((io_w1 - io_w0)) 'BEGIN{printf "%.2f", (n > 0 ? c / n : 0)}')
# Connections host A holds (one shared, one subscriber, one per event loop that sent commands).
clients_a=$(rcli CLIENT LIST | grep -c 'name=authhost' || true)
breakdown_redis=$(calls_between "$OUT/logs/redis-stats-0.txt" "$OUT/logs/redis-stats-1.txt")
# MEMORY USAGE of each record the run left (its own bytes; used_memory adds the keyspace's).
usage_full=$(rcli --scan --pattern 'bench:*nc/*' | awk 'NR <= 200' | while read -r k; do rcli MEMORY USAGE "$k"; done \
  | awk '{ s += $1; n++ } END { printf "%d", (n > 0 ? s / n : 0) }')
collect redis
# Window claims per script call: every request of this run makes one claim, and an event loop's claims
# of one turn share one script call (WindowBatches), so requests per script is about the batch's mean
# size (the other scripts, rare in this run, count in the denominator). (Until redis12 this was PEXPIRE
# per script, when every accepted claim set its window's expiry.)
claims_per_script=$(awk -v r="${REQS[redis]}" -v c=$((calls1 - calls0)) 'BEGIN{printf "%.2f", (c > 0 ? r / c : 0)}')
# Every command Redis ran (a script's own included), per request, i.e. per claim.
per_claim_redis=$(awk -v r="${REQS[redis]}" -v b="$breakdown_redis" 'BEGIN{
  n = split(b, parts, ", "); for (i = 1; i <= n; i++) { split(parts[i], f, " ");
  printf "%s%s %.2f", (i > 1 ? ", " : ""), f[1], (r > 0 ? f[2] / r : 0) } }')
trips_redis=$(awk -v c=$((calls1 - calls0)) -v r="${REQS[redis]}" 'BEGIN{printf "%.2f", (r > 0 ? c / r : 0)}')
nonce_keys=$((keys1 - keys0))
bytes_per_nonce=$(awk -v m=$((mem1 - mem0)) -v k="$nonce_keys" 'BEGIN{printf "%d", (k > 0 ? m / k : 0)}')
counts_per_nonce=$(awk -v r="${REQS[redis]}" -v k="$nonce_keys" 'BEGIN{printf "%d", (k > 0 ? r / k : 0)}')
monitor_sample "$url_a"
rt_redis=$(awk -v s="$trips_redis" -v r="$RT_PER_SCRIPT" 'BEGIN{printf "%.2f", s * r}')
log "redis: $trips_redis scripts and $rt_redis round trips per request ($RT_SENT in the MONITOR sample); $nonce_keys nonce records, $bytes_per_nonce bytes each (~$counts_per_nonce counts each)"

# Sizing for nonces used once: SIZING_NONCES challenges, one request each (one keep-alive client).
mem2=$(redis_memory); keys2=$(redis_keys '*nc/*')
show "python3 (inline) $SIZING_NONCES nonces, one request each, on $url_a"
python3 - "$url_a" "$SIZING_NONCES" "$BENCH_USER" "$BENCH_PASS" >"$OUT/logs/sizing.log" 2>&1 3>&- <<'PY' || die "the single-use sizing run failed (see $OUT/logs/sizing.log)"
import hashlib, http.client, re, secrets, sys, urllib.parse
url, n, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
u = urllib.parse.urlsplit(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
ok = 0
for _ in range(n):
    c.request("GET", u.path); r = c.getresponse(); r.read()
    ch = next(v for v in r.msg.get_all("WWW-Authenticate") if v.startswith("Digest") and "MD5" in v)
    p = dict((k.lower(), v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', ch[7:]))
    h = lambda s: hashlib.md5(s.encode()).hexdigest()
    cn = secrets.token_hex(8)
    ha1 = h(user + ":" + p["realm"] + ":" + pw)
    resp = h(ha1 + ":" + p["nonce"] + ":00000001:" + cn + ":auth:" + h("GET:" + u.path))
    a = (f'Digest username="{user}", realm="{p["realm"]}", nonce="{p["nonce"]}", uri="{u.path}", '
         f'algorithm=MD5, qop=auth, nc=00000001, cnonce="{cn}", response="{resp}"'
         + (f', opaque="{p["opaque"]}"' if "opaque" in p else ""))
    c.request("GET", u.path, headers={"Authorization": a}); r = c.getresponse(); r.read()
    ok += r.status == 200
print(f"sizing: {ok}/{n} single-use requests got 200")
sys.exit(0 if ok == n else 1)
PY
mem3=$(redis_memory); keys3=$(redis_keys '*nc/*')
single_keys=$((keys3 - keys2))
bytes_single=$(awk -v m=$((mem3 - mem2)) -v k="$single_keys" 'BEGIN{printf "%d", (k > 0 ? m / k : 0)}')
log "sizing: $single_keys single-use nonce records, $bytes_single bytes each"

# ---------------------------------------------------------------- two: A and B, crossed nonces
log "two: hosts A and B on one Redis, each driven with the other's nonces"
start B "$cfg_b" "$PORT_B"; PID_B=$LAST_PID
half_t=$((THREADS / 2)); half_c=$((CONNS / 2))
if ((WARMUP > 0)); then
  headers "$url_a" "$WARMUP" "$half_t" "$OUT/data/warm-b.auth"
  wrk_run two-warmup-b "$OUT/data/warm-b.auth" "$url_b" "$WARMUP" "$half_t" "$half_c"
  rm -f "$OUT/data/warm-b.auth"
fi
headers "$url_b" "$D" "$half_t" "$OUT/data/two-a.auth"   # B's nonces, sent to A
headers "$url_a" "$D" "$half_t" "$OUT/data/two-b.auth"   # A's nonces, sent to B
cp "$OUT/data/two-a.auth" "$OUT/data/two-a.used"; cp "$OUT/data/two-b.auth" "$OUT/data/two-b.used"
calls0=$(redis_calls); redis_stats "$OUT/logs/redis-stats-2.txt"
wrk_run two-a "$OUT/data/two-a.auth" "$url_a" "$D" "$half_t" "$half_c" & WRK_PIDS+=($!)
wrk_run two-b "$OUT/data/two-b.auth" "$url_b" "$D" "$half_t" "$half_c" & WRK_PIDS+=($!)
for p in "${WRK_PIDS[@]}"; do wait "$p" || true; done; WRK_PIDS=()
calls1=$(redis_calls); redis_stats "$OUT/logs/redis-stats-3.txt"
breakdown_two=$(calls_between "$OUT/logs/redis-stats-2.txt" "$OUT/logs/redis-stats-3.txt")
collect two-a; collect two-b
two_total=$(awk -v a="${RPS[two-a]}" -v b="${RPS[two-b]}" 'BEGIN{printf "%.1f", a + b}')
trips_two=$(awk -v c=$((calls1 - calls0)) -v r=$(( ${REQS[two-a]} + ${REQS[two-b]} )) 'BEGIN{printf "%.2f", (r > 0 ? c / r : 0)}')

# ---------------------------------------------------------------- replays
# nc=5 of the first nonce of every wrk thread: surely sent (each thread has at least CONNS/THREADS
# requests out from the start) and accepted (0 non-2xx), in each run. Not nc=1: wrk 4.1 builds one
# request of its first thread that it never sends, and that is its first header.
show "replaying used headers (nc=5 of each thread's first nonce) to both hosts"
replays=$(python3 - "$OUT"/data/redis.used "$OUT"/data/two-a.used "$OUT"/data/two-b.used <<'PY'
import sys
for f in sys.argv[1:]:
    seen = set()
    for line in open(f).read().splitlines()[1:]:
        tid, prefix, blob = line.split("\t")
        if tid in seen:
            continue
        seen.add(tid)
        hl = 64 if "algorithm=SHA-256" in prefix else 32
        print(f'{prefix}00000005, response="{blob[4 * hl:5 * hl]}"')
PY
)
replay_sent=0; replay_ok=0
while IFS= read -r hdr; do
  for u in "$url_a" "$url_b"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: $hdr" "$u" || true)
    replay_sent=$((replay_sent + 1)); [[ $code == 200 ]] && replay_ok=$((replay_ok + 1))
    echo "replay to $u: $code" >>"$OUT/logs/replays.log"
  done
done <<<"$replays"
probe_a=$(python3 "$peers/digest-headers.py" "$url_a" --probe-only 2>>"$OUT/logs/digest-headers.log" | sed -n 's/^PROBE //p')
probe_b=$(python3 "$peers/digest-headers.py" "$url_b" --probe-only 2>>"$OUT/logs/digest-headers.log" | sed -n 's/^PROBE //p')
for pr in "$probe_mem" "$probe_a" "$probe_b"; do
  replay_sent=$((replay_sent + 1))
  [[ $pr == *'"replay_accepted": true'* || -z $pr ]] && replay_ok=$((replay_ok + 1))
done
rm -f "$OUT"/data/*.used

# ---------------------------------------------------------------- report
pf() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
ratio=$(awk -v a="${RPS[mem]}" -v b="${RPS[redis]}" 'BEGIN{printf "%.3f", (a > 0 ? b / a : 0)}')
two_ratio=$(awk -v a="${RPS[redis]}" -v b="$two_total" 'BEGIN{printf "%.3f", (a > 0 ? b / a : 0)}')
clean=1
for l in mem redis two-a two-b; do
  if [[ ${NON2XX[$l]} != 0 || ${SOCK[$l]} != 0 || ${WRAP[$l]} != 0 ]]; then clean=0; fi
done
ms() { awk -v u="$1" 'BEGIN{printf "%.1f", u / 1000}'; }
row() { printf '| %s | %s | %s | %s ms | %s | %s | %s |\n' "$1" "$2" "${RPS[$3]}" "$(ms "${P99[$3]}")" "${NON2XX[$3]}" "${SOCK[$3]}" "${WRAP[$3]}"; }
ratio_ok=$(awk -v r="$ratio" 'BEGIN{print (r >= 0.7) ? 1 : 0}')
replay_ok_flag=$(( replay_ok == 0 ? 1 : 0 ))
fails=$(( 3 - ratio_ok - clean - replay_ok_flag ))
ratio_pf=$(pf "$ratio_ok"); clean_pf=$(pf "$clean"); replay_pf=$(pf "$replay_ok_flag")
mkdir -p "$(dirname "$REPORT")"
{
  echo "# Scale-out: Digest on one host, on Redis, and on two hosts sharing Redis (bench/scale-out.sh)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); wrk -t$THREADS -c$CONNS -d${D}s (two hosts: -t$half_t -c$half_c each, at once);"
  echo "$PER_NONCE counts per nonce; JVM per host: $JAVA_OPTS; redis-server $(redis-server --version | grep -o 'v=[^ ]*' | cut -d= -f2)"
  echo "(--save '' --appendonly no, loopback); machine: $(nproc) cores, load before the runs $load_before."
  echo "Everything (hosts, Redis, wrk, header making) shares the same cores."
  if ((D < 10)) || awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN{exit !(l > n)}'; then
    echo
    echo "**A check of the script, not a measurement**: runs shorter than 10 s, or a machine busy with other"
    echo "work (load above its cores). The rates below mean nothing; the replay and error counts still hold."
  fi
  echo
  echo "| run | state | req/s | p99 | non-2xx | socket errors | headers reused |"
  echo "|---|---|--:|--:|--:|--:|--:|"
  row mem "in memory (host A)" mem
  row redis "Redis (host A)" redis
  row "two: A" "Redis, B's nonces" two-a
  row "two: B" "Redis, A's nonces" two-b
  echo "| two: total | | $two_total | | | | |"
  echo
  echo "| goal | value | |"
  echo "|---|---|---|"
  echo "| Redis / in memory ≥ 0.7 | $ratio | $ratio_pf |"
  echo "| 0 non-2xx, 0 socket errors, no header used twice, every run | $( ((clean)) && echo yes || echo no) | $clean_pf |"
  echo "| replays accepted = 0 | $replay_ok of $replay_sent sent | $replay_pf |"
  echo
  echo "Not goals, reported:"
  echo
  cpu_mem=$(per_req "${CPU_HOST[mem]}" "${REQS[mem]}")
  cpu_redis_host=$(per_req "${CPU_HOST[redis]}" "${REQS[redis]}")
  cpu_redis_server=$(per_req "${CPU_REDIS[redis]}" "${REQS[redis]}")
  cpu_redis=$(awk -v a="$cpu_redis_host" -v b="$cpu_redis_server" 'BEGIN { printf "%.1f", a + b }')
  echo "- CPU per request (user + system from /proc, the load tool's not counted; steadier than req/s on a busy"
  echo "  machine): in memory $cpu_mem µs (host); on Redis $cpu_redis µs ($cpu_redis_host host + $cpu_redis_server redis-server);"
  echo "  in memory / on Redis: $(awk -v a="$cpu_mem" -v b="$cpu_redis" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
  per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
  echo "- host context switches per request (all threads, voluntary + involuntary; a hand-off between threads"
  echo "  that finds the other asleep is one): in memory $(per "${CTX_HOST[mem]}" "${REQS[mem]}"); on Redis $(per "${CTX_HOST[redis]}" "${REQS[redis]}")"
  echo "- two hosts on one Redis, total / one host on Redis: $two_ratio (both hosts and both load tools share the same $(nproc) cores)"
  echo "- Redis round trips per request (one host): $rt_redis = $trips_redis scripts (EVALSHA + EVAL in INFO commandstats, over the"
  echo "  requests wrk completed) × $RT_PER_SCRIPT commands sent per script (MONITOR sample of 2 s: $RT_SENT);"
  echo "  window claims per script call (requests / scripts: one event loop's claims of a turn go in one): $claims_per_script;"
  echo "  host A's connections to Redis: $clients_a (shared + subscriber + one per event loop that sent commands);"
  echo "  scripts per redis-server socket read (commands per host write, batched): $per_read; per redis-server write: $per_write;"
  echo "  two hosts: $trips_two scripts per request. All commands (INFO commandstats, those the scripts run included): one host:"
  echo "  $breakdown_redis; two hosts: $breakdown_two"
  echo "  one host, per request (one claim each): $per_claim_redis"
  echo "- Redis memory per nonce record: $bytes_per_nonce bytes (used_memory) / $usage_full bytes (MEMORY USAGE) with ~$counts_per_nonce counts used per nonce ($nonce_keys records);"
  echo "  $bytes_single bytes for a nonce used once ($single_keys records; INFO memory used_memory, before/after)"
  echo "- probes (digest-headers.py --probe-only: a replay, a wrong response, no header):"
  echo "  in memory \`$probe_mem\`; A on Redis \`$probe_a\`; B on Redis \`$probe_b\`"
  echo
  if ((fails)); then echo "RESULT: $fails goal(s) FAILED"; else echo "RESULT: every goal PASSED"; fi
  echo
  echo "Logs and configuration: \`$OUT\` (not kept in git)."
} >"$REPORT"
cat "$REPORT"
log "report: $REPORT"
((fails == 0))
