#!/usr/bin/env bash
# Proves that no end-to-end suite can hang the run or leave an app behind (issue #15). Runs two
# deliberately broken suites through run.sh: one fails with its app left running in a session of
# its own, holding the runner's output; one hangs in a WebDriver command with the app up. Each
# run must fail promptly, name the suite (and the hanging command), and leave nothing running.
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  echo "check-reaping: $*" >&2
  exit 1
}

# probe_run NAME LIMIT: runs probes/NAME.probe.mjs with a suite limit of LIMIT s; its output is in
# $out, its duration in $elapsed. It must fail, and nothing of it may survive.
out=$(mktemp -t vetted-reaping.XXXXXX)
trap 'rm -f "$out"' EXIT
probe_run() {
  local suite=probes/$1.probe.mjs limit=$2 prefix=reaping-$1-$$ status=0 started=$SECONDS
  VETTED_E2E_SUITES=$suite VETTED_E2E_SUITE_TIMEOUT=$limit VETTED_E2E_RETRIES=0 \
    VETTED_E2E_RUN_PREFIX=$prefix bash run.sh >"$out" 2>&1 || status=$?
  elapsed=$((SECONDS - started))
  cat "$out"
  [ "$status" -ne 0 ] || fail "run.sh passed $suite (it must fail)"
  grep -q "e2e: FAILED: $suite" "$out" || fail "the last line does not name $suite as failed"
  local survivors
  survivors=$(grep -lsz -F "VETTED_E2E_RUN=$prefix-" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ' || true)
  [ -z "$survivors" ] || fail "processes of $suite survived the run: $survivors"
  # Its limit, the kill grace and the reaping, with room for a slow app start.
  [ "$elapsed" -le $((limit + 45)) ] || fail "$suite took ${elapsed}s with a limit of ${limit}s"
}

probe_run app-left-behind 30
grep -q "e2e: probes/app-left-behind.probe.mjs left these processes running" "$out" ||
  fail "the app the probe left behind was not found and named"
grep -A3 "e2e: probes/app-left-behind.probe.mjs left these processes running" "$out" | grep -q "vetted-app" ||
  fail "the list of stopped processes does not show the app"
left_behind=$elapsed

# The WebDriver command limit (harness.mjs; 60 s in the suites, 30 s here so that the check does
# not wait a minute for the hang it provokes) must end the hang before the suite's limit.
VETTED_E2E_COMMAND_TIMEOUT_MS=30000 probe_run hangs 120
grep -q 'when running "execute/async"' "$out" || fail "the failure does not name the WebDriver command that hung"
grep -q "hangs.probe.mjs:11" "$out" || fail "the failure does not point at the probe's line that hung"

echo "check-reaping: both broken suites failed (${left_behind}s and ${elapsed}s) and left nothing running"
