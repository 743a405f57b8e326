#!/usr/bin/env bash
# Installs everything Vetted needs on Debian 12 (run as root; Rust, Node 20 and Python 3.11 are
# assumed). Idempotent: what is already there is skipped, so a second run takes seconds.
#
#   scripts/setup.sh app    system libraries + UI packages (enough to build and run the app)
#   scripts/setup.sh test   the above + WebDriver tooling for end-to-end tests, and pyarrow
#                           (.venv-parquet) for scripts/test-parquet.sh
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-test}
step() { printf '\n==> %s\n' "$*"; }

apt_packages=(libwebkit2gtk-4.1-dev libdbus-1-dev build-essential pkg-config xvfb xauth)
if [ "$want" = test ]; then
  # desktop-file-utils and rpm check the packages scripts/package.sh builds (test-package.sh);
  # postgresql runs the throwaway server of scripts/with-postgres.sh, openssl makes its TLS
  # certificates.
  apt_packages+=(webkit2gtk-driver imagemagick dbus gnome-keyring desktop-file-utils rpm postgresql openssl)
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

step "npm: UI packages"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)

if [ "$want" = test ]; then
  step "npm: end-to-end test packages"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  step "python: pyarrow for the Parquet test (.venv-parquet)"
  bash scripts/setup-parquet.sh
  if ! command -v tauri-driver >/dev/null 2>&1; then
    step "cargo: installing tauri-driver"
    cargo install tauri-driver --version '^2' --locked
  fi
fi
