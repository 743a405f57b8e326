#!/usr/bin/env python3
"""One SFTTrainer, DPOTrainer and KTOTrainer step over Vetted's exports, on a tiny randomly
initialised Qwen2 model: proves the files train, not only load. Not run in CI (needs torch).

Usage (a venv with torch, transformers, datasets, accelerate and trl):
    EXPORTS_DIR=/tmp/vetted-exports bash scripts/test-exports.sh
    .venv-train/bin/python scripts/train_smoke.py /tmp/vetted-exports

Offline: the tokenizer is a word-level one built from the exports' own words, the chat template
is the Qwen2.5 one shipped in the trl wheel, and DPO/KTO get an explicit ref_model so nothing is
fetched. Prints `train smoke: N passed, M failed`; exits 1 on any failure.
"""

import json
import os
import re
import sys
import tempfile
from pathlib import Path

for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(var, "1")

import datasets  # noqa: E402
import torch  # noqa: E402
import trl  # noqa: E402
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM  # noqa: E402
from trl import DPOConfig, DPOTrainer, KTOConfig, KTOTrainer, SFTConfig, SFTTrainer  # noqa: E402

SPECIAL = ["[UNK]", "[PAD]", "<|im_start|>", "<|im_end|>", "<|endoftext|>"]


def words(value):
    if isinstance(value, str):
        yield from re.findall(r"\w+|[^\w\s]+", value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from words(v)
    elif isinstance(value, list):
        for v in value:
            yield from words(v)


def tokenizer(files):
    vocab = {t: i for i, t in enumerate(SPECIAL)}
    for path in files:
        for line in path.read_text().splitlines():
            for w in words(json.loads(line)):
                vocab.setdefault(w, len(vocab))
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="<|im_end|>"
    )
    tok.add_special_tokens({"additional_special_tokens": SPECIAL[2:]})
    tok.chat_template = (Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja").read_text()
    return tok


def tiny_model(tok):
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=4096,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
    )
    return Qwen2ForCausalLM(config)


def common(out):
    return dict(
        output_dir=out, max_steps=1, per_device_train_batch_size=2, learning_rate=1e-4,
        report_to="none", save_strategy="no", logging_steps=1, use_cpu=True, max_length=1024,
    )


def main(exports):
    files = {k: exports / f"{k}.jsonl" for k in ("trl-sft", "trl-dpo", "trl-kto")}
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
