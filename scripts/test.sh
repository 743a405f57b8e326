#!/usr/bin/env bash
# Sets up everything and runs every check and test: formatting, lints, type checks, unit and
# integration tests (Rust and UI), generated-bindings drift, and end-to-end tests of the real
# app window under Xvfb. Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

started=$SECONDS
timed() {
  local name=$1; shift
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  printf '<== %s: %ss\n' "$name" $((SECONDS - t0))
}

timed "setup" bash scripts/setup.sh test
# The shell's generate_context! needs ui/dist, so the UI is built before any cargo step.
timed "ui: typecheck" bash -c "cd ui && npm run --silent typecheck"
timed "ui: unit tests" bash -c "cd ui && npm test --silent"
timed "ui: build" bash -c "cd ui && npm run --silent build"
timed "rust: fmt" cargo fmt --all --check
timed "rust: clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
# PostgreSQL-backed tests (products read in place) get a throwaway server for this step only.
timed "rust: tests (core + CLI, headless)" bash scripts/with-postgres.sh cargo test --locked
bindings_drift() {
  local drift
  drift=$(git status --porcelain -- ui/src/bindings)
  if [ -n "$drift" ]; then
    echo "ui/src/bindings differ from what ts-rs generates; commit the regenerated files:" >&2
    echo "$drift" >&2
    return 1
  fi
}
timed "bindings: no drift" bindings_drift
timed "agreement: kappa/alpha against krippendorff and scikit-learn" bash scripts/test-agreement.sh
timed "crash soak (short)" bash -c "cargo build --locked -p vetted --example soak_writer &&
  python3 scripts/soak.py --rounds 15 --writers 1 && python3 scripts/soak.py --rounds 15 --writers 3"
timed "disk full (a real 4 MiB tmpfs in a private mount namespace)" bash scripts/test-disk-full.sh
exports_kept=$(mktemp -d)
trap 'rm -rf "$exports_kept"' EXIT
timed "exports: validated by datasets, TRL and OpenAI's schemas" \
  env EXPORTS_DIR="$exports_kept/exports" bash scripts/test-exports.sh
# The trainers themselves (torch on the CPU, a tiny in-memory model): every method trains on the
# exports, and a LoRA adapter of the vetting model comes out of the vetter-sft export.
timed "train: SFT/DPO/KTO/reward steps and a vetter LoRA on the exports (torch, CPU)" \
  bash scripts/test-train.sh "$exports_kept/exports"
timed "parquet: files written by pyarrow give the SQLite tables' evidence" bash scripts/test-parquet.sh
timed "llm: against a real llama.cpp server (SmolLM2-135M)" bash scripts/test-llm.sh
timed "keyring: API keys and database passwords in a real Secret Service (gnome-keyring, private D-Bus)" \
  bash scripts/test-keyring.sh bash scripts/with-postgres.sh \
  cargo test --locked --test vetted keyring -- --test-threads=1
# One release build of the app serves the packages, the shell's unit tests and every E2E suite.
timed "app: release build, .deb and .rpm" bash scripts/package.sh
timed "app: unit tests (desktop shell)" cargo test --release --locked -p vetted-app
export VETTED_E2E_APP=$PWD/target/release/vetted-app VETTED_E2E_CLI=$PWD/target/release/vetted
# No suite can hang the run: a failing and a hanging probe suite are stopped and leave nothing.
timed "e2e: a failing or hanging suite is stopped and reaped" bash e2e/check-reaping.sh
# The window's LLM runs call the real local server; provider keys and team-server passwords go to
# a throw-away keyring; the team-server suite signs in to a throwaway PostgreSQL.
timed "e2e: real window" bash scripts/test-llm.sh bash scripts/test-keyring.sh \
  bash scripts/with-postgres.sh bash e2e/run.sh
# The .deb as a user gets it: apt install, the installed app's first run, purge.
timed "package: install, first run of the installed app, purge" bash scripts/test-package.sh

printf '\nall checks passed in %ss\n' $((SECONDS - started))
