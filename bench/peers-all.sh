#!/usr/bin/env bash
# peers-all.sh — issue 10's whole set of peer-harness runs, one after the other, for a quiet
# machine: run it once, read the three reports.
#   1. all     the full targets-authhost.conf run (Apache, Jetty MD5 and SHA-256, nginx Basic,
#              AuthHost Digest and Basic), the harness's defaults: 3 repeats, 15 s, wrk -t2 -c64;
#   2. sha256  the SHA-256 pair: DIGEST_ALG=SHA-256 AUTHHOST_DIGEST_ALGS=SHA-256,MD5,
#              --only jetty-sha256,authhost-digest, 3 repeats;
#   3. c256    one address, 256 connections: --only jetty-md5,authhost-digest,authhost-basic
#              -c 256 -r 1.
# Each report is copied to docs/bench-runs/peers-<UTC time>-<suffix>.md (the results folders,
# with the raw data and logs, stay in the harness copy). About 22 minutes on the 2-core machine:
# 13 for the full run, 5 for the SHA-256 pair, 4 for -c256.
#
#   ./mvnw -B -q -DskipTests package        # the distribution (host/target/authhost)
#   bench/peers-all.sh                      # all three
#   bench/peers-all.sh sha256 c256          # some of them, in this order
#
# Settings (environment): AUTHHOST_HOME (this checkout); PEERS_DIR, the harness, only read
# (../shared/bench/peers from the checkout's parent); PEERS_COPY, the writable copy it runs in
# (default /tmp/peers-all; made, or refreshed, from PEERS_DIR, as the harness's README says); BENCH_ARGS, added to every bench-peers.sh call (e.g. "-d 5 -r 1" for a smoke
# test, whose numbers mean nothing). Exit status 1 if any run failed (the others still run).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=${AUTHHOST_HOME:-$(cd "$here/.." && pwd)}
peers=${PEERS_DIR:-$(cd "$home/.." && pwd)/shared/bench/peers}
copy=${PEERS_COPY:-/tmp/peers-all}
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(all sha256 c256)
read -r -a extra <<<"${BENCH_ARGS:-}"

die() { echo "peers-all: $*" >&2; exit 2; }
log() { echo "[peers-all $(date -u +%H:%M:%S)] $*" >&2; }
[ -d "$home/host/target/authhost/lib" ] ||
  die "no distribution at $home/host/target/authhost: ./mvnw -B -q -DskipTests package first"
[ -x "$peers/bench-peers.sh" ] || die "no peer harness at $peers (set PEERS_DIR)"
for r in "${runs[@]}"; do
  case $r in all | sha256 | c256) ;; *) die "unknown run '$r' (all, sha256, c256)" ;; esac
done

# The harness writes next to its scripts (run/, results/, the Jetty peer's target/): a copy.
mkdir -p "$copy"
(cd "$peers" && tar --exclude=./results -cf - .) |
  (cd "$copy" && tar -xf -) || die "cannot copy $peers to $copy"
cp "$here/peers-target.sh" "$copy/start-authhost.sh"
log "harness copy: $copy (start-authhost.sh = bench/peers-target.sh)"
(cd "$copy" && ./peers-setup.sh) >&2 || die "peers-setup.sh failed"

out="$home/docs/bench-runs"
mkdir -p "$out"
failed=()
# bench suffix env... -- args: runs bench-peers.sh, copies the new results folder's report.md.
bench() {
  local suffix=$1; shift
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local before after res stamp rc
  before=$(ls -1 "$copy/results" 2>/dev/null | sort | tail -1)
  log "run '$suffix': ${envs[*]} ./bench-peers.sh $* ${extra[*]}"
  local started=$SECONDS
  (cd "$copy" && env AUTHHOST_HOME="$home" "${envs[@]}" ./bench-peers.sh "$@" "${extra[@]}")
  rc=$?
  after=$(ls -1 "$copy/results" 2>/dev/null | sort | tail -1)
  if [ -z "$after" ] || [ "$after" = "$before" ] || [ ! -f "$copy/results/$after/report.md" ]; then
    log "run '$suffix' left no report (exit $rc)"
    failed+=("$suffix")
    return
  fi
  res="$copy/results/$after"
  stamp=$after
  cp "$res/report.md" "$out/peers-$stamp-$suffix.md"
  log "run '$suffix': exit $rc in $((SECONDS - started)) s, report docs/bench-runs/peers-$stamp-$suffix.md (raw data: $res)"
  [ "$rc" -eq 0 ] || failed+=("$suffix")
}

for r in "${runs[@]}"; do
  case $r in
    all) bench all -- --targets targets-authhost.conf ;;
    sha256)
      bench sha256 DIGEST_ALG=SHA-256 AUTHHOST_DIGEST_ALGS=SHA-256,MD5 -- \
        --targets targets-authhost.conf --only jetty-sha256,authhost-digest ;;
    c256)
      bench c256 -- --targets targets-authhost.conf \
        --only jetty-md5,authhost-digest,authhost-basic -c 256 -r 1 ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  log "FAILED: ${failed[*]} (see the reports' status columns and the results folders' logs/)"
  exit 1
fi
log "all runs ok: ${runs[*]}"
