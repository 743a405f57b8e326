#!/usr/bin/env bash
# Trains on Vetted's exports with the real trainers, on the CPU, offline, with a tiny model built
# in memory (no model download): one SFTTrainer, DPOTrainer, KTOTrainer and RewardTrainer step over the reviewed
# model's formats (scripts/train_smoke.py), and a few LoRA steps of the vetting model on the
# vetter-sft export (scripts/train_vetter.py --smoke), which must write an adapter with a finite
# loss.
#
#   bash scripts/test-train.sh DIR   # DIR: the exports scripts/test-exports.sh kept (EXPORTS_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
exports=${1:?usage: test-train.sh EXPORTS_DIR (run scripts/test-exports.sh with EXPORTS_DIR set first)}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1

bash scripts/setup-train.sh
python=.venv-train/bin/python

adapter=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$adapter" "$log"' EXIT

# The trainers' progress bars and warnings go to the log; it is shown when something fails.
if ! "$python" scripts/train_smoke.py "$exports" >"$log" 2>&1; then
  cat "$log" >&2
  echo "train: a trainer failed on an export" >&2
  exit 1
fi
grep -E '^(ok|train smoke)' "$log" || { cat "$log" >&2; echo "train: train_smoke.py printed no result" >&2; exit 1; }
if ! "$python" scripts/train_vetter.py "$exports/vetter-sft.jsonl" --out "$adapter" --smoke >"$log" 2>&1; then
  cat "$log" >&2
  echo "train: train_vetter.py failed" >&2
  exit 1
fi
grep '^train_vetter:' "$log" || { cat "$log" >&2; echo "train: train_vetter.py printed no result" >&2; exit 1; }
for file in adapter_config.json adapter_model.safetensors; do
  [ -s "$adapter/$file" ] || { echo "train: no $file in the adapter folder" >&2; exit 1; }
done
"$python" - "$adapter" <<'PY'
import json, sys
from pathlib import Path
config = json.loads((Path(sys.argv[1]) / "adapter_config.json").read_text())
assert config["peft_type"] == "LORA", config["peft_type"]
assert set(config["target_modules"]) == {"q_proj", "v_proj"}, config["target_modules"]
print(f"train: LoRA adapter r={config['r']} on {sorted(config['target_modules'])}")
PY
echo "train: passed"
