#!/usr/bin/env python3
"""One SFTTrainer, DPOTrainer, KTOTrainer and RewardTrainer step over Vetted's exports, on a tiny
randomly initialised Qwen2 model: proves the files train, not only load.

Usage (a venv with torch, transformers, datasets, accelerate and trl):
    EXPORTS_DIR=/tmp/vetted-exports bash scripts/test-exports.sh
    .venv-train/bin/python scripts/train_smoke.py /tmp/vetted-exports

Offline: the tokenizer is a word-level one built from the exports' own words, the chat template
is the Qwen2.5 one shipped in the trl wheel, and DPO/KTO get an explicit ref_model so nothing is
fetched. Prints `train smoke: N passed, M failed`; exits 1 on any failure.
"""

import os
import sys
import tempfile
from pathlib import Path

for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(var, "1")

import datasets  # noqa: E402
from trl import (  # noqa: E402
    DPOConfig, DPOTrainer, KTOConfig, KTOTrainer, RewardConfig, RewardTrainer, SFTConfig, SFTTrainer,
)

from tiny_lm import tiny_model, tiny_reward_model, tokenizer  # noqa: E402


def common(out):
    return dict(
        output_dir=out, max_steps=1, per_device_train_batch_size=2, learning_rate=1e-4,
        report_to="none", save_strategy="no", logging_steps=1, use_cpu=True, max_length=1024,
    )


def main(exports):
    files = {k: exports / f"{k}.jsonl" for k in ("trl-sft", "trl-dpo", "trl-kto", "trl-reward")}
    tok = tokenizer(files.values())
    load = lambda k: datasets.load_dataset("json", data_files=str(files[k]), split="train")  # noqa: E731
    passed = failed = 0
    with tempfile.TemporaryDirectory() as out:
        runs = [
            ("SFTTrainer", lambda: SFTTrainer(
                model=tiny_model(tok), args=SFTConfig(**common(out)),
                train_dataset=load("trl-sft"), processing_class=tok)),
            ("DPOTrainer", lambda: DPOTrainer(
                model=tiny_model(tok), ref_model=tiny_model(tok), args=DPOConfig(**common(out)),
                train_dataset=load("trl-dpo"), processing_class=tok)),
            ("KTOTrainer", lambda: KTOTrainer(
                model=tiny_model(tok), ref_model=tiny_model(tok), args=KTOConfig(**common(out)),
                train_dataset=load("trl-kto"), processing_class=tok)),
            ("RewardTrainer", lambda: RewardTrainer(
                model=tiny_reward_model(tok), args=RewardConfig(**common(out)),
                train_dataset=load("trl-reward"), processing_class=tok)),
        ]
        for name, make in runs:
            try:
                result = make().train()
                loss = result.training_loss
                assert loss == loss, "loss is NaN"
                print(f"ok    {name}: 1 step, loss {loss:.4f}")
                passed += 1
            except Exception as e:  # report every trainer, then fail
                print(f"FAIL  {name}: {type(e).__name__}: {e}")
                failed += 1
    print(f"train smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
