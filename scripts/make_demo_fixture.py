#!/usr/bin/env python3
"""Build the Vetted demo queue (demo/demo-items.jsonl) from real public datasets.

Deterministic: same inputs -> byte-identical output (fixed seeds, fixed order).
Python 3.11, standard library only.

Inputs (read-only), found relative to this file:
  <repo>/../shared/datasets/halueval/qa/qa_one-turn_data.json   (RUCAIBox/HaluEval, MIT)
  <repo>/../shared/datasets/chinook/Chinook_Sqlite.sqlite       (lerocha/chinook-database, MIT)
  <repo>/../shared/datasets/northwind/create.sql                (jpwhite3/northwind-SQLite3, MIT)

What is real and what is made up (see demo/ATTRIBUTION.md):
  * questions, evidence text and answer text are verbatim from HaluEval;
  * table names, columns, declared types, sample rows and the foreign keys used
    as ground truth are read from Chinook / Northwind;
  * the "model" names, relationship rationales, confidences and every
    "vetting" object are illustrative values written by this script -- no
    model was run to produce them.

Usage:
  python3 scripts/make_demo_fixture.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent
DATASETS = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_OUT = REPO_ROOT / "demo" / "demo-items.jsonl"
DEFAULT_COMPARISONS_OUT = REPO_ROOT / "demo" / "demo-comparisons.jsonl"

HALUEVAL_QA = DATASETS / "halueval" / "qa" / "qa_one-turn_data.json"
CHINOOK_DB = DATASETS / "chinook" / "Chinook_Sqlite.sqlite"
NORTHWIND_SQL = DATASETS / "northwind" / "create.sql"

VETTER = "smollm2-vetter"
N_ANSWERS = 24
MAX_KNOWLEDGE_CHARS = 1200
SAMPLE_ROWS = 5
MAX_STR = 200

# Separate seeds per section so editing one section does not reshuffle another.
SEED_QA_PICK = 20240611
SEED_QA_VET = 20240612
SEED_REL = 20240613
SEED_CMP = 20240614
N_COMPARISONS = 8


# --------------------------------------------------------------------------
# HaluEval answers
# --------------------------------------------------------------------------

HTML_RE = re.compile(r"<[A-Za-z/!][^>]*>|&(?:[a-z]+|#\d+);")

# HotpotQA paragraphs were concatenated without a separator ("...century.First
# for Women is..."): a sentence end immediately followed by an upper-case
# letter, possibly with a quote in between. Requiring a lower-case letter/digit/closing bracket
# before the stop avoids cutting initials such as "J.K." or "U.S.".
PARA_CUT_RE = re.compile(r"(?<=[a-z0-9)\]][.!?])(?=[\"“”]?[A-Z])")
# Ordinary sentence boundary (stop + whitespace + capital).
SENT_CUT_RE = re.compile(r"(?<=[a-z0-9)\]][.!?])\s+(?=[A-Z])")

DOMAIN_KEYWORDS = [
    ("music", ["band", "album", "song", "singer", "musician", "rapper", "guitarist",
               "songwriter", "record label", "rock", "hip hop", "opera"]),
    ("film-tv", ["film", "movie", "actor", "actress", "television", "tv series", "sitcom",
                 "director", "episode", "screenwriter"]),
    ("sports", ["football", "basketball", "baseball", "tennis", "hockey", "league",
                "olympic", "player", "club", "championship", "racing"]),
    ("politics-history", ["politician", "president", "election", "senator", "minister",
                          "war", "governor", "parliament", "king", "queen", "empire"]),
    ("literature", ["novel", "author", "writer", "poet", "book", "magazine", "newspaper"]),
    ("science-geo", ["species", "genus", "chemical", "river", "mountain", "island",
                     "county", "city", "village", "airport", "university"]),
]


def pick_domain(question: str, knowledge: str) -> str:
    """Keyword vote over question (weight 2) and knowledge (weight 1); 'trivia' if none."""
    q, k = question.lower(), knowledge.lower()
    best, best_score = "trivia", 0
    for domain, words in DOMAIN_KEYWORDS:
        score = 0
        for w in words:
            pat = re.compile(r"\b" + re.escape(w) + r"s?\b")
            score += 2 * len(pat.findall(q)) + len(pat.findall(k))
        if score > best_score:  # strict: ties keep the earlier domain
            best, best_score = domain, score
    return best


def split_knowledge(text: str) -> list[str]:
    """Split into 1-3 verbatim passages (stripped substrings of `text`)."""
    cuts = []
    for m in PARA_CUT_RE.finditer(text):
        c = m.start()
        # '..."Catch Me If You Can."Old School...': the quote closes the previous
        # paragraph when an odd number of quotes precede it.
        if text[c] == "”" or (text[c] == '"' and text[:c].count('"') % 2 == 1):
            c += 1
        cuts.append(c)
    if not cuts and len(text.strip()) > 400:
        sent = [m.start() for m in SENT_CUT_RE.finditer(text)]
        if sent:
            mid = len(text) / 2
            cuts = [min(sent, key=lambda c: (abs(c - mid), c))]
    # Too many pieces: repeatedly drop the cut whose removal makes the smallest merged piece.
    while len(cuts) > 2:
        bounds = [0] + cuts + [len(text)]
        best_i = min(range(len(cuts)), key=lambda i: (bounds[i + 2] - bounds[i], i))
        del cuts[best_i]
    bounds = [0] + cuts + [len(text)]
    parts = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [p for p in parts if p]


def short_title(passage: str, words: int = 6) -> str:
    toks = passage.split()
    title = " ".join(toks[:words]).rstrip(",;:.-–(")
    return title + ("…" if len(toks) > words else "")


QA_REASONS = {
    # (label, vetter_right) -> pool
    ("hallucinated", True): [
        "unsupported claim: the answer is not stated in the evidence",
        "answer contradicts the evidence",
        "answer adds details that do not appear in the evidence",
        "named entity in the answer is not the one the evidence supports",
    ],
    ("right", True): [
        "answer is directly supported by the evidence",
        "answer matches a span in the evidence",
        "evidence passages jointly support the answer",
    ],
    ("right", False): [
        "could not find the answer stated in the evidence",
        "answer is too terse to verify against the evidence",
    ],
    ("hallucinated", False): [
        "answer is consistent with the evidence",
        "answer mentions entities that appear in the evidence",
    ],
}


def vetting_for(label: str, vetter_right: bool, n_passages: int, rng: random.Random) -> dict:
    if label == "right":
        verdict = "pass" if vetter_right else rng.choice(["flag", "fail"])
    else:
        verdict = rng.choice(["fail", "fail", "flag"]) if vetter_right else "pass"
    lo, hi = {"pass": (0.72, 0.96), "flag": (0.35, 0.6), "fail": (0.04, 0.3)}[verdict]
    score = round(rng.uniform(lo, hi), 2)
    pool = [r for r in QA_REASONS[(label, vetter_right)]
            if n_passages > 1 or "passages jointly" not in r]
    n = 1 if verdict == "pass" else rng.choice([1, 2])
    reasons = rng.sample(pool, min(n, len(pool)))
    return {"model": VETTER, "verdict": verdict, "score": score, "reasons": reasons}


def eligible_qa() -> list[tuple[int, dict]]:
    """HaluEval QA records short enough to show, without HTML, whose two answers differ."""
    eligible = []
    with HALUEVAL_QA.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if len(rec["knowledge"]) >= MAX_KNOWLEDGE_CHARS:
                continue
            if any(HTML_RE.search(rec[k]) for k in
                   ("knowledge", "question", "right_answer", "hallucinated_answer")):
                continue
            if rec["right_answer"].strip() == rec["hallucinated_answer"].strip():
                continue
            eligible.append((line_no, rec))
    return eligible


def evidence_of(rec: dict, line_no: int) -> list[dict]:
    return [
        {"id": f"doc-{j}", "title": short_title(p), "text": p,
         "source": f"halueval:qa_one-turn_data.json#L{line_no}"}
        for j, p in enumerate(split_knowledge(rec["knowledge"]), start=1)
    ]


def build_comparisons(taken: set[int]) -> list[dict]:
    """Comparison items: a HaluEval question with its right and its hallucinated answer as two
    candidates, in alternating order, from records the answer items do not use."""
    rng = random.Random(SEED_CMP)
    pool = [(n, r) for n, r in eligible_qa() if n not in taken]
    items = []
    for i, (line_no, rec) in enumerate(sorted(rng.sample(pool, N_COMPARISONS), key=lambda t: t[0])):
        right = {"model": "llama-3.1-8b-instruct", "answer": rec["right_answer"]}
        wrong = {"model": "qwen2.5-7b-instruct", "answer": rec["hallucinated_answer"]}
        candidates = [right, wrong] if i % 2 == 0 else [wrong, right]
        items.append({
            "kind": "comparison",
            "id": f"cmp-{line_no}",
            "domain": pick_domain(rec["question"], rec["knowledge"]),
            "question": rec["question"].strip(),
            "candidates": candidates,
            "evidence": evidence_of(rec, line_no),
            "metadata": {"dataset": "halueval", "line": line_no,
                         "right_candidate": 1 if i % 2 == 0 else 2},
        })
    return items


def build_answers() -> list[dict]:
    eligible = eligible_qa()
    if len(eligible) < N_ANSWERS:
        sys.exit(f"only {len(eligible)} eligible HaluEval records")

    rng = random.Random(SEED_QA_PICK)
    chosen = sorted(rng.sample(eligible, N_ANSWERS), key=lambda t: t[0])

    # Labels alternate right/hallucinated. Model follows a period-4 pattern
    # (L Q Q L) so each model gets both labels.
    labels = ["right" if i % 2 == 0 else "hallucinated" for i in range(N_ANSWERS)]
    models = ["llama-3.1-8b-instruct" if i % 4 in (0, 3) else "qwen2.5-7b-instruct"
              for i in range(N_ANSWERS)]

    # Vetting on half: 6 right + 6 hallucinated; the vetter is wrong on 1 right + 2 hallucinated.
    vrng = random.Random(SEED_QA_VET)
    right_idx = [i for i in range(N_ANSWERS) if labels[i] == "right"]
    hall_idx = [i for i in range(N_ANSWERS) if labels[i] == "hallucinated"]
    vet_right = sorted(vrng.sample(right_idx, 6))
    vet_hall = sorted(vrng.sample(hall_idx, 6))
    wrong = set(vrng.sample(vet_right, 1)) | set(vrng.sample(vet_hall, 2))
    vetted = set(vet_right) | set(vet_hall)

    items = []
    for i, (line_no, rec) in enumerate(chosen):
        label = labels[i]
        answer = rec["right_answer"] if label == "right" else rec["hallucinated_answer"]
        evidence = evidence_of(rec, line_no)
        item = {
            "kind": "answer",
            "id": f"qa-{line_no}",
            "domain": pick_domain(rec["question"], rec["knowledge"]),
            "model": models[i],
            "question": rec["question"].strip(),
            "answer": answer,
            "evidence": evidence,
            "metadata": {"dataset": "halueval", "line": line_no, "label": label},
        }
        if i in vetted:
            item["vetting"] = vetting_for(label, i not in wrong, len(evidence), vrng)
        items.append(item)
    return items


# --------------------------------------------------------------------------
# Relationships (Chinook, Northwind)
# --------------------------------------------------------------------------

def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_safe(v):
    if v is None or isinstance(v, (int, float)):
        return v
    if isinstance(v, bytes):
        return None
    s = str(v)
    return s if len(s) <= MAX_STR else s[: MAX_STR - 1] + "…"


def product(conn: sqlite3.Connection, table: str) -> dict:
    cols = conn.execute(f"PRAGMA table_info({q(table)})").fetchall()
    # Drop BLOB columns entirely (images); keep declared types verbatim.
    keep = [(c[1], c[2]) for c in cols if c[2].upper() != "BLOB"]
    names = [n for n, _ in keep]
    rows = conn.execute(
        f"SELECT {', '.join(q(n) for n in names)} FROM {q(table)} ORDER BY rowid LIMIT {SAMPLE_ROWS}"
    ).fetchall()
    return {
        "product": table,
        "fields": [{"name": n, "type": t} for n, t in keep],
        "sample_rows": [{n: json_safe(v) for n, v in zip(names, r)} for r in rows],
    }


def declared_fks(conn: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    out = set()
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for t in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({q(t)})"):
            # (id, seq, table, from, to, on_update, on_delete, match)
            out.add((t, fk[3], fk[2], fk[4]))
    return out


# (source table, source col, target table, target col, cardinality, rationale, confidence, vetting)
# vetting: None or (verdict, score, [reasons]); these are illustrative, not model output.
CHINOOK_CANDIDATES = [
    ("Invoice", "CustomerId", "Customer", "CustomerId", "N:1",
     "Column names match and CustomerId values in Invoice look like Customer identifiers.", 0.93,
     ("pass", 0.91, ["every sampled Invoice.CustomerId exists in Customer.CustomerId"])),
    ("Track", "AlbumId", "Album", "AlbumId", "N:1",
     "Track.AlbumId shares its name with Album's primary key and many tracks repeat the same AlbumId.", 0.9,
     None),
    ("Invoice", "CustomerId", "Employee", "EmployeeId", "N:1",
     "Invoice.CustomerId holds small integers that fall inside the EmployeeId range, suggesting the invoice points to the employee who handled it.", 0.58,
     ("fail", 0.12, ["column name refers to customers, not employees",
                     "many CustomerId values exceed the largest EmployeeId"])),
    ("Employee", "ReportsTo", "Employee", "EmployeeId", "N:1",
     "ReportsTo is a nullable integer in Employee whose values match other employees' EmployeeId, so it looks like a manager reference.", 0.81,
     ("pass", 0.84, ["self-reference; null for the top manager is expected"])),
    ("Album", "ArtistId", "Artist", "ArtistId", "N:1",
     "Album.ArtistId matches Artist's primary key by name and type.", 0.92,
     None),
    ("Customer", "SupportRepId", "Employee", "EmployeeId", "N:1",
     "SupportRepId values are a handful of small integers that all appear in Employee.EmployeeId; a customer's support rep is probably an employee.", 0.74,
     ("flag", 0.48, ["names differ (SupportRepId vs EmployeeId); needs a human look"])),
    ("Track", "Milliseconds", "Album", "AlbumId", "N:1",
     "Track.Milliseconds is an integer column that could encode the album the track belongs to.", 0.31,
     None),
    ("InvoiceLine", "TrackId", "Track", "TrackId", "N:1",
     "InvoiceLine.TrackId has the same name and type as Track's primary key, so each invoice line refers to one track.", 0.9,
     None),
    ("Customer", "CustomerId", "Invoice", "InvoiceId", "1:1",
     "Both columns are integer primary keys starting at 1, so each customer likely has exactly one invoice with the same id.", 0.55,
     ("pass", 0.77, ["value ranges of both keys overlap"])),  # deliberately wrong vetter
    ("Track", "GenreId", "Genre", "GenreId", "N:1",
     "Track.GenreId matches Genre's primary key and many tracks share the same GenreId.", 0.88,
     None),
]

NORTHWIND_CANDIDATES = [
    ("Orders", "ShipVia", "Shippers", "ShipperID", "N:1",
     "ShipVia only takes the values 1-3, exactly the ShipperID values in Shippers, so it likely names the shipping company.", 0.71,
     ("pass", 0.82, ["names differ but all ShipVia values are ShipperIDs"])),
    ("Order Details", "OrderID", "Orders", "OrderID", "N:1",
     "\"Order Details\".OrderID repeats per line item and matches the Orders primary key.", 0.94,
     None),
    ("Orders", "EmployeeID", "Shippers", "ShipperID", "N:1",
     "Orders.EmployeeID contains small integers, some of which match ShipperID values.", 0.42,
     ("fail", 0.18, ["EmployeeID takes values up to 9 but Shippers has only 3 rows",
                     "column name points to Employees"])),
    ("Products", "CategoryID", "Categories", "CategoryID", "N:1",
     "Products.CategoryID shares its name with the Categories primary key.", 0.91,
     None),
    ("Suppliers", "SupplierID", "Products", "ProductID", "1:1",
     "SupplierID and ProductID are both integer keys numbered from 1, so each supplier may map to the product with the same number.", 0.38,
     None),
    ("Products", "SupplierID", "Suppliers", "SupplierID", "N:1",
     "Products.SupplierID matches the Suppliers primary key and several products share a supplier.", 0.89,
     ("flag", 0.55, ["could not confirm every sampled SupplierID"])),  # deliberately wrong vetter
]


def build_relationships(conn, candidates, dataset, domain, model, id_prefix) -> list[dict]:
    fks = declared_fks(conn)
    items = []
    for n, (st, sc, tt, tc, card, rationale, conf, vet) in enumerate(candidates, start=1):
        truth = (st, sc, tt, tc) in fks
        item = {
            "kind": "relationship",
            "id": f"{id_prefix}-{n}",
            "domain": domain,
            "model": model,
            "source": product(conn, st),
            "target": product(conn, tt),
            "relation": {"type": "foreign_key", "cardinality": card,
                         "mapping": [{"source_field": sc, "target_field": tc}]},
            "rationale": rationale,
            "confidence": conf,
            "metadata": {"dataset": dataset, "ground_truth": truth},
        }
        src_fields = {f["name"] for f in item["source"]["fields"]}
        tgt_fields = {f["name"] for f in item["target"]["fields"]}
        if sc not in src_fields or tc not in tgt_fields:
            sys.exit(f"{item['id']}: column missing ({st}.{sc} -> {tt}.{tc})")
        if vet is not None:
            verdict, score, reasons = vet
            item["vetting"] = {"model": VETTER, "verdict": verdict, "score": score,
                               "reasons": list(reasons)}
        items.append(item)
    return items


def build_chinook() -> list[dict]:
    conn = sqlite3.connect(f"file:{CHINOOK_DB}?mode=ro", uri=True)
    try:
        items = build_relationships(conn, CHINOOK_CANDIDATES, "chinook", "music-store",
                                    "qwen2.5-coder-7b", "rel-chinook")
    finally:
        conn.close()
    return items


def build_northwind() -> list[dict]:
    conn = sqlite3.connect(":memory:")
    try:
        # Fails loudly (sqlite3.Error) if the upstream script stops loading.
        conn.executescript(NORTHWIND_SQL.read_text(encoding="utf-8"))
        items = build_relationships(conn, NORTHWIND_CANDIDATES, "northwind", "trading",
                                    "llama-3.1-70b-instruct", "rel-northwind")
    finally:
        conn.close()
    return items


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

def interleave(a: list, b: list) -> list:
    """Merge keeping each list's order, spreading b evenly through a; starts with a[0]."""
    out, i, j = [], 0, 0
    while i < len(a) or j < len(b):
        take_a = j >= len(b) or (i < len(a) and i * len(b) <= j * len(a))
        if take_a:
            out.append(a[i]); i += 1
        else:
            out.append(b[j]); j += 1
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"output JSONL path (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})")
    ap.add_argument("--comparisons-out", type=Path, default=DEFAULT_COMPARISONS_OUT,
                    help="comparison items' JSONL path (default: "
                         f"{DEFAULT_COMPARISONS_OUT.relative_to(REPO_ROOT)})")
    args = ap.parse_args(argv)

    answers = build_answers()
    relationships = interleave(build_chinook(), build_northwind())
    items = interleave(answers, relationships)
    assert items[0]["kind"] == "answer" and items[1]["kind"] == "relationship"

    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False, separators=(",", ":")) + "\n")

    comparisons = build_comparisons({it["metadata"]["line"] for it in answers})
    with args.comparisons_out.open("w", encoding="utf-8", newline="\n") as f:
        for it in comparisons:
            f.write(json.dumps(it, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(comparisons)} comparison items to {args.comparisons_out}")

    counts = {}
    for it in items:
        counts[it["kind"]] = counts.get(it["kind"], 0) + 1
    print(f"wrote {len(items)} items to {out} ({', '.join(f'{k}={v}' for k, v in counts.items())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
