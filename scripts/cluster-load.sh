#!/usr/bin/env bash
# The mixed load of scripts/load.sh (200 readers, 50 tus uploaders, 5 minutes)
# against the cluster of the cluster test: two `lantoa serve` and two
# `lantoa worker` on PostgreSQL and an S3 server process, behind nginx
# round-robin (tests/cluster/load.mjs). Release build; no faults.
#
#   bash scripts/cluster-load.sh                  # 300 s
#   bash scripts/cluster-load.sh --duration 30    # a quick run
#
# Every argument goes to `lantoa-bench load`. Needs the local PostgreSQL
# (LANTOA_TEST_PG_URL, postgres://postgres@127.0.0.1:5432/postgres by default).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
  echo "[cluster-load] installing nginx"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
}
cargo build --release --quiet -p lantoa -p lantoa-bench --bins
export LANTOA_BIN="$PWD/target/release/lantoa" LANTOA_S3_BIN="$PWD/target/release/lantoa-s3" \
  LANTOA_BENCH_BIN="$PWD/target/release/lantoa-bench"
exec node tests/cluster/load.mjs "$@"
