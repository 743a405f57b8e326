#!/usr/bin/env bash
# Checks Vetted's agreement figures against reference implementations: Krippendorff's α (nominal
# and ordinal) against the Python `krippendorff` package and Cohen's κ against
# `sklearn.metrics.cohen_kappa_score`, to 1e-9, on published worked examples, seeded random
# label tables (with missing values), and `Store::stats` on a database reviewed at random.
#
# The Rust side (an ignored test, tests/vetted/agreement_reference.rs) writes the tables
# and Vetted's values to JSON; scripts/check_agreement.py recomputes them with the references.
# The venv `.venv-agreement` is created on first use; later runs skip the install.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-agreement
if ! "$venv/bin/python" -c 'import krippendorff, sklearn, numpy' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check krippendorff scikit-learn numpy
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
VETTED_AGREEMENT_OUT="$out" cargo test --locked --quiet -p vetted --test vetted -- --ignored \
  --exact agreement_reference::write_tables_for_the_reference_check
"$venv/bin/python" scripts/check_agreement.py "$out"
