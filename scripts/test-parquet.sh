#!/usr/bin/env bash
# End-to-end check of Parquet data products against files written by pyarrow: writes Chinook's
# Invoice, Customer (one file each) and InvoiceLine (a folder in two parts) to Parquet
# (scripts/chinook_to_parquet.py, in .venv-parquet), registers them with the built CLI beside
# the Chinook SQLite file, imports the same relationship candidates once between the SQLite
# tables and once between the Parquet products, and checks with `vetted show ITEM --json` that
# the computed evidence is the same (scripts/compare_parquet_evidence.py). The files use Snappy
# and Zstandard; a Brotli file (a codec Vetted is built without) must be refused, naming the file
# and the codec, registering nothing. Exits non-zero on any mismatch and ends with
# `parquet: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export VETTED_REVIEWER=ci-reviewer

bash scripts/setup-parquet.sh
cargo build --quiet --locked -p vetted --bin vetted
vetted_bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/vetted"
chinook=../shared/datasets/chinook/Chinook_Sqlite.sqlite

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/vetted.db"
vetted() { "$vetted_bin" --db "$db" "$@"; }

.venv-parquet/bin/python scripts/chinook_to_parquet.py "$chinook" "$work/data"
vetted products add "$chinook" "$work/data/invoice_pq.parquet" "$work/data/customer_pq.parquet" \
  "$work/data/invoice_line_pq" "$work/data/customer_by_rep"
vetted products list

# A codec Vetted is built without: refused whole, with the file and the codec named.
if refused=$(vetted products add "$work/data/customer_brotli.parquet" 2>&1); then
  echo "parquet: a Brotli-compressed file was registered; it must be refused" >&2
  exit 1
fi
case "$refused" in
  *customer_brotli.parquet*[Bb][Rr][Oo][Tt][Ll][Ii]*) echo "refused as expected: $refused" ;;
  *) echo "parquet: the refusal of a Brotli file does not name the file and the codec: $refused" >&2; exit 1 ;;
esac
if grep -q customer_brotli <<<"$(vetted products list)"; then
  echo "parquet: the refused Brotli file is listed as a product" >&2
  exit 1
fi

# Each relation twice: `sqlite-N` between the Chinook tables, `parquet-N` between their copies.
python3 - "$work/candidates.jsonl" <<'PY'
import json, sys
relations = [
    # (source, source field, target, target field, claimed cardinality)
    (("Invoice", "invoice_pq"), "CustomerId", ("Customer", "customer_pq"), "CustomerId", "N:1"),
    (("InvoiceLine", "invoice_line_pq"), "InvoiceId", ("Invoice", "invoice_pq"), "InvoiceId", "N:1"),
    # A coincidence: customer ids 1..59 are also invoice ids.
    (("Customer", "customer_pq"), "CustomerId", ("Invoice", "invoice_pq"), "InvoiceId", "1:1"),
    # A wrong one with orphans: most invoice ids are not customer ids.
    (("Invoice", "invoice_pq"), "InvoiceId", ("Customer", "customer_pq"), "CustomerId", "N:1"),
    # From 5 on, the Parquet side is the Hive-partitioned Customer: the key read from folder
    # names, and the target read from its part files.
    (("Customer", "customer_by_rep"), "SupportRepId", ("Employee", "Employee"), "EmployeeId", "N:1"),
    (("Invoice", "invoice_pq"), "CustomerId", ("Customer", "customer_by_rep"), "CustomerId", "N:1"),
]
with open(sys.argv[1], "w") as out:
    for n, (source, sf, target, tf, cardinality) in enumerate(relations, 1):
        for side, (s, t) in (("sqlite", (source[0], target[0])), ("parquet", (source[1], target[1]))):
            out.write(json.dumps({
                "kind": "relationship", "id": f"{side}-{n}", "domain": "music",
                "model": "qwen2.5-coder-7b", "source": {"product": s}, "target": {"product": t},
                "relation": {"type": "foreign_key", "cardinality": cardinality,
                             "mapping": [{"source_field": sf, "target_field": tf}]},
                "rationale": "parquet check", "confidence": 0.5,
            }) + "\n")
PY
vetted import "$work/candidates.jsonl"

for n in 1 2 3 4 5 6; do
  vetted show "sqlite-$n" --json >"$work/sqlite-$n.json"
  vetted show "parquet-$n" --json >"$work/parquet-$n.json"
done
python3 scripts/compare_parquet_evidence.py "$work" 6 --partitioned-from 5
