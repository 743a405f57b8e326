#!/usr/bin/env bash
# Builds Vetted's release packages for Linux x86_64 with Tauri's bundler:
#   target/release/bundle/deb/Vetted_<version>_amd64.deb    Debian 12, Ubuntu 22.04+
#   target/release/bundle/rpm/Vetted-<version>-1.x86_64.rpm Fedora, openSUSE, RHEL 9+
# Each holds the app (/usr/bin/vetted-app), the `vetted` CLI (/usr/bin/vetted), a desktop entry
# that opens a database given to it (%f), icons, the license and the demo fixture.
#
# The release build it makes (target/release/vetted-app, target/release/vetted) is the one the
# test command runs its end-to-end suites against, so CI compiles the app once.
#
# The AppImage is not built: Tauri's AppImage bundler downloads linuxdeploy and the AppImage
# runtime from GitHub at build time, and this project's machines reach only crates.io, npm,
# PyPI and Debian (see README, "Install").
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

bash scripts/setup.sh app
echo "==> building the UI"
(cd ui && npm run --silent build)
# One cargo invocation for both binaries: built apart, the CLI and the app would unify their
# dependencies' features differently and compile the core twice.
echo "==> building the app and the CLI (release)"
cargo build --release --locked -p vetted -p vetted-app
echo "==> bundling"
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle --ci --bundles deb,rpm)

echo "==> packages"
for f in target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  awk -v bytes="$(stat -c %s "$f")" -v f="$f" 'BEGIN { printf "%8.1f MB  %s\n", bytes / 1e6, f }'
done
