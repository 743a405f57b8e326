"""A tiny causal language model built in memory, for training smoke runs without downloads.

The tokenizer is word-level, built from the words of the given JSONL files (so every word of the
training data is known), with the Qwen2.5 chat template shipped in the trl wheel; the model is a
one-layer Qwen2 with random weights. Shared by train_smoke.py and train_vetter.py.
"""

import json
import re
from pathlib import Path

import torch
import trl
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM, Qwen2ForSequenceClassification

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
        for line in Path(path).read_text().splitlines():
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


def tiny_config(tok, **extra):
    torch.manual_seed(0)
    return Qwen2Config(
        vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=4096,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, **extra,
    )


def tiny_model(tok):
    return Qwen2ForCausalLM(tiny_config(tok))


def tiny_reward_model(tok):
    """The same tiny Qwen2 with a one-score head: what TRL's RewardTrainer trains."""
    return Qwen2ForSequenceClassification(tiny_config(tok, num_labels=1))
