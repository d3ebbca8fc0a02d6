#!/usr/bin/env bash
# The crates' layering, as the README's code map draws it: each crate may use
# only the workspace crates listed for it here (normal and build dependencies,
# found with `cargo tree`). The parts beside the product never depend on it.
#
#   bash scripts/check-layers.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

declare -A allowed=(
  [lantoa-lint]=""
  [lantoa-media]=""
  [lantoa-platforms]="lantoa-lint"
  [lantoa-sandbox]=""
  [lantoa]="lantoa-lint lantoa-media lantoa-platforms lantoa-sandbox"
  [lantoa-bench]="lantoa lantoa-lint lantoa-media lantoa-platforms lantoa-sandbox"
)

status=0
for crate in "${!allowed[@]}"; do
  used=$(cargo tree --offline -q -p "$crate" -e normal,build --prefix none --all-features \
    | awk '$1 ~ /^lantoa(-[a-z]+)?$/ {print $1}' | sort -u | grep -vx "$crate" || true)
  for dep in $used; do
    if [[ " ${allowed[$crate]} " != *" $dep "* ]]; then
      echo "layering: $crate must not depend on $dep" >&2
      status=1
    fi
  done
done
[[ $status -eq 0 ]] && echo "layering: every crate uses only what the code map allows"
exit $status
