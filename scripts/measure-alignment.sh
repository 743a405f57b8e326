#!/usr/bin/env bash
# Measures `vetted align vetter` on HaluEval QA with the local llama.cpp server (SmolLM2-135M),
# as recorded in docs/llm.md#aligning-the-vetter. Not part of the test command: it is a
# measurement, minutes long.
#
#   bash scripts/measure-alignment.sh [ITEMS] [LIMIT]   # defaults: 300 items, 40 judged per variant
#
# Builds a database of ITEMS HaluEval QA answers (domain `halueval`; even lines give the right
# answer, odd lines the hallucinated one, each with its knowledge passage as evidence), decides
# them as the dataset labels them (approve right, reject hallucinated as contradicts_evidence)
# through the CLI, adds one guideline, then runs every prompt variant over LIMIT held-out items.
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-300}
limit=${2:-40}

cargo build --quiet --locked --release -p vetted --bin vetted
vetted_bin="${CARGO_TARGET_DIR:-$PWD/target}/release/vetted"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/halueval.db"
export VETTED_REVIEWER=halueval-labels

python3 - "$items" "$work/items.jsonl" "$work/labels.tsv" <<'PY'
import json, sys
n, out, labels = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open("../shared/datasets/halueval/qa/qa_one-turn_data.json") as src, \
        open(out, "w") as items, open(labels, "w") as tsv:
    for line_no, line in enumerate(src, 1):
        if line_no > n:
            break
        row = json.loads(line)
        right = line_no % 2 == 0
        item_id = f"halueval-{line_no}"
        items.write(json.dumps({
            "kind": "answer", "id": item_id, "domain": "halueval", "model": "halueval",
            "question": row["question"],
            "answer": row["right_answer"] if right else row["hallucinated_answer"],
            "evidence": [{"id": f"k{line_no}", "title": "knowledge", "text": row["knowledge"],
                          "source": f"halueval:qa_one-turn_data.json#L{line_no}"}],
        }) + "\n")
        tsv.write(f"{item_id}\t{'approve' if right else 'reject'}\n")
PY
"$vetted_bin" --db "$db" import "$work/items.jsonl"
while IFS=$'\t' read -r id action; do
  if [ "$action" = approve ]; then
    "$vetted_bin" --db "$db" decide "$id" approve >/dev/null
  else
    "$vetted_bin" --db "$db" decide "$id" reject --reason contradicts_evidence >/dev/null
  fi
done <"$work/labels.tsv"
"$vetted_bin" --db "$db" guidelines add --domain halueval --text \
  "Approve an answer only when the knowledge passage states it. Reject an answer the passage contradicts or does not support, however plausible it sounds."

bash scripts/test-llm.sh bash -c "
  \"$vetted_bin\" --db \"$db\" align vetter --domain halueval --holdout 0.2 --limit $limit \
    --base-url \"\$VETTED_TEST_LLM_URL\" --model smollm2 --max-tokens 120 --concurrency 2"
