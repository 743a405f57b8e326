#!/usr/bin/env bash
# Runs the end-to-end suites against the already built app (target/debug/vetted-app) under Xvfb,
# one suite file at a time (WebDriver ports are fixed at 4444/4445).
#
# WebKitWebDriver occasionally dies under load on a shared machine (the session request then
# fails with UND_ERR_SOCKET and every later step times out). A suite that fails is therefore run
# once more after the driver processes are cleaned up, and the retry is reported loudly; a suite
# that fails twice fails the run.
set -euo pipefail
cd "$(dirname "$0")"
test -x ../target/debug/vetted-app || { echo "build the app first: cargo build -p vetted-app" >&2; exit 1; }

run_suite() {
  xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 "$1"
}

clean_drivers() {
  pkill -f '(^|/)WebKitWebDriver( |$)' 2>/dev/null || true
  pkill -f '(^|/)tauri-driver( |$)' 2>/dev/null || true
  pkill -f 'target/debug/vetted-app' 2>/dev/null || true
  sleep 2
}

failed=()
retried=()
for suite in tests/*.test.mjs; do
  if run_suite "$suite"; then
    continue
  fi
  echo "e2e: $suite FAILED; cleaning up WebDriver processes and running it once more" >&2
  retried+=("$suite")
  clean_drivers
  run_suite "$suite" || failed+=("$suite")
done

if [ ${#retried[@]} -gt 0 ]; then
  echo "e2e: suites that needed a second run: ${retried[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "e2e: suites that failed twice: ${failed[*]}" >&2
  exit 1
fi
echo "e2e: all suites passed"
