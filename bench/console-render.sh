#!/usr/bin/env bash
# The web console's speed figures (issue 17), not a test:
#   render  every pane's render time with 10,000 events and 1,000 accounts against the goal < 300 ms
#           on loopback: the server's (each API route, and per pane the routes it calls added up)
#           and the browser's (Chromium, navigation start to the pane settled, on the page's own
#           clock) (ConsoleRenderBenchmark in host/src/test/.../bench);
#   path    the peer harness's open path (wrk on /open/1k.txt) without, then with, a browser on the
#           console's Now pane (which refreshes itself every 5 s), alternately, ROUNDS times.
#
#   bench/console-render.sh [render|path|all]          (default: all)
#
# Needs: JDK 17 and the project's dependencies downloaded (the script builds the host with
# `./mvnw -o -DskipTests package`, nothing installed into ~/.m2), Debian's chromium and
# chromium-driver, and for `path` wrk, curl and a set-up peer harness (PEERS_WORK, default
# /tmp/peers: see bench/README.md; peers-setup.sh run once there; a read-only one is copied). Settings: ACCOUNTS=1000 EVENTS=10000
# SAMPLES=20 ROUNDS=3 DURATION=10 (seconds per wrk run) AUTHHOST_PORT=18090 CONSOLE_PORT=18088.
# Output: bench/results/console-render-<UTC time>/ (report.md, logs/). Every process started here
# is stopped by pid at the end, also on Ctrl-C; every wait is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-all}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$root/bench/results/console-render-$stamp"
mkdir -p "$out/logs"
report="$out/report.md"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
run() { echo "\$ $*" >&2; "$@"; }

built=""
build() {
  [ -z "$built" ] || return 0
  # package, not install: the distribution (host/target/authhost) and the test classes, in place.
  run "$root/mvnw" -q -B -o -DskipTests -f "$root/pom.xml" -pl host -am package >"$out/logs/build.log" 2>&1 \
    || { echo "build failed: $out/logs/build.log" >&2; exit 1; }
  run "$root/mvnw" -q -B -o -f "$root/host/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$root/host/target/bench.classpath" >>"$out/logs/build.log" 2>&1 \
    || { echo "classpath failed: $out/logs/build.log" >&2; exit 1; }
  cp="$root/host/target/test-classes:$root/host/target/classes:$(cat "$root/host/target/bench.classpath")"
  built=1
}

render() {
  build
  echo "## Console render times ($stamp)" >>"$report"
  (cd "$root/host" && exec java -Dauthhost.test.sources="$root/host/src/test/plugins" \
    -Dauthhost.test.builtinPlugins="$root/host/target/authhost/plugins" -cp "$cp" \
    org.authhost.host.bench.ConsoleRenderBenchmark "${ACCOUNTS:-1000}" "${EVENTS:-10000}" \
    "${SAMPLES:-20}") 2>"$out/logs/render.log" | tee -a "$report"
}

requests_per_second() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

path() {
  local peers=${PEERS_WORK:-/tmp/peers} port=${AUTHHOST_PORT:-18090} cport=${CONSOLE_PORT:-18088}
  local rounds=${ROUNDS:-3} duration=${DURATION:-10}
  build
  [ -f "$peers/peers.env" ] && [ -d "$peers/run/www/open" ] || {
    echo "no set-up peer harness at $peers: see bench/README.md (cp -r ../shared/bench/peers" \
      "/tmp/peers; cd /tmp/peers; ./peers-setup.sh)" >&2
    exit 1
  }
  command -v wrk >/dev/null || { echo "wrk is not installed (peers-setup.sh installs it)" >&2; exit 1; }
  # The target writes next to its script (run/authhost): a harness we may not write to is copied.
  if [ ! -w "$peers" ]; then
    mkdir -p "$out/peers/run/www"
    cp "$peers/peers.env" "$out/peers/"
    cp -r "$peers/run/www/open" "$out/peers/run/www/"
    peers="$out/peers"
  fi
  cp "$root/bench/peers-target.sh" "$peers/start-authhost-console.sh"
  AUTHHOST_HOME="$root" AUTHHOST_PORT=$port AUTHHOST_CONSOLE_PORT=$cport \
    "$peers/start-authhost-console.sh" >"$out/logs/authhost.log" 2>&1 &
  pids+=($!)
  local url="http://127.0.0.1:$port/open/1k.txt" i
  for i in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 200 ] && break
    [ "$i" = 120 ] && { echo "AuthHost did not answer on $url in 60 s" >&2; exit 1; }
    sleep 0.5
  done
  echo >>"$report"
  echo "## Open path with and without a browser on the Now pane ($stamp)" >>"$report"
  echo >>"$report"
  echo "wrk -t1 -c16 -d${duration}s $url; console on 127.0.0.1:$cport" >>"$report"
  echo >>"$report"
  echo "| round | without browser req/s | with browser req/s | with / without |" >>"$report"
  echo "|---|--:|--:|--:|" >>"$report"
  local r without with poller
  # Warm-up, not reported: the first round would otherwise pay the JIT's work for both.
  run wrk -t1 -c16 -d"${duration}s" "$url" >"$out/logs/wrk-warmup.txt"
  for r in $(seq 1 "$rounds"); do
    run wrk -t1 -c16 -d"${duration}s" "$url" >"$out/logs/wrk-without-$r.txt"
    without=$(requests_per_second "$out/logs/wrk-without-$r.txt")
    # From host/: the browser's profile goes under host/target/, as in the tests.
    (cd "$root/host" && exec java -cp "$cp" org.authhost.host.bench.ConsoleRenderBenchmark --poll \
      "http://console-admin:${AUTHHOST_CONSOLE_PASS:-console-pass}@127.0.0.1:$cport/console/" \
      $((duration + 60))) >"$out/logs/poller-$r.log" 2>&1 &
    poller=$!
    pids+=($poller)
    for i in $(seq 1 120); do
      grep -q "browser polling" "$out/logs/poller-$r.log" && break
      kill -0 "$poller" 2>/dev/null || { echo "the browser poller ended: $out/logs/poller-$r.log" >&2; exit 1; }
      [ "$i" = 120 ] && { echo "the browser did not reach the Now pane in 60 s" >&2; exit 1; }
      sleep 0.5
    done
    run wrk -t1 -c16 -d"${duration}s" "$url" >"$out/logs/wrk-with-$r.txt"
    with=$(requests_per_second "$out/logs/wrk-with-$r.txt")
    kill "$poller" 2>/dev/null || true
    wait "$poller" 2>/dev/null || true
    echo "| $r | $without | $with | $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.3f", a / b }') |" \
      | tee -a "$report"
  done
}

case "$mode" in
  render) render ;;
  path) path ;;
  all) render; path ;;
  *) echo "usage: $0 [render|path|all]" >&2; exit 2 ;;
esac
echo "report: $report" >&2
