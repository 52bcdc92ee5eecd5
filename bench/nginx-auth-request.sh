#!/usr/bin/env bash
# nginx-auth-request.sh — issue 13: nginx in front, AuthHost as its auth_request service. One run,
# beside each other, one private nginx (worker_processes 2, like the peer harness's) serving the
# same 1 KiB file:
#   open         no authentication                                   (nginx alone)
#   nginx-basic  nginx's own auth_basic with an apr1 htpasswd         (the peer harness's nginx)
#   ar-basic     auth_request to AuthHost, Basic                       (upstream keep-alive)
#   ar-digest    auth_request to AuthHost, Digest, never-replayed headers
# The auth_request server is docs/integrations/nginx-auth-request.conf itself, placeholders filled
# in; AuthHost's publishing point "hls" (/hls/, Digest then Basic, no folder: it only scopes the
# check). wrk -t2 -c64 -dD with the harness's wrk-auth.lua and digest-headers.py (Digest headers
# are each sent once; the open run sends a header of the same shape as X-Pad). Goal: ar-basic
# >= 1.5 x nginx-basic, 0 non-2xx; Digest and the extra latency reported. Writes the report to
# docs/bench-runs/nginx-auth-request-<UTC time>.md (and the logs to bench/results/); exit 1 when
# a goal fails.
#
#   bench/nginx-auth-request.sh               # D=10 s per run, about 2 minutes
#   D=2 WARMUP=1 bench/nginx-auth-request.sh  # a smoke test (numbers mean nothing)
#
# Settings (environment): D=10 seconds per wrk run; WARMUP=5 seconds per target before; THREADS=2
# CONNS=64; PORT=18290 (AuthHost), NGINX_AR_PORT=18291 (auth_request), NGINX_PEER_PORT=18292 (open
# and auth_basic); AUTHHOST_JAVA_OPTS (default the peers' -Xms1g -Xmx1g); AUTHHOST_HOME (default
# this checkout; build first: ./mvnw -B -q -DskipTests package); PEERS_DIR (the harness, default
# ../shared/bench/peers); OUT (logs, default bench/results/nginx-auth-request-<UTC time>);
# REPORT (default docs/bench-runs/nginx-auth-request-<UTC time>.md). Needs nginx, htpasswd
# (apache2-utils) or openssl, wrk, curl, python3. Run it on a quiet machine.
set -euo pipefail
BENCH_NAME=nginx-ar
. "$(cd "$(dirname "$0")" && pwd)/bench-lib.sh"

D=${D:-10}; WARMUP=${WARMUP:-5}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
PORT=${PORT:-18290}; NGINX_AR_PORT=${NGINX_AR_PORT:-18291}; NGINX_PEER_PORT=${NGINX_PEER_PORT:-18292}
JAVA_OPTS=${AUTHHOST_JAVA_OPTS:-${JETTY_JAVA_OPTS:--Xms1g -Xmx1g}}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$bench_dir/results/nginx-auth-request-$stamp}
REPORT=${REPORT:-$home/docs/bench-runs/nginx-auth-request-$stamp.md}
PER_NONCE=1000; HEADROOM=1.5
NGINX=${NGINX:-/usr/sbin/nginx}

need_tools wrk curl python3 ss awk
[[ -x $NGINX ]] || die "no nginx at $NGINX (apt-get install nginx)"
need_dist
[[ -f $peers/digest-headers.py && -f $peers/wrk-auth.lua ]] || die "no peer harness at $peers (set PEERS_DIR)"
recipe="$home/docs/integrations/nginx-auth-request.conf"
[[ -f $recipe ]] || die "no recipe at $recipe"
for p in "$PORT" "$NGINX_AR_PORT" "$NGINX_PEER_PORT"; do port_free "$p"; done

w="$OUT/work"
mkdir -p "$w/config" "$w/plugins" "$w/nginx/html/hls" "$w/nginx/html/open" "$w/nginx/html/basic" \
  "$w/nginx/logs" "$w/nginx/tmp" "$OUT/logs" "$OUT/data" "$(dirname "$REPORT")"

NGINX_PID=""
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [[ -n $NGINX_PID ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$NGINX_PID" 2>/dev/null; then
      for i in $(ps -o pid= --ppid "$NGINX_PID" 2>/dev/null); do kill -KILL "$i" 2>/dev/null || true; done   # its workers
      kill -KILL "$NGINX_PID" 2>/dev/null || true
    fi
    wait "$NGINX_PID" 2>/dev/null || true
    log "nginx stopped (pid $NGINX_PID)"
  fi
  stop_host
  rm -f "$OUT"/data/*.auth
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the file, AuthHost
for i in $(seq 64); do printf '%015d\n' "$i"; done >"$w/nginx/html/open/$BENCH_FILE"   # 1024 bytes
cp "$w/nginx/html/open/$BENCH_FILE" "$w/nginx/html/basic/"
cp "$w/nginx/html/open/$BENCH_FILE" "$w/nginx/html/hls/"
cp "$(builtin_jar basic)" "$(builtin_jar digest)" "$w/plugins/"
cat >"$w/config/host.json" <<JSON
{
  "serverName": "benchhost",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "../plugins",
    "settings": {
      "digest": { "enabled": true, "properties": { "realm": "$BENCH_REALM", "algorithms": "MD5", "qop": "auth" } }
    }
  },
  "http": { "bindAddress": "$BENCH_HOST", "port": $PORT },
  "accounts": { "digestRealms": ["$BENCH_REALM"] },
  "integrations": {
    "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls"], "identityHeader": "X-AuthHost-User" }
  },
  "publishingPoints": [
    { "name": "hls", "prefix": "/hls/", "plugins": ["digest", "basic"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
  ]
}
JSON
authhost_cli accounts add "$BENCH_USER" --password-stdin --config "$w/config" >"$OUT/logs/accounts.log" 2>&1 <<<"$BENCH_PASS" \
  || die "accounts add failed: $(cat "$OUT/logs/accounts.log")"
start_host "$w/config" "$OUT/logs/host.log" "$JAVA_OPTS"

# ---------------------------------------------------------------- nginx: the recipe + the peers' server
if command -v htpasswd >/dev/null; then
  htpasswd -cbm "$w/nginx/htpasswd" "$BENCH_USER" "$BENCH_PASS" >/dev/null 2>&1
else
  printf '%s:%s\n' "$BENCH_USER" "$(openssl passwd -apr1 "$BENCH_PASS")" >"$w/nginx/htpasswd"
fi
grep -q ':\$apr1\$' "$w/nginx/htpasswd" || die "htpasswd is not an apr1 hash"
sed -e "s#@AUTHHOST@#$BENCH_HOST:$PORT#g" -e "s#@LISTEN@#$BENCH_HOST:$NGINX_AR_PORT#g" \
    -e "s#@ROOT@#$w/nginx/html#g" -e "s#@APP@#$BENCH_HOST:9#g" "$recipe" >"$w/nginx/recipe.conf"
! grep -q '@[A-Z_]*@' "$w/nginx/recipe.conf" || die "a placeholder of $recipe is not filled in"
ngx_user=""
if [[ $(id -u) == 0 ]]; then ngx_user="user root;"; fi   # the workers must read the private folder
cat >"$w/nginx/nginx.conf" <<NGINX
# Written by bench/nginx-auth-request.sh: a private nginx, not the system's.
$ngx_user
worker_processes 2;
daemon off;
pid $w/nginx/nginx.pid;
error_log $w/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $w/nginx/tmp/client;
    proxy_temp_path       $w/nginx/tmp/proxy;
    fastcgi_temp_path     $w/nginx/tmp/fastcgi;
    uwsgi_temp_path       $w/nginx/tmp/uwsgi;
    scgi_temp_path        $w/nginx/tmp/scgi;
    # The peer harness's nginx: no authentication, and its own auth_basic (apr1).
    server {
        listen $BENCH_HOST:$NGINX_PEER_PORT;
        root $w/nginx/html;
        location /open/  { }
        location /basic/ {
            auth_basic "$BENCH_REALM";
            auth_basic_user_file $w/nginx/htpasswd;
        }
    }
    # docs/integrations/nginx-auth-request.conf, filled in:
    include $w/nginx/recipe.conf;
}
NGINX
show "$NGINX -p $w/nginx/ -e $w/nginx/logs/error.log -c $w/nginx/nginx.conf &"
"$NGINX" -p "$w/nginx/" -e "$w/nginx/logs/error.log" -c "$w/nginx/nginx.conf" >"$OUT/logs/nginx.out" 2>&1 3>&- &
NGINX_PID=$!
log "nginx started, pid $NGINX_PID"

peer="http://$BENCH_HOST:$NGINX_PEER_PORT"
ar="http://$BENCH_HOST:$NGINX_AR_PORT"
wait_status "$peer/open/$BENCH_FILE" 200 30 || die "nginx did not serve /open/ (see $w/nginx/logs/error.log)"
wait_status "$ar/hls/$BENCH_FILE" 401 60 || die "auth_request did not answer 401 without credentials (host log: $OUT/logs/host.log, nginx: $w/nginx/logs/error.log)"
for u in "$peer/basic/$BENCH_FILE" "$ar/hls/$BENCH_FILE"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$BENCH_USER:$BENCH_PASS" "$u" || true)
  [[ $code == 200 ]] || die "Basic at $u answered $code, not 200"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --digest -u "$BENCH_USER:$BENCH_PASS" "$ar/hls/$BENCH_FILE" || true)
[[ $code == 200 ]] || die "Digest through auth_request answered $code, not 200"
# The recipe checks its whole server: the files the peers' server serves (its root is the same)
# must not come out of the auth_request server unchecked.
for u in "$ar/open/$BENCH_FILE" "$ar/basic/$BENCH_FILE"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$u" || true)
  [[ $code == 403 ]] || die "the auth_request server answered $code, not 403, for $u without credentials"
done

# ---------------------------------------------------------------- measurement
pad="$OUT/data/pad.dat"
python3 "$peers/digest-headers.py" "$ar/hls/$BENCH_FILE" --nonces "$THREADS" --per-nonce "$PER_NONCE" \
  --threads "$THREADS" --verify 0 --out "$pad" 2>>"$OUT/logs/digest-headers.log" || die "pad file failed"
for t in nginx-basic ar-basic; do
  u="$peer/basic/$BENCH_FILE"; [[ $t == ar-basic ]] && u="$ar/hls/$BENCH_FILE"
  show "python3 $peers/digest-headers.py $u --scheme basic --threads $THREADS --verify 1 --out $OUT/data/$t.basic"
  python3 "$peers/digest-headers.py" "$u" --scheme basic --user "$BENCH_USER" --password "$BENCH_PASS" \
    --threads "$THREADS" --verify 1 --out "$OUT/data/$t.basic" 2>>"$OUT/logs/digest-headers.log" \
    || die "Basic headers for $u failed (see $OUT/logs/digest-headers.log)"
done

declare -A RPS P50 P99 NON2XX SOCK
run_wrk() {  # LABEL MODE DATA URL SECONDS
  local label=$1 mode=$2 data=$3 url=$4 secs=$5 lg="$OUT/logs/$1.log" line
  show "BENCH_MODE=$mode BENCH_DATA=$data wrk -t$THREADS -c$CONNS -d${secs}s --latency -s $peers/wrk-auth.lua $url"
  BENCH_MODE=$mode BENCH_DATA=$data wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency -s "$peers/wrk-auth.lua" "$url" \
    >"$lg" 2>&1 || true
  line=$(grep '^RESULT ' "$lg" || true)
  [[ -n $line ]] || die "wrk gave no RESULT line (see $lg)"
  RPS[$label]=$(kv rps "$line"); P50[$label]=$(kv p50_us "$line"); P99[$label]=$(kv p99_us "$line")
  NON2XX[$label]=$(kv non2xx3xx "$line")
  SOCK[$label]=$(( $(kv connect "$line") + $(kv read "$line") + $(kv write "$line") + $(kv timeout "$line") ))
  if [[ $(kv headers_wrapped "$line") != 0 ]]; then NON2XX[$label]="${NON2XX[$label]}+replayed-headers"; fi
  log "$(printf '%-12s %10s req/s  p50 %6s us  p99 %7s us  non-2xx %s  socket errors %s' "$label" "${RPS[$label]}" "${P50[$label]}" "${P99[$label]}" "${NON2XX[$label]}" "${SOCK[$label]}")"
}
digest_headers() {  # RPS SECONDS OUT: never-replayed Digest headers for RPS x HEADROOM x SECONDS
  local rps=${1%.*} secs=$2 out=$3 need nonces
  ((rps >= 20000)) || rps=20000
  need=$(awk -v r="$rps" -v h="$HEADROOM" -v s="$secs" 'BEGIN{printf "%d", r * h * s + 1}')
  nonces=$(( (need + PER_NONCE - 1) / PER_NONCE )); nonces=$(( nonces < 2 * THREADS ? 2 * THREADS : nonces ))
  show "python3 $peers/digest-headers.py $ar/hls/$BENCH_FILE --nonces $nonces --per-nonce $PER_NONCE --threads $THREADS --verify 3 --out $out"
  python3 "$peers/digest-headers.py" "$ar/hls/$BENCH_FILE" --user "$BENCH_USER" --password "$BENCH_PASS" \
    --nonces "$nonces" --per-nonce "$PER_NONCE" --threads "$THREADS" --verify 3 --out "$out" \
    2>>"$OUT/logs/digest-headers.log" || die "Digest headers failed (see $OUT/logs/digest-headers.log)"
}
round() {  # PHASE SECONDS
  local ph=$1 secs=$2
  run_wrk "$ph-open" open "$pad" "$peer/open/$BENCH_FILE" "$secs"
  run_wrk "$ph-nginx-basic" auth "$OUT/data/nginx-basic.basic" "$peer/basic/$BENCH_FILE" "$secs"
  run_wrk "$ph-ar-basic" auth "$OUT/data/ar-basic.basic" "$ar/hls/$BENCH_FILE" "$secs"
  digest_headers "${RPS[$ph-ar-basic]}" "$secs" "$OUT/data/$ph.auth"
  run_wrk "$ph-ar-digest" auth "$OUT/data/$ph.auth" "$ar/hls/$BENCH_FILE" "$secs"
  rm -f "$OUT/data/$ph.auth"
}
if ((WARMUP > 0)); then
  log "warm-up: ${WARMUP}s per target (not reported)"
  round warmup "$WARMUP"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
round m "$D"

# ---------------------------------------------------------------- report
ms() { awk -v u="$1" 'BEGIN{printf "%.2f", u / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0) ? a / b : 0}'; }
goal=$(ratio "${RPS[m-ar-basic]}" "${RPS[m-nginx-basic]}")
g_ok=$(awk -v r="$goal" 'BEGIN{print (r >= 1.5) ? 1 : 0}')
fails=0
((g_ok)) || fails=$((fails + 1))
for t in open nginx-basic ar-basic ar-digest; do
  [[ ${NON2XX[m-$t]} == 0 && ${SOCK[m-$t]} == 0 ]] || fails=$((fails + 1))
done
{
  echo "# nginx auth_request to AuthHost (bench/nginx-auth-request.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "One nginx $("$NGINX" -v 2>&1 | sed 's/.*: //') (worker_processes 2) serving the same 1 KiB file; AuthHost"
  echo "$(git -C "$home" describe --always --dirty 2>/dev/null || echo '?') behind auth_request with upstream keep-alive (docs/integrations/nginx-auth-request.conf);"
  echo "wrk -t$THREADS -c$CONNS -d${D}s per run, the peer harness's wrk-auth.lua (Digest headers never replayed);"
  echo "JVM: $JAVA_OPTS; machine: $(nproc) cores, load before the measured round $load_before."
  echo
  echo "| target | req/s | p50 | p99 | extra p50 / p99 vs open | ÷ open | ÷ nginx auth_basic | non-2xx | socket errors |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
  for t in open nginx-basic ar-basic ar-digest; do
    printf '| %s | %s | %s ms | %s ms | %s / %s ms | %s | %s | %s | %s |\n' "$t" "${RPS[m-$t]}" \
      "$(ms "${P50[m-$t]}")" "$(ms "${P99[m-$t]}")" \
      "$(ms $(( ${P50[m-$t]} - ${P50[m-open]} )))" "$(ms $(( ${P99[m-$t]} - ${P99[m-open]} )))" \
      "$(ratio "${RPS[m-$t]}" "${RPS[m-open]}")" "$(ratio "${RPS[m-$t]}" "${RPS[m-nginx-basic]}")" \
      "${NON2XX[m-$t]}" "${SOCK[m-$t]}"
  done
  echo
  echo "Goal: ar-basic ≥ 1.5 × nginx-basic: $goal × — $(if ((g_ok)); then echo PASS; else echo FAIL; fi);"
  echo "0 non-2xx and 0 socket errors everywhere: $(if ((fails - (1 - g_ok) == 0)); then echo PASS; else echo FAIL; fi)."
  echo "Digest through auth_request: $(ratio "${RPS[m-ar-digest]}" "${RPS[m-nginx-basic]}") × nginx-basic, $(ratio "${RPS[m-ar-digest]}" "${RPS[m-ar-basic]}") × ar-basic."
  echo
  echo "Logs and configuration: bench/results/$(basename "$OUT")/"
} >"$REPORT"
cp "$REPORT" "$OUT/report.md"
cat "$REPORT"
((fails == 0))
