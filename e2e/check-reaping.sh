#!/usr/bin/env bash
# Proves that no end-to-end suite can hang the run or leave an app behind (issue #15): runs two
# deliberately broken suites through run.sh — one fails with its app left running in a session of
# its own, holding the runner's output; one hangs with the app up — and checks that run.sh fails
# promptly, names both, and that no process of theirs survives.
set -euo pipefail
cd "$(dirname "$0")"

prefix=reaping-probe-$$
limit=60
out=$(mktemp -t vetted-reaping.XXXXXX)
trap 'rm -f "$out"' EXIT
started=$SECONDS
status=0
VETTED_E2E_SUITES="probes/app-left-behind.probe.mjs probes/hangs.probe.mjs" \
  VETTED_E2E_SUITE_TIMEOUT=$limit VETTED_E2E_RETRIES=0 VETTED_E2E_RUN_PREFIX=$prefix \
  bash run.sh >"$out" 2>&1 || status=$?
elapsed=$((SECONDS - started))
cat "$out"

fail() {
  echo "check-reaping: $*" >&2
  exit 1
}
[ "$status" -ne 0 ] || fail "run.sh passed two broken suites (it must fail)"
# Two suites of at most $limit s each, the kill grace, the reaping and the app's start-up.
[ "$elapsed" -le $((2 * limit + 90)) ] || fail "run.sh took ${elapsed}s for two suites limited to ${limit}s each"
grep -q "e2e: probes/hangs.probe.mjs did not finish within ${limit}s" "$out" ||
  grep -q "probe: hangs with the app running" "$out" ||
  fail "the output does not name the hanging suite's step"
grep -q "e2e: probes/app-left-behind.probe.mjs left these processes running" "$out" ||
  fail "the app the first probe left behind was not found and named"
grep -q "e2e: FAILED: probes/app-left-behind.probe.mjs probes/hangs.probe.mjs" "$out" ||
  fail "the final line does not name both failed suites"
survivors=$(grep -lsz -F "VETTED_E2E_RUN=$prefix-" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ' || true)
[ -z "$survivors" ] || fail "processes of the probe runs survived: $survivors"
echo "check-reaping: both broken suites failed in ${elapsed}s and left nothing running"
