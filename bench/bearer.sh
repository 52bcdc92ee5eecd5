#!/usr/bin/env bash
# Bearer tokens against open requests on one AuthHost, in the same run (issue 15): wrk -t2 -c64
# on a 1 KiB file, /open/ (Anonymous) and /bearer/ (a token of the real OpenID provider of
# host/src/test/oidc, verified once, then remembered until it expires). Needs a built distribution
# (./mvnw -B -q -DskipTests package), npm ci --prefix host/src/test/oidc, wrk, curl, python3.
# Every process it starts is stopped by PID at the end. About 2 minutes.
set -euo pipefail
WT=$(cd "$(dirname "$0")/.." && pwd); B=${BEARER_BENCH_DIR:-$(mktemp -d)}; DIST=$WT/host/target/authhost
rm -rf $B/root; mkdir -p $B/root/{config,plugins,var,media}
cp $DIST/plugins/authhost-plugin-anonymous.jar $DIST/plugins/authhost-plugin-bearer.jar $B/root/plugins/
head -c 1024 /dev/zero | tr '\0' 'a' > $B/root/media/1k.txt
PP=${BEARER_BENCH_OIDC_PORT:-39417}; HP=${BEARER_BENCH_PORT:-18091}
node -e '
const { generateKeyPairSync } = require("crypto");
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = privateKey.export({ format: "jwk" }); jwk.kid="b1"; jwk.use="sig"; jwk.alg="RS256";
require("fs").writeFileSync(process.argv[1], JSON.stringify({issuer:"http://127.0.0.1:'$PP'",port:'$PP',jwks:{keys:[jwk]},audience:"authhost",accessTokenTTL:3600,clients:[{client_id:"bench",client_secret:"s",claims:{preferred_username:"bench"}}]}));' $B/root/oidc.json
cat > $B/root/config/host.json <<JSON
{ "serverName": "bench", "dataDirectory": "../var",
  "plugins": { "directory": "../plugins", "order": ["anonymous", "bearer"],
    "settings": {
      "anonymous": { "capabilities": ["token-without-credential"], "properties": { "account": "Guest" } },
      "bearer": { "capabilities": ["token-without-credential", "principal-token"],
        "properties": { "issuer": "http://127.0.0.1:$PP", "audience": "authhost" } } } },
  "eventLog": { "auditSummarySeconds": 60 },
  "http": { "port": $HP },
  "publishingPoints": [
    { "name": "open", "prefix": "/open/", "directory": "../media", "plugins": ["anonymous"] },
    { "name": "bearer", "prefix": "/bearer/", "directory": "../media", "plugins": ["bearer"],
      "acl": [ { "principal": "bench", "rights": ["read"] } ] } ] }
JSON
echo bench-pass | $DIST/bin/authhost accounts add bench --password-stdin --config $B/root/config >/dev/null
node $WT/host/src/test/oidc/provider.js $B/root/oidc.json > $B/root/oidc.log 2>&1 & OIDC=$!
$DIST/bin/authhost run --config $B/root/config > $B/root/host.log 2>&1 & HOST=$!
trap 'kill $HOST $OIDC 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$HP/open/1k.txt && break; sleep 0.3; done
T=$(curl -s -u bench:s -d grant_type=client_credentials -d scope=stream http://127.0.0.1:$PP/token | python3 -c 'import sys,json;print(json.load(sys.stdin)["access_token"])')
curl -s -o /dev/null -w "bearer check: %{http_code}\n" -H "Authorization: Bearer $T" http://127.0.0.1:$HP/bearer/1k.txt
wrk -t2 -c64 -d5s http://127.0.0.1:$HP/open/1k.txt >/dev/null
wrk -t2 -c64 -d5s -H "Authorization: Bearer $T" http://127.0.0.1:$HP/bearer/1k.txt >/dev/null
for r in 1 2 3; do
  echo "open:   $(wrk -t2 -c64 -d10s http://127.0.0.1:$HP/open/1k.txt | grep -E 'Requests/sec|Non-2xx')"
  echo "bearer: $(wrk -t2 -c64 -d10s -H "Authorization: Bearer $T" http://127.0.0.1:$HP/bearer/1k.txt | grep -E 'Requests/sec|Non-2xx')"
done
nproc; uptime
