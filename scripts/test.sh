#!/usr/bin/env bash
# Runs every test of Lantoa, as CI does:
#   format and lint checks, the Rust suite on SQLite and again on PostgreSQL,
#   the API checked against its OpenAPI document (schemathesis), the Debian
#   package installed and started (scripts/package-test.sh), the real-browser
#   test on both engines, and the cluster test (2 serve + 2 worker on
#   PostgreSQL and an S3 process behind nginx, under faults).
# Installs what is missing first (ffmpeg, chromium, playwright-core) and starts
# PostgreSQL when it is down.
#
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '\n[test] %s\n' "$*"; }

bash scripts/install-deps.sh

PG_ADMIN_URL="${LANTOA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export LANTOA_TEST_PG_URL="$PG_ADMIN_URL"

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

log "crate layering (the README's code map)"
bash scripts/check-layers.sh

log "product files within 800 lines, functions within 120"
python3 scripts/code-sizes.py --check

log "build"
cargo build --quiet --workspace --all-targets

# The crates beside the product (lint, media, platforms, sandbox) know no
# database: their tests run once; the product's run on both engines.
if cargo nextest --version >/dev/null 2>&1; then
  run_suite() { cargo nextest run --no-fail-fast "$@"; }
  run_ingest_group() { cargo nextest run --no-fail-fast -p lantoa -E 'test(/uploads::|ingest::|isolation::|publish::|crash_publish::|backup::/)'; }
else
  run_suite() { cargo test --no-fail-fast "$@"; }
  run_ingest_group() { cargo test --no-fail-fast -p lantoa --test api -- uploads:: ingest:: isolation:: publish:: crash_publish:: backup::; }
fi

log "Rust tests on SQLite, every crate"
LANTOA_TEST_DB=sqlite run_suite --workspace

log "Rust tests on PostgreSQL, the product"
LANTOA_TEST_DB=postgres run_suite -p lantoa

log "ingest, publishing and backup tests with S3 storage (in-process S3 server)"
LANTOA_TEST_DB=sqlite LANTOA_TEST_STORAGE=s3 run_ingest_group

log "API against its OpenAPI document (schemathesis: no 5xx, no undocumented status, no body outside its schema)"
bash scripts/api-conformance.sh --max-time 90

log "the sandbox driven by the platforms' own client libraries"
bash scripts/platform-clients.sh

log "the Debian package: built from the debug binary, installed, its unit's command run as the lantoa user, purged"
bash scripts/package-test.sh

log "browser test on SQLite"
node --test tests/browser/

log "browser test on PostgreSQL"
# One fresh database per test file: each file starts its own demo, whose
# media live in its own data folder.
DB="lantoa_browser_$$"
trap 'psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
for f in tests/browser/*.test.mjs; do
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB" >/dev/null
  LANTOA_BROWSER_DATABASE_URL="${PG_ADMIN_URL%/*}/$DB" node --test "$f"
done

# Last: it restarts the local PostgreSQL server once, as one of its faults.
log "cluster: 2 serve + 2 worker on PostgreSQL and an S3 process behind nginx, under faults (report below)"
bash scripts/cluster-test.sh

log "all tests passed"
