#!/usr/bin/env python3
"""Fine-tune an open model as Vetted's vetting model: LoRA (PEFT) through TRL's SFTTrainer on a
`vetted export --format vetter-sft` file (docs/llm.md#fine-tuning-the-vetter).

Each line is the vet prompt exactly as `vetted vet` sends it (system + user) and the verdict the
reviewers' decision implies (assistant). Training is on the verdict only: the lines become
conversational prompt/completion pairs, and TRL computes the loss on the completion.

    # a real run (downloads the base model from the Hugging Face Hub; a GPU helps):
    vetted export --format vetter-sft --holdout 0.2 --seed 42 --out vetter.jsonl
    .venv-train/bin/python scripts/train_vetter.py vetter.jsonl --out vetter-lora \\
        --base-model Qwen/Qwen2.5-0.5B-Instruct --epochs 2 --merge

    # the smoke run of the test command: a tiny model built in memory, a few CPU steps, offline
    .venv-train/bin/python scripts/train_vetter.py vetter.jsonl --out /tmp/lora --smoke

Writes the LoRA adapter (adapter_config.json, adapter_model.safetensors) to --out, and with
--merge the base model with the adapter merged into --out/merged (for llama.cpp's
convert_hf_to_gguf.py or vLLM). Prints `train_vetter: N steps, final loss L` and exits 1 when the
loss is not finite.
"""

import argparse
import json
import math
import os
import sys
from pathlib import Path


def conversational_pairs(path):
    """The vetter-sft lines as TRL prompt/completion pairs: (system, user) → the assistant turn."""
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        messages = json.loads(line)["messages"]
        roles = [m["role"] for m in messages]
        if roles != ["system", "user", "assistant"]:
            sys.exit(f"{path}:{number}: messages: expected system, user, assistant; found {roles}")
        json.loads(messages[2]["content"])  # the verdict must be JSON, as the vet role parses it
        rows.append({"prompt": messages[:2], "completion": messages[2:]})
    if not rows:
        sys.exit(f"{path}: no line to train on")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="a vetter-sft export (JSONL)")
    parser.add_argument("--out", required=True, help="folder for the adapter")
    parser.add_argument("--base-model", help="Hugging Face id or local folder of the model to adapt")
    parser.add_argument("--smoke", action="store_true", help="tiny in-memory model, CPU, offline")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=-1, help="stop after N steps (-1: epochs)")
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--merge", action="store_true", help="also write base + adapter merged")
    args = parser.parse_args()
    if args.smoke == (args.base_model is not None):
        parser.error("give --base-model for a real run, or --smoke (not both)")
    if args.smoke:
        for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
            os.environ.setdefault(var, "1")

    import datasets
    from peft import LoraConfig
    from trl import SFTConfig, SFTTrainer

    dataset = datasets.Dataset.from_list(conversational_pairs(args.data))
    if args.smoke:
        from tiny_lm import tiny_model, tokenizer

        tok = tokenizer([args.data])
        model = tiny_model(tok)
        steps = 3 if args.max_steps < 0 else args.max_steps
        target_modules = ["q_proj", "v_proj"]
    else:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(args.base_model)
        model = AutoModelForCausalLM.from_pretrained(args.base_model)
        steps = args.max_steps
        target_modules = "all-linear"

    config = SFTConfig(
        output_dir=args.out,
        num_train_epochs=args.epochs,
        max_steps=steps,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=args.smoke,
        max_length=2048,
    )
    lora = LoraConfig(r=args.lora_r, lora_alpha=2 * args.lora_r, lora_dropout=0.05,
                      target_modules=target_modules, task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=config, train_dataset=dataset, processing_class=tok,
                         peft_config=lora)
    result = trainer.train()
    trainer.save_model(args.out)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    final = losses[-1] if losses else result.training_loss
    print(f"train_vetter: {result.global_step} steps on {len(dataset)} examples, "
          f"final loss {final:.4f}; adapter in {args.out}")
    if args.merge:
        merged = trainer.model.merge_and_unload()
        merged.save_pretrained(Path(args.out) / "merged")
        tok.save_pretrained(Path(args.out) / "merged")
        print(f"train_vetter: merged model in {Path(args.out) / 'merged'}")
    if not all(math.isfinite(x) for x in losses + [result.training_loss]):
        print(f"train_vetter: the loss is not finite: {losses}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
