#!/usr/bin/env bash
# flood.sh — issue 11, containment ("Flood"): with a legitimate client logging on once a second
# (Digest, curl --digest from 127.0.0.2), 1,000,000 unauthenticated requests and 100,000 malformed
# Digest and NTLM Authorization headers from other addresses (wrk + flood.lua through 127.0.0.1 as
# a trusted proxy, X-Forwarded-For naming FLOOD_ADDRESSES clients in 198.18.0.0/16), all at once.
# One AuthHost with /open/ (Anonymous), /digest/ (Digest), /ntlm/ (NTLM), a heap maximum (-Xmx)
# and a GC log, and a broken plug-in JAR in its plug-in folder, whose ERROR is a real entry of the
# troubleshooting list from the start. Goals, each PASS/FAIL (exit 1 on any FAIL):
#   legit      the legitimate client got 200 every time (and logged on at least once)
#   heap       heap used after a full GC at the end <= 1.10 x the same before the flood
#   peak       the largest heap in use the GC log shows (before any collection) < -Xmx, no OOM
#   audit      the audit stayed summarised: audit records written during the flood
#              <= AUDIT_MAX (default 1% of the flood's requests)
#   trouble    the troubleshooting list still holds the planted entry (the broken JAR)
# Not a goal, reported: what the flood got (answers by status, socket errors), the event log's
# records by kind, the troubleshooting list's size.
#
#   bench/flood.sh                                   # the issue's sizes: about 3-5 minutes
#   N_UNAUTH=10000 N_MALFORMED=2000 bench/flood.sh   # a smoke test
#
# Settings (environment): N_UNAUTH=1000000 N_MALFORMED=100000; FLOOD_ADDRESSES=256; THREADS=2
# CONNS=64 (unauthenticated flood) MALFORMED_CONNS=16; XMX=256m; MAX_SECONDS=900 (a bound on the
# flood, whatever the rates); WARM=20000 (requests of each flood from other addresses before the
# "before" heap, so that it includes what any first request loads); SETTLE=0 (seconds between the
# flood's end and the "after" heap); AUDIT_MAX; PORT=18191; AUTHHOST_HOME, PEERS_DIR, OUT as in
# hanging-plugin.sh.
set -euo pipefail
BENCH_NAME=flood
. "$(cd "$(dirname "$0")" && pwd)/bench-lib.sh"

N_UNAUTH=${N_UNAUTH:-1000000}; N_MALFORMED=${N_MALFORMED:-100000}; FLOOD_ADDRESSES=${FLOOD_ADDRESSES:-256}
THREADS=${THREADS:-2}; CONNS=${CONNS:-64}; MALFORMED_CONNS=${MALFORMED_CONNS:-16}
XMX=${XMX:-256m}; MAX_SECONDS=${MAX_SECONDS:-900}; SETTLE=${SETTLE:-0}
WARM=${WARM:-$(( N_UNAUTH / 10 < 20000 ? N_UNAUTH / 10 : 20000 ))}
AUDIT_MAX=${AUDIT_MAX:-$(( (N_UNAUTH + N_MALFORMED) / 100 ))}
PORT=${PORT:-18191}
LEGIT_FROM=127.0.0.2
OUT=${OUT:-$bench_dir/results/flood-$(date -u +%Y%m%dT%H%M%SZ)}

need_tools wrk curl python3 jar jcmd jstat ss awk
need_dist
port_free "$PORT"
w="$OUT/work"
mkdir -p "$w/config" "$w/plugins" "$w/www/open" "$w/www/digest" "$w/www/ntlm" "$OUT/logs" "$OUT/run"
base="http://$BENCH_HOST:$PORT"

LEGIT_PID=""; WRK_PIDS=(); declare -A WPID
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  touch "$OUT/run/stop"
  for p in "${WRK_PIDS[@]+"${WRK_PIDS[@]}"}" $LEGIT_PID; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  stop_host
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- plug-ins, one of them broken
cp "$(builtin_jar anonymous)" "$(builtin_jar digest)" "$(builtin_jar ntlm)" "$w/plugins/"
mkdir -p "$w/broken"; echo "a JAR without META-INF/authhost-plugin.properties" >"$w/broken/README.txt"
jar cf "$w/plugins/bench-broken-plugin.jar" -C "$w/broken" README.txt
PLANTED=bench-broken-plugin.jar

head -c 1024 /dev/zero | tr '\0' 'a' >"$w/www/open/1k.txt"
cp "$w/www/open/1k.txt" "$w/www/digest/"; cp "$w/www/open/1k.txt" "$w/www/ntlm/"
cat >"$w/config/host.json" <<JSON
{
  "serverName": "benchhost",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "../plugins",
    "order": ["anonymous", "digest", "ntlm"],
    "settings": {
      "anonymous": { "enabled": true, "properties": { "account": "Guest" } },
      "digest": { "enabled": true, "properties": { "realm": "$BENCH_REALM", "algorithms": "MD5,SHA-256", "qop": "auth" } },
      "ntlm": { "enabled": true, "properties": { "netbiosDomain": "BENCH" } }
    }
  },
  "http": { "bindAddress": "$BENCH_HOST", "port": $PORT },
  "accounts": { "digestRealms": ["$BENCH_REALM"] },
  "security": { "trustedProxies": ["127.0.0.1"] },
  "publishingPoints": [
    { "name": "open", "prefix": "/open/", "directory": "../www/open", "plugins": ["anonymous"] },
    { "name": "digest", "prefix": "/digest/", "directory": "../www/digest", "plugins": ["digest"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] },
    { "name": "ntlm", "prefix": "/ntlm/", "directory": "../www/ntlm", "plugins": ["ntlm"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
  ]
}
JSON
authhost_cli accounts add "$BENCH_USER" --password-stdin --config "$w/config" >"$OUT/logs/accounts.log" 2>&1 <<<"$BENCH_PASS" \
  || die "accounts add failed: $(cat "$OUT/logs/accounts.log")"

gclog="$OUT/logs/gc.log"
start_host "$w/config" "$OUT/logs/host.log" "${AUTHHOST_JAVA_OPTS:-} -Xmx$XMX -Xlog:gc:file=$gclog:uptime,level,tags"
wait_status "$base/open/1k.txt" 200 60 || die "/open/ did not answer 200 (see $OUT/logs/host.log)"

# ---------------------------------------------------------------- helpers
legit_once() {  # one logon of the legitimate client: "<code> <seconds>"
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 --interface "$LEGIT_FROM" \
    --digest -u "$BENCH_USER:$BENCH_PASS" "$base/digest/1k.txt" || echo "000 -"
}
heap_used_kib() {  # heap in use after a full GC (jcmd GC.run, then jstat: survivors + eden + old)
  jcmd "$HOST_PID" GC.run >/dev/null
  jstat -gc "$HOST_PID" | awk 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i}
    NR == 2 {printf "%d\n", $h["S0U"] + $h["S1U"] + $h["EU"] + $h["OU"]}'
}
last_record() {
  authhost_cli events --config "$w/config" -n 1 --json 2>/dev/null \
    | sed -n 's/.*"recordNumber":\([0-9]*\).*/\1/p' | tail -1
}
planted_entries() {  # troubleshooting entries naming the broken JAR
  authhost_cli troubleshooting --config "$w/config" --json >"$OUT/logs/troubleshooting-$1.json" 2>&1 || true
  grep -c "$PLANTED" "$OUT/logs/troubleshooting-$1.json" || true
}
# flood KIND QUOTA CONNS NET LABEL: wrk in the background, ends itself when every thread has its
# share (SIGINT makes wrk report at once); MAX_SECONDS bounds it in any case.
flood() {
  local kind=$1 quota=$2 conns=$3 net=$4 label=$5
  show "FLOOD_KIND=$kind FLOOD_QUOTA=$quota FLOOD_THREADS=$THREADS FLOOD_ADDRESSES=$FLOOD_ADDRESSES FLOOD_NET=$net FLOOD_DONE=$OUT/run/$label wrk -t$THREADS -c$conns -d${MAX_SECONDS}s --timeout 10s -s $bench_dir/flood.lua $base/ &"
  FLOOD_KIND=$kind FLOOD_QUOTA=$quota FLOOD_THREADS=$THREADS FLOOD_ADDRESSES=$FLOOD_ADDRESSES FLOOD_NET=$net \
    FLOOD_DONE="$OUT/run/$label" wrk -t"$THREADS" -c"$conns" -d"${MAX_SECONDS}s" --timeout 10s \
    -s "$bench_dir/flood.lua" "$base/" >"$OUT/logs/$label.log" 2>&1 3>&- &
  WRK_PIDS+=($!)
  WPID[$label]=$!
}
# finish LABEL: wait (bounded) until every thread of that wrk is done, then end it
finish() {
  local label=$1 pid i
  pid=${WPID[$label]}
  for i in $(seq $((MAX_SECONDS * 10 + 100))); do
    kill -0 "$pid" 2>/dev/null || break
    if (( $(ls "$OUT/run/$label".* 2>/dev/null | wc -l) >= THREADS )); then kill -INT "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
  grep '^RESULT ' "$OUT/logs/$label.log" || echo "RESULT kind=? answered=0 (no result: see $OUT/logs/$label.log)"
}

# ---------------------------------------------------------------- before
first=$(legit_once)
[[ ${first%% *} == 200 ]] || die "the legitimate client's first logon got ${first%% *}, not 200 (see $OUT/logs/host.log)"
planted_before=$(planted_entries before)
((planted_before > 0)) || log "WARNING: the troubleshooting list has no entry naming $PLANTED at start (see $OUT/logs/troubleshooting-before.json)"
if ((WARM > 0)); then
  log "warm-up: $WARM unauthenticated + $((WARM / 10)) malformed requests from 198.19.x.x (not the flood's addresses)"
  flood unauth "$WARM" "$CONNS" 198.19 warm-unauth; flood malformed "$((WARM / 10))" "$MALFORMED_CONNS" 198.19 warm-malformed
  log "warm-up: $(finish warm-unauth)"; log "warm-up: $(finish warm-malformed)"
fi
heap_before=$(heap_used_kib)
# What is live, by class, before and after: where a growth of the live set comes from.
jcmd "$HOST_PID" GC.class_histogram >"$OUT/logs/histogram-before.txt" 2>&1 || true
rec_before=$(last_record)
log "before the flood: heap after a full GC $heap_before KiB; event log at record ${rec_before:-0}"

# ---------------------------------------------------------------- the flood, all at once
legit_loop() {
  set +e  # a failed logon is counted, never the end of the loop
  local i=0 t0 r
  while [[ ! -e $OUT/run/stop ]] && ((i < MAX_SECONDS + 60)); do
    t0=$(date +%s%N)
    r=$(legit_once)
    echo "$(date -u +%H:%M:%S.%N | cut -c1-12) $r" >>"$OUT/logs/legit.log"
    i=$((i + 1))
    sleep "$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{d = 1 - (b - a) / 1e9; printf "%.3f", (d > 0 ? d : 0)}')"
  done
}
: >"$OUT/logs/legit.log"
show "every second: curl --digest -u $BENCH_USER:*** --interface $LEGIT_FROM $base/digest/1k.txt  (must answer 200)"
legit_loop 3>&- &
LEGIT_PID=$!
t_start=$(date +%s)
flood unauth "$N_UNAUTH" "$CONNS" 198.18 unauth
flood malformed "$N_MALFORMED" "$MALFORMED_CONNS" 198.18 malformed
r_malformed=$(finish malformed); log "malformed flood: $r_malformed"
r_unauth=$(finish unauth); log "unauthenticated flood: $r_unauth"
t_flood=$(( $(date +%s) - t_start ))
touch "$OUT/run/stop"; wait "$LEGIT_PID" 2>/dev/null || true; LEGIT_PID=""
if ((SETTLE > 0)); then log "settling ${SETTLE}s before the last heap reading"; sleep "$SETTLE"; fi

# ---------------------------------------------------------------- after
kill -0 "$HOST_PID" 2>/dev/null || die "the host died during the flood (see $OUT/logs/host.log and $gclog)"
heap_after=$(heap_used_kib)
jcmd "$HOST_PID" GC.class_histogram >"$OUT/logs/histogram-after.txt" 2>&1 || true
rec_after=$(last_record)
log "after the flood: heap after a full GC $heap_after KiB"
planted_after=$(planted_entries after)
trouble_total=$(python3 -c 'import json,sys
try: d = json.load(open(sys.argv[1])); print(len(d.get("entries", [])), d.get("dropped", 0))
except Exception: print("? ?")' "$OUT/logs/troubleshooting-after.json")
# Streamed, not stored: with every refusal audited a flood is a million records. The first 200
# are kept as a sample.
kinds=$(authhost_cli events --config "$w/config" --after "${rec_before:-0}" -n 0 --json 2>"$OUT/logs/events-during.err" \
  | python3 -c '
import collections, json, re, sys
by_source, audit = collections.Counter(), collections.Counter()
with open(sys.argv[1], "w") as sample:
    for i, line in enumerate(sys.stdin):
        if i < 200:
            sample.write(line)
        try:
            e = json.loads(line)
        except ValueError:
            continue
        by_source[e.get("source", "?")] += 1
        if e.get("source") == "audit":
            # the kind of record: its words up to the first colon or field (refused 404, ...)
            t = re.split(r":| client=", e.get("text", ""), maxsplit=1)[0].strip()
            audit[t[:40]] += 1
print("AUDIT", sum(audit.values()))
print("SOURCES", ", ".join(f"{s} {n}" for s, n in by_source.most_common()))
print("KINDS", ", ".join(f"{k} {n}" for k, n in audit.most_common(8)))
' "$OUT/logs/events-during-sample.jsonl")
audit_n=$(sed -n 's/^AUDIT //p' <<<"$kinds")
legit_total=$(wc -l <"$OUT/logs/legit.log")
legit_bad=$(awk '$2 != "200"' "$OUT/logs/legit.log" | wc -l)
legit_max=$(awk '$3 != "-" && $3 > m {m = $3} END {printf "%.3f", m}' "$OUT/logs/legit.log")
xmx_kib=$(awk -v x="$XMX" 'BEGIN{n = x + 0; u = tolower(substr(x, length(x))); f = (u == "g") ? 1048576 : (u == "m") ? 1024 : (u == "k") ? 1 : 1 / 1024; printf "%d", n * f}')
read -r peak_kib peak_live_kib ngc < <(python3 - "$gclog" <<'PY'
import re, sys
unit = {"K": 1, "M": 1024, "G": 1048576}
peak = live = n = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"(\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)", line)
    if m:
        n += 1
        peak = max(peak, int(m.group(1)) * unit[m.group(2)])
        live = max(live, int(m.group(3)) * unit[m.group(4)])
print(peak, live, n)
PY
)
oom=$(grep -c 'OutOfMemoryError' "$OUT/logs/host.log" || true)

# ---------------------------------------------------------------- verdicts
fails=0
pf() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
g_legit=$( ((legit_total > 0 && legit_bad == 0)) && echo 1 || echo 0)
g_heap=$(awk -v a="$heap_after" -v b="$heap_before" 'BEGIN{print (a <= 1.10 * b) ? 1 : 0}')
g_peak=$( ((peak_kib > 0 && peak_kib < xmx_kib && oom == 0)) && echo 1 || echo 0)
g_audit=$( [[ -n $audit_n ]] && ((audit_n <= AUDIT_MAX)) && echo 1 || echo 0)
g_trouble=$( ((planted_before > 0 && planted_after > 0)) && echo 1 || echo 0)
fails=$(( 5 - g_legit - g_heap - g_peak - g_audit - g_trouble ))
{
  echo
  echo "## Containment: flood (bench/flood.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "$N_UNAUTH unauthenticated + $N_MALFORMED malformed requests from $FLOOD_ADDRESSES addresses (X-Forwarded-For via trusted proxy 127.0.0.1),"
  echo "wrk -t$THREADS -c$CONNS / -c$MALFORMED_CONNS, in ${t_flood}s; legitimate client: Digest once a second from $LEGIT_FROM;"
  echo "JVM: ${AUTHHOST_JAVA_OPTS:-} -Xmx$XMX (+ the launcher's flags); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| goal | measured | verdict |"
  echo "|---|---|---|"
  echo "| the legitimate client succeeds every time | $((legit_total - legit_bad)) of $legit_total logons answered 200 (slowest ${legit_max} s) | $(pf "$g_legit") |"
  echo "| heap after a full GC within 10% of before | $heap_before KiB before, $heap_after KiB after ($(awk -v a="$heap_after" -v b="$heap_before" 'BEGIN{printf "%+.1f%%", 100 * (a - b) / b}')) | $(pf "$g_heap") |"
  echo "| peak heap under the maximum | peak in use $peak_kib KiB (largest live set after a GC $peak_live_kib KiB, $ngc GCs) of -Xmx $xmx_kib KiB; OutOfMemoryError: $oom | $(pf "$g_peak") |"
  echo "| the audit stays summarised | ${audit_n:-?} audit records during the flood (at most $AUDIT_MAX) | $(pf "$g_audit") |"
  echo "| the troubleshooting list keeps its real entries | entries naming $PLANTED: $planted_before before, $planted_after after; list now $(cut -d' ' -f1 <<<"$trouble_total") entries, $(cut -d' ' -f2 <<<"$trouble_total") dropped | $(pf "$g_trouble") |"
  echo
  echo "flood answers: ${r_unauth#RESULT }"
  echo "               ${r_malformed#RESULT }"
  for r in "$r_unauth" "$r_malformed"; do
    if (( $(kv answered "$r") < $(kv kind "$r" | sed "s/^unauth$/$N_UNAUTH/; s/^malformed$/$N_MALFORMED/") )); then
      echo "NOTE: the $(kv kind "$r") flood stopped short of its count (MAX_SECONDS=$MAX_SECONDS reached, or wrk failed): see logs"
    fi
  done
  echo "events written during the flood: $(( ${rec_after:-0} - ${rec_before:-0} )) (record numbers; retention may since have removed some of them)"
  echo "events during the flood by source: $(sed -n 's/^SOURCES //p' <<<"$kinds")"
  echo "audit records by kind: $(sed -n 's/^KINDS //p' <<<"$kinds")"
  echo
  if ((fails)); then echo "RESULT: $fails goal(s) FAILED"; else echo "RESULT: every goal PASSED"; fi
  echo "logs (host, GC, legitimate client, wrk, a sample of the events, troubleshooting list): $OUT/logs"
} >"$OUT/report.md"
cat "$OUT/report.md"
((fails == 0))
