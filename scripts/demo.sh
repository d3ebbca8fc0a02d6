#!/usr/bin/env bash
# Sets up and runs the Lantoa demo on a fresh machine: installs what is missing,
# builds the release binary, seeds the demo network (safe to repeat) and serves
# it on http://127.0.0.1:8080 (change with LANTOA_LISTEN). Data goes to
# ./lantoa-data (change with LANTOA_DATA_DIR).
#
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh --no-postgres
echo "[demo] building (release; the first build takes a few minutes)"
cargo build --release --quiet
exec ./target/release/lantoa demo
