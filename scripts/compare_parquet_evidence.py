"""Compares `vetted show --json` of sqlite-N and parquet-N (N = 1..COUNT) in DIR.

Usage: compare_parquet_evidence.py DIR COUNT [--partitioned-from N]

Per pair, the computed evidence must be equal in every figure read from the data, and the
sample rows the items took from the registry must be equal value for value (same JSON
conventions for integers, decimals, timestamps and nulls). Not compared, because they differ by
design: the declared keys (Parquet declares none, so `*_declared_key` is false there) and the
cautions that follow from them, the product names, and the declared type names (`NVARCHAR(40)`
against `TEXT`; their families are compared). Prints one line per difference and ends with
`parquet: N passed, M failed`; exits 1 on any failure.

From pair `--partitioned-from N` on, a side is a Hive-partitioned dataset: its partition keys are
its last fields and its rows come in partition order, so field names are compared as a set and
sample rows are not compared (the figures still must be equal).
"""

import json
import sys
from pathlib import Path

FIGURES = [
    "source_distinct", "matched_distinct", "containment", "source_rows_with_key", "orphan_rows",
    "orphan_rate", "orphan_examples", "target_distinct", "target_coverage", "target_unique",
    "source_unique", "sequential_source_ids", "observed_cardinality", "claimed_cardinality",
    "conflicts",
]
BASIS = ["kind", "rows", "label", "fallback_reason"]
PAIR = ["source_field", "target_field", "source_family", "target_family", "type_match",
        "name_similarity"]


def differences(sqlite, parquet, partitioned):
    es, ep = sqlite["evidence_computed"], parquet["evidence_computed"]
    for key in FIGURES:
        if es[key] != ep[key]:
            yield key, es[key], ep[key]
    for side in ("source_basis", "target_basis"):
        for key in BASIS:
            if es[side][key] != ep[side][key]:
                yield f"{side}.{key}", es[side][key], ep[side][key]
        if ep[side]["kind"] != "source_table":
            yield f"{side}.kind (the full Parquet source must be read)", "source_table", ep[side]["kind"]
    for i, (ps, pp) in enumerate(zip(es["pairs"], ep["pairs"], strict=True)):
        for key in PAIR:
            if ps[key] != pp[key]:
                yield f"pairs[{i}].{key}", ps[key], pp[key]
    for side in ("source", "target"):
        bs, bp = sqlite["item"]["body"][side], parquet["item"]["body"][side]
        names = lambda body: [f["name"] for f in body["fields"]]
        if partitioned:
            if sorted(names(bs)) != sorted(names(bp)):
                yield f"item.{side}.fields (as a set)", sorted(names(bs)), sorted(names(bp))
            continue
        if names(bs) != names(bp):
            yield f"item.{side}.fields", names(bs), names(bp)
        if bs["sample_rows"] != bp["sample_rows"]:
            yield f"item.{side}.sample_rows", bs["sample_rows"], bp["sample_rows"]


def main():
    folder, count = Path(sys.argv[1]), int(sys.argv[2])
    partitioned_from = int(sys.argv[4]) if sys.argv[3:4] == ["--partitioned-from"] else count + 1
    passed = failed = 0
    for n in range(1, count + 1):
        sqlite = json.loads((folder / f"sqlite-{n}.json").read_text())
        parquet = json.loads((folder / f"parquet-{n}.json").read_text())
        body = parquet["item"]["body"]
        pair = body["relation"]["mapping"][0]
        title = (f"{body['source']['product']}.{pair['source_field']} -> "
                 f"{body['target']['product']}.{pair['target_field']}")
        found = list(differences(sqlite, parquet, n >= partitioned_from))
        e = parquet["evidence_computed"]
        summary = (f"containment {e['containment']}, orphans {e['orphan_rows']}, "
                   f"distinct {e['source_distinct']}/{e['target_distinct']}, "
                   f"target_unique {e['target_unique']}, cardinality {e['observed_cardinality']}")
        if found:
            failed += 1
            print(f"FAIL sqlite-{n} / parquet-{n} ({title}): evidence differs", file=sys.stderr)
            for key, expected, got in found:
                print(f"  {key}: SQLite {json.dumps(expected)} but Parquet {json.dumps(got)}",
                      file=sys.stderr)
        else:
            passed += 1
            print(f"ok   sqlite-{n} = parquet-{n} ({title}): {summary}")
    print(f"parquet: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
