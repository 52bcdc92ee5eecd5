#!/usr/bin/env bash
# ab-request-cpu.sh — A/B of the server's CPU per request, open and Digest MD5, on a busy machine:
# several built AuthHost checkouts side by side, each started by bench/peers-target.sh from a private
# copy of the peer harness on its own port, measured in turn in every round (wrk -t2 -c64, the
# harness's wrk-auth.lua and pad file, fresh Digest headers per run from digest-headers.py), server
# CPU from /proc/PID/stat (utime + stime) over each run / its requests. Alternating in the same
# minutes is what makes two builds comparable when the machine's load moves (docs/benchmarks.md, perf8).
# Each line also gives wrk's own CPU per request (/usr/bin/time), the server's involuntary context
# switches per request (all its threads) and wrk's p99; each round ends with every build's Digest/open
# rate ratio (perf10).
#
#   SERVERS="a:/tmp/ab-main:18741: b:$PWD:18742: c:$PWD:18743:-Dio.netty.leakDetection.level=disabled" \
#     ROUNDS=4 SECS=5 NONCES=500 bench/ab-request-cpu.sh
#
# SERVERS: name:checkout:port:extra JVM flags, space-separated; a name of letters, digits and _ (it
# names a shell variable) (build each: ./mvnw -B -q -DskipTests
# package). NONCES x 1000 headers per Digest run must exceed its rate x SECS (a wrapped run is marked).
# PROFILE=auth|open: first a JFR of each server (1 ms execution samples) under that load, into WORK.
# Settings: WORK (/tmp/ab-request-cpu), PEERS_SRC (../shared/bench/peers), PEERS_COPY (/tmp/peers-all,
# for its 1 KiB file if set up).
set -u
here=$(cd "$(dirname "$0")" && pwd)
P=${WORK:-/tmp/ab-request-cpu}
src=${PEERS_SRC:-$here/../../shared/bench/peers}
mkdir -p "$P"
ROUNDS=${ROUNDS:-3}; SECS=${SECS:-8}; NONCES=${NONCES:-400}
read -r -a SPECS <<<"${SERVERS:?set SERVERS, e.g. a:/path/to/main:18741: b:$PWD:18742:}"
pids=()
pidof_port() { ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
# The JVM is not the pid started here (the launcher's shell is): each server is stopped by its port.
cleanup() {
  for spec in "${SPECS[@]}"; do
    IFS=: read -r _ _ port _ <<<"$spec"
    p=$(pidof_port "$port"); [ -z "$p" ] || kill "$p" 2>/dev/null
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
}
for spec in "${SPECS[@]}"; do
  IFS=: read -r _ _ port _ <<<"$spec"
  # A server left on the port would be measured in place of the build named here.
  [ -z "$(pidof_port "$port")" ] || { echo "ab-request-cpu: port $port is in use" >&2; exit 2; }
done
trap cleanup EXIT
for spec in "${SPECS[@]}"; do
  IFS=: read -r name home port opts <<<"$spec"
  d=$P/$name; rm -rf "$d"; mkdir -p "$d"
  (cd "$src" && tar --exclude=./results -cf - .) | (cd "$d" && tar -xf -)
  cp "$here/peers-target.sh" "$d/start-authhost.sh"
  mkdir -p "$d/run/www/open"
  f=${PEERS_COPY:-/tmp/peers-all}/run/www/open/1k.txt
  if [ -s "$f" ]; then cp "$f" "$d/run/www/open/"; else head -c 1024 /dev/zero | tr '\0' x >"$d/run/www/open/1k.txt"; fi
  (cd "$d" && AUTHHOST_HOME=$home AUTHHOST_PORT=$port AUTHHOST_JAVA_OPTS="-Xms1g -Xmx1g $opts" \
    ./start-authhost.sh >"$d/server.log" 2>&1) &
  pids+=($!)
done
for spec in "${SPECS[@]}"; do
  IFS=: read -r name home port opts <<<"$spec"
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/open/1k.txt")" = 200 ] && break
    sleep 0.2
  done
done
# The server's involuntary context switches (pre-emptions), all its threads: /proc/PID/task/*/status.
preempted() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^nonvoluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'; }
run() {  # name port mode file; prints one line, and keeps its rps for the round's ratio in RPS_<name>_<mode>
  local name=$1 port=$2 mode=$3 file=$4 pid t0 t1 c0 c1 out path
  path=$([ "$mode" = open ] && echo open || echo digest)
  pid=$(pidof_port "$port")
  t0=$(awk '{print $14+$15}' /proc/"$pid"/stat); c0=$(preempted "$pid")
  # wrk's own CPU (user + system seconds) from /usr/bin/time, on its last line of output.
  out=$(cd "$P/$name" && BENCH_MODE=$mode BENCH_DATA=$file /usr/bin/time -f 'WRKCPU %U %S' \
    wrk -t2 -c64 -d"${SECS}"s -s wrk-auth.lua "http://127.0.0.1:$port/$path/1k.txt" 2>&1)
  t1=$(awk '{print $14+$15}' /proc/"$pid"/stat); c1=$(preempted "$pid")
  local res; res=$(sed -n 's/^RESULT //p' <<<"$out")
  local req; req=$(tr ' ' '\n' <<<"$res" | sed -n 's/^requests=//p')
  local rps; rps=$(tr ' ' '\n' <<<"$res" | sed -n 's/^rps=//p')
  local p99; p99=$(tr ' ' '\n' <<<"$res" | sed -n 's/^p99_us=//p')
  local wrk; wrk=$(sed -n 's/^WRKCPU //p' <<<"$out" | awk -v n="$req" '{ printf "%.2f", ($1 + $2) * 1e6 / n }')
  local bad; bad=$(tr ' ' '\n' <<<"$res" | grep -E '^(non2xx3xx|headers_wrapped|connect|read|write|timeout)=' | tr '\n' ' ')
  printf -v "RPS_${name}_${mode}" '%s' "$rps"
  printf '%s %s %-6s load=%s rps=%s us_per_req=%s wrk_us_per_req=%s preempt_per_req=%s p99_us=%s %s\n' \
    "$(date -u +%T)" "$name" "$mode" "$(cut -d' ' -f1 /proc/loadavg)" "$rps" \
    "$(echo "scale=2; ($t1-$t0)*10000/$req" | bc)" "$wrk" "$(echo "scale=3; ($c1-$c0)/$req" | bc)" "$p99" "$bad"
}
headers() {  # name port nonces out
  (cd "$P/$1" && python3 digest-headers.py "http://127.0.0.1:$2/digest/1k.txt" --nonces "$3" \
    --per-nonce 1000 --threads 2 --verify 0 --out "$4" >/dev/null 2>&1)
}
for spec in "${SPECS[@]}"; do
  IFS=: read -r name home port opts <<<"$spec"
  headers "$name" "$port" 2 "$P/$name/pad.dat"
done
echo "# warm-up $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "${SPECS[@]}"; do
  IFS=: read -r name home port opts <<<"$spec"
  run "$name" "$port" open "$P/$name/pad.dat" >/dev/null
  run "$name" "$port" open "$P/$name/pad.dat" >/dev/null
  headers "$name" "$port" "$NONCES" "$P/$name/auth.dat"; run "$name" "$port" auth "$P/$name/auth.dat" >/dev/null
done
if [ -n "${PROFILE:-}" ]; then  # PROFILE=auth|open: a JFR of each server under that load, SECS long
  # The JDK's profile settings with execution samples every 1 ms (10-20 ms gives a few hundred).
  jfc="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc"
  awk '/<event name="jdk.ExecutionSample">/ { s = 1 } s && /name="period"/ { sub(/>[^<]*</, ">1 ms<"); s = 0 } 1' \
    "$jfc" >"$P/fast.jfc"
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name home port opts <<<"$spec"
    pid=$(pidof_port "$port")
    f=$P/$name/pad.dat
    [ "$PROFILE" = auth ] && { headers "$name" "$port" "$NONCES" "$P/$name/auth.dat"; f=$P/$name/auth.dat; }
    jcmd "$pid" JFR.start name=p settings="$P/fast.jfc" filename="$P/$name-$PROFILE.jfr" >/dev/null
    run "$name" "$port" "$PROFILE" "$f"
    jcmd "$pid" JFR.stop name=p >/dev/null
  done
fi
for r in $(seq "$ROUNDS"); do
  echo "# round $r"
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name home port opts <<<"$spec"
    run "$name" "$port" open "$P/$name/pad.dat"
  done
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name home port opts <<<"$spec"
    headers "$name" "$port" "$NONCES" "$P/$name/auth.dat"
    run "$name" "$port" auth "$P/$name/auth.dat"
  done
  # What issue 10 judges: the Digest rate over the open rate (each run alone on the machine's two
  # cores with wrk, so its rate is what wrk's CPU and the server's CPU per request allow together).
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name _ _ _ <<<"$spec"
    o="RPS_${name}_open"; a="RPS_${name}_auth"
    printf '%s %s ratio digest/open=%s\n' "$(date -u +%T)" "$name" "$(echo "scale=3; ${!a}/${!o}" | bc)"
  done
done
