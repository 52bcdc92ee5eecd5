#!/usr/bin/env bash
# The RTSP front's load comparison, one run: N sessions straight to an origin, then the same N
# through AuthHost's RTSP front (with Digest), each for SECONDS; prints both JSON summaries.
# The origin and AuthHost are yours to start (the origin: host/src/test/resources/rtsp/origin.py
# PORT, under /usr/bin/python3; AuthHost with an "rtsp" section and a point whose origin is it).
#   ORIGIN=rtsp://127.0.0.1:8554/test AUTHHOST=rtsp://127.0.0.1:8654/cam/test \
#   USER=alice PASSWORD=... SESSIONS=50 SECONDS=20 bench/rtsp-load.sh
# Not run by the build; on a shared machine keep SESSIONS and SECONDS small.
set -euo pipefail
cd "$(dirname "$0")"
: "${ORIGIN:?the origin's stream URL}" "${AUTHHOST:?the same stream through AuthHost}"
: "${USER:?an AuthHost account}" "${PASSWORD:?its password}"
SESSIONS=${SESSIONS:-10}
SECONDS_EACH=${SECONDS:-10}
echo "# direct to the origin"
python3 rtsp-load.py "$ORIGIN" --sessions "$SESSIONS" --seconds "$SECONDS_EACH"
echo "# through AuthHost"
python3 rtsp-load.py "$AUTHHOST" --sessions "$SESSIONS" --seconds "$SECONDS_EACH" \
  --user "$USER" --password "$PASSWORD"
