#!/usr/bin/env bash
# Runs the end-to-end suites against the already built app (target/debug/vetted-app) under Xvfb.
# WebDriver ports are fixed (4444/4445), so suites run one at a time.
set -euo pipefail
cd "$(dirname "$0")"
test -x ../target/debug/vetted-app || { echo "build the app first: cargo build -p vetted-app" >&2; exit 1; }
exec xvfb-run -a -s "-screen 0 1280x800x24" npm test --silent
