#!/usr/bin/env bash
# Creates .venv-parquet with pyarrow, the reference writer of Parquet files for
# scripts/test-parquet.sh. Idempotent: an existing venv with the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-parquet
python=${PYTHON:-python3}
pyarrow_version=26.0.1

ready() {
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c "import pyarrow, sys; sys.exit(pyarrow.__version__ != '$pyarrow_version')" 2>/dev/null
}

if ready; then
  echo "parquet: $venv is ready (pyarrow $pyarrow_version)"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "pyarrow==$pyarrow_version"
ready || { echo "parquet: $venv was created but pyarrow $pyarrow_version does not import" >&2; exit 1; }
echo "parquet: $venv has pyarrow $pyarrow_version"
