#!/usr/bin/env bash
# Creates .venv-train for training on Vetted's exports: torch, transformers, datasets,
# accelerate, TRL and PEFT from PyPI, at the versions the smoke runs were written against (TRL
# renames arguments between releases). PyPI's Linux torch wheel brings the CUDA libraries with it
# (measured: ≈ 6 GB installed, 70 s on this machine class; see docs/llm.md#fine-tuning-the-vetter);
# the smoke runs use the CPU. Idempotent: an existing venv whose imports work is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-train
python=${PYTHON:-python3}

ready() {
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c 'import torch, transformers, datasets, accelerate, trl, peft' 2>/dev/null
}

if ready; then
  echo "train: $venv is ready"
  exit 0
fi
# The wheels are unpacked next to their download: about 9 GB at the peak. Say so before pip fails
# half-way with "No space left on device".
need_kb=$((9 * 1024 * 1024))
free_kb=$(df --output=avail -k . | tail -1)
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "train: installing torch needs about 9 GB free here; $((free_kb / 1024 / 1024)) GB are." \
    "Free some space (for example: cargo clean) and run again." >&2
  exit 1
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
  torch==2.15.0 transformers==5.25.0 datasets==5.2.0 accelerate==1.16.0 trl==1.16.0 peft==0.21.2
ready || { echo "train: $venv was created but its imports fail" >&2; exit 1; }
"$venv/bin/python" -c 'import torch, trl, peft; print("train: torch", torch.__version__, "trl", trl.__version__, "peft", peft.__version__)'
