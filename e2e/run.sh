#!/usr/bin/env bash
# Runs the end-to-end suites against the already built app (target/debug/vetted-app, or
# $VETTED_E2E_APP) on one Xvfb
# display, one suite file at a time (WebDriver ports are fixed at 4444/4445).
#
#   bash e2e/run.sh                  # every tests/*.test.mjs
#   VETTED_E2E_SUITES="tests/a.test.mjs …" bash e2e/run.sh
#
# No suite can hang the run (issue #15):
# - every suite has a time limit (VETTED_E2E_SUITE_TIMEOUT seconds, 600 by default; each test in
#   it 80 % of that) and every WebDriver command one of 60 s (harness.mjs), so a hang becomes a
#   failure that names the suite and the step;
# - every process a suite starts carries VETTED_E2E_RUN=<a token of that suite run> in its
#   environment, whoever started it; after the suite, whatever still carries the token (an app
#   whose drivers died, a stray child holding an output pipe) is stopped and named;
# - the drivers' and the app's output goes to log files (printed when the suite fails), never to
#   the runner's pipes.
#
# WebKitWebDriver occasionally dies under load on a shared machine (the session request then
# fails with UND_ERR_SOCKET and every later step times out). A suite that fails is therefore run
# once more (VETTED_E2E_RETRIES=0 turns that off), and the retry is reported loudly; a suite that
# fails every time fails the run.
set -euo pipefail
cd "$(dirname "$0")"
# VETTED_E2E_APP / VETTED_E2E_CLI run the suites against other binaries (an installed package).
test -x "${VETTED_E2E_APP:-../target/debug/vetted-app}" || { echo "build the app first: cargo build -p vetted-app" >&2; exit 1; }

suite_timeout=${VETTED_E2E_SUITE_TIMEOUT:-600}
retries=${VETTED_E2E_RETRIES:-1}
run_prefix=${VETTED_E2E_RUN_PREFIX:-e2e-$$}
logs_root=../target/e2e/logs
read -r -a suites <<<"${VETTED_E2E_SUITES:-$(echo tests/*.test.mjs)}"

# One X server for the whole run, outside every suite's reach: it stays up while a suite's
# leftovers are found and stopped, and goes when this script ends.
display_file=$(mktemp -t vetted-e2e-display.XXXXXX)
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$display_file" >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -f "$display_file"' EXIT
for _ in $(seq 1 100); do
  [ -s "$display_file" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { echo "e2e: Xvfb did not start" >&2; exit 1; }
  sleep 0.1
done
export DISPLAY=":$(head -n 1 "$display_file")"
unset XAUTHORITY

# The PIDs of every process whose environment holds exactly `VETTED_E2E_RUN=$1`.
pids_of_run() {
  grep -lsxz -F "VETTED_E2E_RUN=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

# Stops whatever suite run $1 left running ($2 names the suite): a few seconds to end on its own,
# then SIGKILL. Prints each process it had to stop.
reap() {
  local token=$1 suite=$2 pids
  for _ in $(seq 1 25); do
    pids=$(pids_of_run "$token")
    [ -z "$pids" ] && return 0
    sleep 0.2
  done
  echo "e2e: $suite left these processes running; stopping them:" >&2
  # shellcheck disable=SC2086
  ps -o pid=,args= -p "$(echo $pids | tr ' ' ',')" >&2 || true
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 1 25); do
    [ -z "$(pids_of_run "$token")" ] && return 0
    sleep 0.2
  done
  echo "e2e: processes of $suite survived SIGKILL: $(pids_of_run "$token")" >&2
}

# Runs suite $1 as run $2 within the time limit; reaps what it leaves; returns its status.
run_suite() {
  local suite=$1 token=$2 status=0
  local logs=$logs_root/$token
  mkdir -p "$logs"
  # `timeout` signals the suite's whole process group; the token finds what left the group.
  VETTED_E2E_RUN=$token VETTED_E2E_LOGS=$(cd "$logs" && pwd) \
    timeout --kill-after=15 "$suite_timeout" \
    node --test --test-concurrency=1 --test-force-exit \
    --test-timeout=$((suite_timeout * 800)) "$suite" </dev/null || status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "e2e: $suite did not finish within ${suite_timeout}s and was stopped" >&2
  fi
  reap "$token" "$suite"
  if [ "$status" -ne 0 ]; then
    local log
    for log in "$logs"/*.log; do
      [ -s "$log" ] || continue
      echo "e2e: last lines of $log (drivers and app):" >&2
      tail -n 30 "$log" >&2
    done
  fi
  return "$status"
}

failed=()
retried=()
n=0
for suite in "${suites[@]}"; do
  attempt=0
  while :; do
    n=$((n + 1))
    if run_suite "$suite" "$run_prefix-$n"; then
      break
    fi
    if [ "$attempt" -ge "$retries" ]; then
      failed+=("$suite")
      break
    fi
    attempt=$((attempt + 1))
    echo "e2e: $suite FAILED; running it once more" >&2
    retried+=("$suite")
  done
done

if [ ${#retried[@]} -gt 0 ]; then
  echo "e2e: suites that needed another run: ${retried[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "e2e: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "e2e: all suites passed"
