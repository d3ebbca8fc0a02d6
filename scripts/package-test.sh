#!/usr/bin/env bash
# Tests the Debian package: built with cargo-deb from the debug binary that
# scripts/test.sh already built (no release build: a debug binary in a test
# package is fine), installed with dpkg, its unit checked with
# `systemd-analyze verify`, its ExecStart run as the lantoa user with the
# unit's environment and working folder (systemd is not PID 1 here, so the
# unit itself cannot be started), /healthz and /readyz checked and the data
# folder looked at; then the process is stopped and the package purged.
# Needs root (or sudo) and cargo-deb (scripts/install-deps.sh installs it).
#
#   bash scripts/package-test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[package] %s\n' "$*"; }
die() { printf '[package] FAILED: %s\n' "$*" >&2; exit 1; }

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/debug/lantoa"
UNIT=/lib/systemd/system/lantoa.service
DATA=/var/lib/lantoa

command -v cargo-deb >/dev/null 2>&1 || die "cargo-deb is missing: run scripts/install-deps.sh"
if [ ! -x "$BIN" ]; then
  log "no debug binary yet: cargo build -p lantoa --bin lantoa"
  cargo build --quiet -p lantoa --bin lantoa
fi

# One package test at a time on this machine (dpkg, the lantoa user and
# /var/lib/lantoa are shared).
exec 9>/tmp/lantoa-package-test.lock
flock 9

if dpkg-query -W -f='${Status}' lantoa 2>/dev/null | grep -q 'install ok installed'; then
  die "a lantoa package is already installed here; this test installs and purges its own"
fi
had_user=0; getent passwd lantoa >/dev/null && had_user=1
had_data=0; [ -e "$DATA" ] && had_data=1

PID=""
cleanup() {
  local rc=$?
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  "${SUDO[@]}" dpkg --purge lantoa >/dev/null 2>&1 || true
  [ "$had_data" -eq 1 ] || "${SUDO[@]}" rm -rf "$DATA"
  if [ "$had_user" -eq 0 ] && getent passwd lantoa >/dev/null; then
    "${SUDO[@]}" deluser --system lantoa >/dev/null 2>&1 || true
    "${SUDO[@]}" delgroup --system lantoa >/dev/null 2>&1 || true
  fi
  rm -rf "$OUT"
  exit "$rc"
}
mkdir -p "$TARGET"
OUT="$(mktemp -d "$TARGET/package-test.XXXXXX")"
trap cleanup EXIT

# cargo-deb packs target/release/lantoa: a target folder of the test's own
# whose release binary is a hard link to the debug one (cargo-deb's dev
# profile is deprecated), not stripped, compressed fast (stripping a debug
# binary and gzip took minutes here; this takes seconds).
mkdir -p "$OUT/target/release"
ln "$BIN" "$OUT/target/release/lantoa" 2>/dev/null || cp "$BIN" "$OUT/target/release/lantoa"
log "cargo deb --no-build (the debug binary, $(du -h "$BIN" | cut -f1))"
start=$(date +%s)
CARGO_TARGET_DIR="$OUT/target" cargo deb -p lantoa --no-build --no-strip --fast -o "$OUT/" >/dev/null
DEB="$(ls "$OUT"/*.deb)"
log "built $(basename "$DEB") ($(du -h "$DEB" | cut -f1)) in $(( $(date +%s) - start )) s"
dpkg-deb --info "$DEB" | grep -E '^ (Package|Version|Depends|Recommends):' | sed 's/^ /[package]   /'
contents="$(dpkg-deb --contents "$DEB")"
for f in ./usr/bin/lantoa ./etc/lantoa/lantoa.toml ./lib/systemd/system/lantoa.service \
         ./lib/systemd/system/lantoa-worker.service; do
  grep -q " $f\$" <<<"$contents" || die "$f is not in the package"
done

log "dpkg -i (apt-get install -f for what it depends on)"
if ! "${SUDO[@]}" dpkg -i "$DEB" >/dev/null; then
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q >/dev/null
fi
dpkg-query -W -f='${Status}' lantoa | grep -q 'install ok installed' || die "not installed"
dpkg-query -W -f='${Conffiles}\n' lantoa | grep -q '/etc/lantoa/lantoa.toml' \
  || die "/etc/lantoa/lantoa.toml is not a conffile"
getent passwd lantoa >/dev/null || die "no lantoa user"
[ "$(stat -c '%U %a' "$DATA")" = "lantoa 750" ] || die "$DATA is $(stat -c '%U %a' "$DATA"), not lantoa 750"
[ "$(stat -c '%U:%G %a' /etc/lantoa/lantoa.toml)" = "root:lantoa 640" ] \
  || die "/etc/lantoa/lantoa.toml is $(stat -c '%U:%G %a' /etc/lantoa/lantoa.toml)"

if command -v systemd-analyze >/dev/null 2>&1; then
  log "systemd-analyze verify"
  for u in lantoa.service lantoa-worker.service; do
    if ! out="$(systemd-analyze verify "/lib/systemd/system/$u" 2>&1)"; then
      printf '%s\n' "$out" >&2
      die "systemd-analyze verify $u"
    fi
    # Warnings about the machine (no systemd running) are not the unit's fault;
    # anything naming the unit file is.
    if grep -q "$u:" <<<"$out"; then printf '%s\n' "$out" >&2; die "$u has warnings"; fi
  done
else
  log "systemd-analyze not found: unit files not verified"
fi

# The unit's ExecStart, Environment and WorkingDirectory, as systemd would use them.
exec_start="$(sed -n 's/^ExecStart=//p' "$UNIT")"
workdir="$(sed -n 's/^WorkingDirectory=//p' "$UNIT")"
mapfile -t unit_env < <(sed -n 's/^Environment=//p' "$UNIT")
[ -f /etc/lantoa/environment ] && mapfile -t -O "${#unit_env[@]}" unit_env < <(grep -E '^[A-Z_]+=' /etc/lantoa/environment)
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log "as lantoa: $exec_start (LANTOA_LISTEN=127.0.0.1:$PORT: a free port instead of 8080)"
read -r -a cmd <<<"$exec_start"
(
  cd "$workdir"
  exec "${SUDO[@]}" setpriv --reuid=lantoa --regid=lantoa --init-groups --no-new-privs \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${unit_env[@]}" \
    LANTOA_LISTEN="127.0.0.1:$PORT" "${cmd[@]}"
) >"$OUT/lantoa.log" 2>&1 &
PID=$!

ready=0
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then cat "$OUT/lantoa.log" >&2; die "/readyz did not answer 200"; fi
for path in /healthz /readyz; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")"
  [ "$code" = 200 ] || die "$path answered $code"
done
log "/healthz and /readyz answer 200"
for f in lantoa.db secrets.toml media; do
  [ -e "$DATA/$f" ] || die "$DATA/$f was not created"
  [ "$(stat -c '%U' "$DATA/$f")" = lantoa ] || die "$DATA/$f is not the lantoa user's"
done
[ "$(stat -c '%a' "$DATA/secrets.toml")" = 600 ] || die "$DATA/secrets.toml is not mode 0600"
log "$DATA holds lantoa.db, secrets.toml (0600) and media/, owned by lantoa"

kill -TERM "$PID"
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$PID" 2>/dev/null; then die "still running 20 s after SIGTERM"; fi
wait "$PID" || die "exited with $? after SIGTERM"
PID=""
log "stopped on SIGTERM with status 0"

"${SUDO[@]}" dpkg --purge lantoa >/dev/null
[ ! -e /usr/bin/lantoa ] || die "/usr/bin/lantoa left after purge"
[ ! -e /etc/lantoa/lantoa.toml ] || die "/etc/lantoa/lantoa.toml left after purge"
log "purged; the package test passed"
