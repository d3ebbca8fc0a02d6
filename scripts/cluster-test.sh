#!/usr/bin/env bash
# The cluster test: two `lantoa serve` and two `lantoa worker` processes on
# PostgreSQL and an S3 server process behind nginx round-robin, under faults
# (see tests/cluster/run.mjs). Prints a report of the faults and their
# recovery times; exits non-zero on any problem found.
#
#   bash scripts/cluster-test.sh          (after `cargo build --workspace`)
#
# With --load, the same cluster (release build, no faults) takes the mixed
# load of scripts/load.sh instead (tests/cluster/load.mjs): 200 readers and
# 50 tus uploaders for 5 minutes; the other arguments go to `lantoa-bench load`.
#
#   bash scripts/cluster-test.sh --load [--duration 30]
#
# It restarts the local PostgreSQL cluster once (pg_ctlcluster), so it runs
# after the other suites that use the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
  echo "[cluster] installing nginx"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
}
if [[ "${1:-}" == "--load" ]]; then
  shift
  cargo build --release --quiet -p lantoa -p lantoa-bench --bins
  export LANTOA_BIN="$PWD/target/release/lantoa" LANTOA_S3_BIN="$PWD/target/release/lantoa-s3" \
    LANTOA_BENCH_BIN="$PWD/target/release/lantoa-bench"
  exec node tests/cluster/load.mjs "$@"
fi
[ -x target/debug/lantoa ] && [ -x target/debug/lantoa-s3 ] \
  || cargo build --quiet -p lantoa -p lantoa-bench --bins

exec node tests/cluster/run.mjs
