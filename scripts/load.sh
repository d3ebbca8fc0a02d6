#!/usr/bin/env bash
# Mixed load on Lantoa: 200 people reading the *to approve* queue, the clip
# list, clip pages, dashboards, insights and the overseer's overview while 50
# upload (tus, 1 MiB PATCHes), for 5 minutes. Prints per page requests,
# errors, p50/p99 and requests/s, and uploads/s and MB/s (`lantoa-bench load`).
#
#   bash scripts/load.sh                          # starts `lantoa demo` (SQLite, fresh folder) and loads it
#   bash scripts/load.sh --duration 30            # a quick run
#   LOAD_BASE_URL=http://proxy:8080 bash scripts/load.sh   # an install already running the demo network
#
# Every other argument goes to `lantoa-bench load` (--readers, --uploads,
# --think-ms, --upload-mib, --chunk-mib; see `lantoa-bench load --help`).
# Against a running install, the demo's people must exist (`lantoa demo
# --no-serve` seeds them) and each writer may hold ceil(uploads / 12) uploads
# open at once (LANTOA_MAX_OPEN_UPLOADS_PER_USER, 10 by default: enough).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo build --release --quiet -p lantoa -p lantoa-bench
BENCH=./target/release/lantoa-bench

if [[ -n "${LOAD_BASE_URL:-}" ]]; then
  exec "$BENCH" load --base-url "$LOAD_BASE_URL" "$@"
fi

PORT="${LOAD_PORT:-8097}"
DATA="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
LANTOA_LISTEN="127.0.0.1:$PORT" LANTOA_DATA_DIR="$DATA" LANTOA_LOG=warn \
  ./target/release/lantoa demo >"$DATA/demo.log" 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { cat "$DATA/demo.log"; exit 1; }
  sleep 0.2
done
"$BENCH" load --base-url "http://127.0.0.1:$PORT" "$@"
