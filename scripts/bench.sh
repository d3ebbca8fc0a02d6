#!/usr/bin/env bash
# Foundation figures, measured side by side with a baseline in the same run:
#   - binary size;
#   - cold start: spawn → /readyz answers 200, against spawn → `lantoa --version` exits;
#   - idle memory (RSS) after start-up and after the load;
#   - requests/s on the dashboard as a signed-in user (wrk, 2 threads, 32 connections),
#     against /healthz (no database, no session) as the baseline.
# Uses a release build, SQLite, a throw-away data folder. Installs wrk when missing.
#
#   bash scripts/bench.sh [seconds-per-wrk-run]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION="${1:-10}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "[bench] installing wrk"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk) >/dev/null
fi
cargo build --release --quiet
BIN=./target/release/lantoa
DATA="$(mktemp -d)"
PORT=18931
export LANTOA_DATA_DIR="$DATA" LANTOA_LISTEN="127.0.0.1:$PORT" LANTOA_LOG=warn
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

"$BIN" demo --no-serve >/dev/null

now_ms() { date +%s%3N; }
wait_ready() { until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.005; done; }

# Cold start, 5 runs each.
starts=(); versions=()
for _ in 1 2 3 4 5; do
  t0=$(now_ms); "$BIN" --version >/dev/null; t1=$(now_ms); versions+=($((t1 - t0)))
  t0=$(now_ms); "$BIN" serve >/dev/null 2>&1 & PID=$!; wait_ready; t1=$(now_ms); starts+=($((t1 - t0)))
  kill -TERM "$PID"; wait "$PID" || true
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
START_MS=$(median "${starts[@]}"); VERSION_MS=$(median "${versions[@]}")

"$BIN" serve >/dev/null 2>&1 & PID=$!
wait_ready
sleep 1
RSS_IDLE=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

# Sign in as a demo editor and find the dashboard.
JAR="$DATA/cookies"
CSRF=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
DASH=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode "_csrf=$CSRF" --data-urlencode "username=baotinh.bientap" --data-urlencode "password=lantoa-demo" \
  "http://127.0.0.1:$PORT/login")
DASH=$(curl -s -b "$JAR" -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$PORT/")
SESSION=$(awk '$6 == "lantoa_session" {print $7}' "$JAR")
test -n "$SESSION" || { echo "sign-in failed"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: lantoa_session=$SESSION" "$DASH")
test "$code" = 200 || { echo "dashboard answered $code"; exit 1; }

rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
BASE_RPS=$(rps "http://127.0.0.1:$PORT/healthz")
DASH_RPS=$(rps -H "Cookie: lantoa_session=$SESSION" "$DASH")
RSS_AFTER=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
SIZE=$(stat -c %s "$BIN")

echo
echo "Lantoa foundation figures ($(nproc) cores, SQLite, release build)"
printf '%-44s %12s %12s %8s\n' "figure" "value" "baseline" "ratio"
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }'; }
printf '%-44s %10s MB %12s %8s\n' "binary size" "$(div "$SIZE" 1048576)" "-" "-"
printf '%-44s %9s ms %9s ms %8s\n' "cold start to /readyz (vs --version exit)" "$START_MS" "$VERSION_MS" "$(div "$START_MS" "$VERSION_MS")"
printf '%-44s %10s MB %12s %8s\n' "idle RSS after start-up" "$(div "$RSS_IDLE" 1024)" "-" "-"
printf '%-44s %10s MB %12s %8s\n' "RSS after the load" "$(div "$RSS_AFTER" 1024)" "-" "-"
printf '%-44s %12s %12s %8s\n' "dashboard req/s, signed in (vs /healthz)" "$DASH_RPS" "$BASE_RPS" "$(div "$DASH_RPS" "$BASE_RPS")"
