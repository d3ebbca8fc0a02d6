#!/usr/bin/env bash
# Installs what Lantoa's tests need beyond the Rust toolchain. Idempotent:
# installs only what is missing, and runs `apt-get update` at most once.
#
#   bash scripts/install-deps.sh [--no-postgres]
#
# System packages: ffmpeg, chromium (for tests/browser), espeak-ng, and the
# Noto fonts (fonts-noto-core) subtitles are burned in with.
# npm: playwright-core in tests/browser (from package-lock.json).
# cargo: cargo-deb (pinned), for the package test.
# PostgreSQL: started with pg_ctlcluster if it is not accepting connections.
set -euo pipefail

log() { printf '[deps] %s\n' "$*"; }

WITH_POSTGRES=1
for arg in "$@"; do
  case "$arg" in
    --no-postgres) WITH_POSTGRES=0 ;;
    -h|--help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      log "unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    log "not root and sudo not found: system packages cannot be installed" >&2
  fi
fi

# --- system packages -------------------------------------------------------
# "command to look for:Debian package"
WANTED=(
  "ffmpeg:ffmpeg"
  "chromium:chromium"
  "espeak-ng:espeak-ng"
  # The cluster test's load balancer.
  "nginx:nginx-light"
)

MISSING=()
for entry in "${WANTED[@]}"; do
  cmd="${entry%%:*}"
  pkg="${entry#*:}"
  if command -v "$cmd" >/dev/null 2>&1; then
    log "$cmd: present"
  else
    log "$cmd: missing (package $pkg)"
    MISSING+=("$pkg")
  fi
done

# The font subtitles are burned in with (libass finds it through fontconfig):
# Noto Sans draws every Vietnamese letter.
if [ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ]; then
  log "fonts-noto-core: present"
else
  log "fonts-noto-core: missing (package fonts-noto-core)"
  MISSING+=("fonts-noto-core")
fi

# The API conformance run makes a Python virtual environment.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  log "python3 venv: missing (package python3-venv)"
  MISSING+=("python3-venv")
fi

if [ "${#MISSING[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  log "apt-get install ${MISSING[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${MISSING[@]}"
else
  log "system packages: nothing to install"
fi

# --- Python packages for the tus client test -------------------------------
if python3 -c "import tusclient" >/dev/null 2>&1; then
  log "tuspy: present"
else
  log "pip install tuspy (tests/tus/requirements.txt)"
  python3 -m pip install --quiet --disable-pip-version-check -r "$ROOT/tests/tus/requirements.txt"
fi

# --- npm packages for the browser tests ------------------------------------
BROWSER_DIR="$ROOT/tests/browser"
if [ -f "$BROWSER_DIR/package.json" ]; then
  if [ -d "$BROWSER_DIR/node_modules/playwright-core" ]; then
    log "playwright-core: present"
  else
    log "npm ci in tests/browser"
    (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund)
  fi
fi

# --- cargo-deb, for the package test (scripts/package-test.sh) ---------------
# Built once (a few minutes), then kept in ~/.cargo/bin.
CARGO_DEB_VERSION=3.8.0
if cargo deb --version 2>/dev/null | grep -qF "$CARGO_DEB_VERSION"; then
  log "cargo-deb $CARGO_DEB_VERSION: present"
else
  log "cargo install cargo-deb --version $CARGO_DEB_VERSION --locked"
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi

# --- PostgreSQL --------------------------------------------------------------
if [ "$WITH_POSTGRES" -eq 0 ]; then
  log "postgres: skipped (--no-postgres)"
  exit 0
fi

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }

if ! command -v pg_isready >/dev/null 2>&1; then
  log "postgres: pg_isready not found; skipping the PostgreSQL check" >&2
elif pg_ready; then
  log "postgres: ready on 127.0.0.1:5432"
elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  started=0
  for version in $(ls /etc/postgresql); do
    [ -d "/etc/postgresql/$version/main" ] || continue
    log "postgres: starting cluster $version/main"
    if "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
      started=1
    else
      log "postgres: pg_ctlcluster $version main start failed (it may already be starting)" >&2
    fi
  done
  [ "$started" -eq 1 ] || log "postgres: no cluster was started" >&2
  for _ in $(seq 1 30); do
    if pg_ready; then
      log "postgres: ready on 127.0.0.1:5432"
      exit 0
    fi
    sleep 1
  done
  log "postgres: not ready after 30 s" >&2
  exit 1
else
  log "postgres: not ready and pg_ctlcluster not found" >&2
  exit 1
fi
