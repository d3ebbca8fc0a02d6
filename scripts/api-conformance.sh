#!/usr/bin/env bash
# Checks the running API against its own OpenAPI document with schemathesis:
# every operation, generated requests, and three checks on every answer —
# no 5xx, no status code the document does not list for the operation, no
# body outside the document's schema.
#
#   bash scripts/api-conformance.sh [--max-time SECONDS]
#
# Starts `lantoa demo` (SQLite, a throw-away data folder, sandbox platforms)
# on free ports, creates access tokens for two demo users, and runs
# schemathesis once per user: the head of an agency (agency-scoped
# operations) and the system administrator (system operations too).
# schemathesis comes from PyPI into a virtual environment under target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MAX_TIME=90
while [ $# -gt 0 ]; do
  case "$1" in
    --max-time) MAX_TIME="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { printf '[api-conformance] %s\n' "$*"; }

VENV=target/schemathesis-venv
if ! "$VENV/bin/st" --version >/dev/null 2>&1 \
   || ! cmp -s tests/schemathesis/requirements.txt "$VENV/requirements.txt"; then
  log "installing schemathesis into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/schemathesis/requirements.txt
  cp tests/schemathesis/requirements.txt "$VENV/requirements.txt"
fi

BIN=${LANTOA_BIN:-target/debug/lantoa}
[ -x "$BIN" ] || cargo build --quiet --bin lantoa

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
DATA=$(mktemp -d)
export LANTOA_DATA_DIR="$DATA" LANTOA_LISTEN="127.0.0.1:$PORT" LANTOA_LOG=warn
export LANTOA_SANDBOX_LISTEN="127.0.0.1:$(free_port)"
unset LANTOA_DATABASE_URL
APP_PID=
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

log "starting the demo on 127.0.0.1:$PORT"
"$BIN" demo >"$DATA/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$DATA/app.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

token() { "$BIN" token create --username "$1" --name "api conformance" | tail -n 1; }

status=0
for user in baotinh.lanhdao admin; do
  TOKEN=$(token "$user")
  log "schemathesis as $user (at most ${MAX_TIME} s)"
  "$VENV/bin/st" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --max-time "$MAX_TIME" --workers 1 --seed 11 \
    --suppress-health-check all --warnings off \
    --continue-on-failure || status=1
done
if [ "$status" -ne 0 ]; then
  log "the API and its OpenAPI document disagree (see above); the app's log:"
  tail -n 50 "$DATA/app.log"
fi
exit "$status"
