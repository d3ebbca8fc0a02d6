#!/usr/bin/env bash
# Drives `lantoa mock-platforms` with the platforms' own client libraries, so
# the sandbox is held to what the platforms' clients send and expect, never to
# Lantoa's connectors: Google's google-api-python-client (YouTube), Meta's
# facebook-business SDK (Facebook Reels), and plain `requests` following the
# documented protocol for TikTok and Zalo (neither keeps a maintained Python
# client for these APIs). Each script under tests/platform-clients/ uploads a
# generated video and checks that its bytes and every metadata field arrived,
# through the sandbox's record of what it received.
#
#   bash scripts/platform-clients.sh
#
# The clients come from PyPI into a virtual environment under target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[platform-clients] %s\n' "$*"; }

REQ=tests/platform-clients/requirements.txt
VENV=target/platform-clients-venv
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1 \
   || ! cmp -s "$REQ" "$VENV/requirements.txt"; then
  log "installing the platforms' client libraries into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/requirements.txt"
fi

BIN=${LANTOA_BIN:-target/debug/lantoa}
[ -x "$BIN" ] || cargo build --quiet --bin lantoa

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
MOCK_PID=
cleanup() {
  # The mock dies of the TERM: its status must not become the script's (set -e).
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && { wait "$MOCK_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" mock-platforms --listen "127.0.0.1:$PORT" >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/__admin/records" >/dev/null 2>&1 && break
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$WORK/mock.log"; exit 1; }
  sleep 0.1
done

# A short generated clip every script uploads (ffmpeg's test source).
ffmpeg -loglevel error -y -f lavfi -i testsrc2=size=360x640:rate=30:duration=3 \
  -f lavfi -i sine=frequency=440:duration=3 -c:v libx264 -pix_fmt yuv420p -c:a aac \
  -shortest -movflags +faststart "$WORK/clip.mp4"

export MOCK_URL="http://127.0.0.1:$PORT" CLIP="$WORK/clip.mp4"
failed=0
for t in tests/platform-clients/test_*.py; do
  log "$t"
  if ! "$VENV/bin/python" "$t"; then
    failed=1
    log "FAILED: $t"
  fi
done
if [ "$failed" != 0 ]; then
  log "mock-platforms log:"; tail -n 50 "$WORK/mock.log"
  exit 1
fi
log "every client library's upload arrived whole"
