#!/usr/bin/env bash
# Starts AuthHost as a target of the peer benchmark (../shared/bench/peers), in the foreground, on
# 127.0.0.1:${AUTHHOST_PORT:-18090}: /open/ (Anonymous), /digest/ (Digest, realm "bench", MD5
# offered first so that the harness answers with the same algorithm as jetty-md5; set
# AUTHHOST_DIGEST_ALGS=SHA-256,MD5 for SHA-256) and /basic/ (Basic), user bench / bench-pass, the
# harness's 1 KiB file under each. Same contract as the harness's start-authhost.sh: copy this file
# over it in a writable copy of the harness (see bench/README.md).
#
#   AUTHHOST_HOME=/path/to/checkout ./start-authhost.sh    (build first: ./mvnw -B -q -DskipTests install)
#
# With AUTHHOST_CONSOLE_PORT set, the web console listens there too (loopback), with the administrator
# console-admin / ${AUTHHOST_CONSOLE_PASS:-console-pass}: bench/console-render.sh polls it from a browser.
#
# JVM flags: the project's launcher (./authhost) adds the server flags it runs with for everyone
# (AUTHHOST_SERVER_JVM replaces them); the heap is the Jetty peer's (JETTY_JAVA_OPTS,
# -Xms1g -Xmx1g) unless AUTHHOST_JAVA_OPTS is set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/peers.env"
home=${AUTHHOST_HOME:?set AUTHHOST_HOME to a built AuthHost checkout}
dist="$home/host/target/authhost"
[ -d "$dist/lib" ] || { echo "no distribution at $dist: build the checkout first" >&2; exit 1; }
w="$here/run/authhost"
rm -rf "$w"; mkdir -p "$w/config" "$w/www/open" "$w/www/digest" "$w/www/basic"
for d in open digest basic; do cp "$here/run/www/open/$BENCH_FILE" "$w/www/$d/"; done
console_json=""
[ -z "${AUTHHOST_CONSOLE_PORT:-}" ] || console_json=", \"console\": { \"port\": $AUTHHOST_CONSOLE_PORT }"
cat >"$w/config/host.json" <<JSON
{
  "serverName": "benchhost",
  "dataDirectory": "../var",
  "plugins": {
    "directory": "$dist/plugins",
    "order": ["anonymous", "digest", "basic"],
    "settings": {
      "anonymous": { "enabled": true, "properties": { "account": "Guest" } },
      "digest": { "enabled": true, "properties": { "realm": "$BENCH_REALM", "algorithms": "${AUTHHOST_DIGEST_ALGS:-MD5,SHA-256}", "qop": "auth" } },
      "basic": { "enabled": true, "properties": { "realm": "$BENCH_REALM" } },
      "ntlm": { "enabled": false },
      "negotiate": { "enabled": false }
    }
  },
  "http": { "bindAddress": "$BENCH_HOST", "port": ${AUTHHOST_PORT:-18090} },
  "accounts": { "digestRealms": ["$BENCH_REALM"] },
  "publishingPoints": [
    { "name": "open", "prefix": "/open/", "directory": "../www/open", "plugins": ["anonymous"] },
    { "name": "digest", "prefix": "/digest/", "directory": "../www/digest", "plugins": ["digest"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] },
    { "name": "basic", "prefix": "/basic/", "directory": "../www/basic", "plugins": ["basic"],
      "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
  ]$console_json
}
JSON
cd "$w"
export AUTHHOST_JAVA_OPTS=${AUTHHOST_JAVA_OPTS:-$JETTY_JAVA_OPTS}
# The distribution as built: the launcher must not start a build while the harness waits.
export AUTHHOST_NO_BUILD=1
# The launcher execs java: the server keeps this script's pid, as the harness expects.
AUTHHOST_JAVA_OPTS= "$home/authhost" accounts add "$BENCH_USER" --password-stdin --config "$w/config" \
  >&2 <<<"$BENCH_PASS"
[ -z "${AUTHHOST_CONSOLE_PORT:-}" ] || AUTHHOST_JAVA_OPTS= "$home/authhost" accounts add console-admin \
  --group Administrators --password-stdin --config "$w/config" >&2 <<<"${AUTHHOST_CONSOLE_PASS:-console-pass}"
exec "$home/authhost" run --config "$w/config"
