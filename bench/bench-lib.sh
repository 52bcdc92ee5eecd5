# Shared by bench/hanging-plugin.sh and bench/flood.sh (sourced, not executed): the checkout, the
# peer harness, starting and stopping one AuthHost by pid, bounded waits, wrk result lines.
# shellcheck shell=bash

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${AUTHHOST_HOME:-$(cd "$bench_dir/.." && pwd)}
dist="$home/host/target/authhost"
# The peer harness (read only here: its header maker and wrk script, its user and realm).
peers=${PEERS_DIR:-$home/../shared/bench/peers}
if [[ -f $peers/peers.env ]]; then
  # shellcheck source=/dev/null
  . "$peers/peers.env"
fi
: "${BENCH_HOST:=127.0.0.1}" "${BENCH_USER:=bench}" "${BENCH_PASS:=bench-pass}" "${BENCH_REALM:=bench}"

# fd 3: the terminal, also while fd 1/2 go to a log
exec 3>&2
log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&3; }
die() { printf '[%s] ERROR: %s\n' "${BENCH_NAME:-bench}" "$*" >&3; exit 1; }
# A command as it runs, echoed into the output so that a run can be repeated by hand.
show() { printf '[%s %s] $ %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&3; }

need_tools() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || die "$c is missing"; done
}

need_dist() {
  [[ -f $dist/lib/authhost-host.jar ]] \
    || die "no distribution at $dist: build it first (cd $home && ./mvnw -B -q -DskipTests package)"
}

port_free() {  # port
  [[ -z $(ss -Hltn "sport = :$1") ]] || die "port $1 is in use: $(ss -Hltnp "sport = :$1" | head -1)"
}

# The project's launcher on the built distribution (never a build under load). Client commands
# get no server JVM flags.
authhost_cli() {
  AUTHHOST_NO_BUILD=1 AUTHHOST_JAVA_OPTS= "$home/authhost" "$@"
}

HOST_PID=""
# start_host CONFIG_DIR LOG JAVA_OPTS: the launcher execs java, so $! is the server's pid.
start_host() {
  local cfg=$1 out=$2 opts=$3
  show "AUTHHOST_NO_BUILD=1 AUTHHOST_JAVA_OPTS='$opts' $home/authhost run --config $cfg >$out 2>&1 &"
  AUTHHOST_NO_BUILD=1 AUTHHOST_JAVA_OPTS=$opts "$home/authhost" run --config "$cfg" >"$out" 2>&1 3>&- &
  HOST_PID=$!
  log "host started, pid $HOST_PID (log: $out)"
}

stop_host() {
  local i
  [[ -n $HOST_PID ]] || return 0
  if kill -0 "$HOST_PID" 2>/dev/null; then
    kill -TERM "$HOST_PID" 2>/dev/null || true
    for i in $(seq 300); do kill -0 "$HOST_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$HOST_PID" 2>/dev/null; then
      log "host (pid $HOST_PID) still running 30 s after SIGTERM: SIGKILL"
      kill -KILL "$HOST_PID" 2>/dev/null || true
    fi
  fi
  wait "$HOST_PID" 2>/dev/null || true
  log "host stopped (pid $HOST_PID)"
  HOST_PID=""
}

# wait_status URL CODE SECONDS: until URL answers CODE, the host dies, or the time is up.
wait_status() {
  local url=$1 want=$2 secs=$3 code
  for _ in $(seq $((secs * 10))); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ $code == "$want" ]] && return 0
    if [[ -n $HOST_PID ]] && ! kill -0 "$HOST_PID" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# kv KEY LINE: the value of KEY=value in a RESULT line.
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2" | head -1; }

# The distribution's built-in plug-in JAR of an id.
builtin_jar() {
  local jar="$dist/plugins/authhost-plugin-$1.jar"
  [[ -f $jar ]] || die "no built-in plug-in $1 at $jar"
  echo "$jar"
}
