#!/usr/bin/env bash
# End-to-end check of `vetted export` against the real consumers: builds the CLI, imports the
# demo items (plus a second answer to an existing question, so a reject → DPO pair exists)
# into a temp database, records a mix of decisions through the CLI, exports every format and
# runs scripts/validate_exports.py in .venv-validators. Exits non-zero on any failure and ends
# with `exports: N passed, M failed`. Set EXPORTS_DIR to keep the exports (scripts/test-train.sh
# trains on them); it must not exist yet.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export VETTED_REVIEWER=ci-reviewer

bash scripts/setup-validators.sh
cargo build --quiet -p vetted --bin vetted
vetted_bin="$PWD/target/debug/vetted"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/vetted.db"
out=${EXPORTS_DIR:-$work/exports}
mkdir "$out"
vetted() { "$vetted_bin" --db "$db" "$@"; }

# A second answer to qa-9's question and evidence (a wrong year), an answer to qa-26's prompt
# that carries an e-mail address for the privacy screen, and one to qa-348's that its evidence
# contradicts (the opera is from 1935).
python3 - demo/demo-items.jsonl "$work/extra.jsonl" <<'PY'
import json, sys
items = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1])}
extra = []
for src, new_id, answer in [
    ("qa-9", "qa-9-alt", "1999"),
    ("qa-26", "qa-26-contact", "Ask the archivist at archive@example.org; I am not sure."),
    ("qa-348", "qa-348-year", 'George Gershwin composed "Porgy and Bess" in 1924.'),
]:
    item = dict(items[src], id=new_id, answer=answer, model="smollm2-135m")
    item.pop("vetting", None)
    extra.append(item)
with open(sys.argv[2], "w") as f:
    f.writelines(json.dumps(i) + "\n" for i in extra)
PY

vetted import demo/demo-items.jsonl demo/demo-comparisons.jsonl "$work/extra.jsonl" >/dev/null

for item in qa-9 qa-156 qa-188 qa-189 qa-388 qa-420 qa-172; do
  vetted decide "$item" approve >/dev/null
done
vetted decide qa-26 edit --answer "Het Huis Anubis first aired in 2006 [doc-1]." >/dev/null
vetted decide qa-64 edit --answer "The evidence does not say; it only names the series." --note "answer guessed" >/dev/null
vetted decide qa-133 edit --answer "It is in the Pacific Ocean [doc-1]." --reviewer second-reviewer >/dev/null
vetted decide qa-26-contact edit --answer "The evidence does not name a contact." \
  --claim 1=unsupported >/dev/null
for item in qa-9-alt qa-305 qa-348; do
  vetted decide "$item" reject --reason unsupported_by_evidence --note "contradicts doc-1" >/dev/null
done
vetted decide qa-173 reject --reason contradicts_evidence >/dev/null
# Claim verdicts (claims-nli, vetter-claims): one of each checkable verdict, linked or not
# (qa-26-contact's, above, is unsupported).
vetted decide qa-312 approve --claim 1=supported@hint >/dev/null
vetted decide qa-348-year reject --reason contradicts_evidence --claim 1=contradicted@doc-1 \
  --note "the opera is from 1935" >/dev/null
# Relationship edits need a corrected relation, which the CLI cannot take yet: approve/reject only.
for item in rel-chinook-1 rel-chinook-4 rel-chinook-9 rel-northwind-1; do
  vetted decide "$item" approve >/dev/null
done
for item in rel-chinook-3 rel-northwind-3 rel-chinook-6; do
  vetted decide "$item" reject --reason wrong_data_product >/dev/null
done
# A review form (rubric) for one domain, answered with a decision: the audit trail carries it.
cat > "$work/literature.toml" <<'TOML'
[[question]]
id = "correctness"
label = "How correct is the answer?"
type = "rating"
scale = 5
required = true

[[question]]
id = "issues"
label = "Issues"
type = "multi_label"
options = ["hallucination", "outdated"]
TOML
vetted forms set literature "$work/literature.toml" >/dev/null
vetted decide qa-77 approve --form correctness=5 --form issues=outdated >/dev/null
# Comparisons: a pick (DPO and reward pairs), an edit from a candidate, a tie (pairs only in the
# reward export, which asks for ties), a reject of both (KTO negatives).
vetted decide cmp-46 approve --pick 1 >/dev/null
vetted decide cmp-47 edit --pick 2 \
  --answer "The Reinheitsgebot limits the ingredients in beer; Hacker-Pschorr follows it [doc-1]." >/dev/null
vetted decide cmp-131 approve --pick tie >/dev/null
vetted decide cmp-163 reject --reason unsupported_by_evidence >/dev/null
# A changed mind: the later decision is the one exported.
vetted decide qa-172 reject --reason incomplete --reviewer second-reviewer >/dev/null

export_one() {
  local name=$1; shift
  echo "--- vetted export $* ($name)"
  vetted export "$@" --out "$out/$name"
}
export_one openai-sft.jsonl --format openai-sft
export_one openai-dpo.jsonl --format openai-dpo
export_one trl-sft.jsonl --format trl-sft
export_one trl-sft-prompt-completion.jsonl --format trl-sft --prompt-completion
export_one trl-dpo.jsonl --format trl-dpo
export_one trl-reward.jsonl --format trl-reward --include-ties
export_one trl-kto.jsonl --format trl-kto
export_one vetter-sft.jsonl --format vetter-sft
export_one claims-nli.jsonl --format claims-nli
export_one vetter-claims.jsonl --format vetter-claims
export_one decisions.jsonl --format decisions
export_one decisions-csv.csv --format decisions-csv

.venv-validators/bin/python scripts/validate_exports.py "$out" 2>&1 | grep -v "PyTorch was not found"
exit "${PIPESTATUS[0]}"
