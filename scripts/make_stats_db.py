#!/usr/bin/env python3
"""Builds a database for timing `vetted stats`: N answer items (~2 KB each, imported with the real
`vetted import`) and a decision log written straight into SQLite (the CLI would take an fsync per
decision): ~70 % of items decided, 12 % of those by two or three reviewers, 1 % of decisions
undone, over 30 days, with the item projection (status, decided_by, version) kept consistent.

    python3 scripts/make_stats_db.py --items 100000 --db /tmp/stats-100k.db [--vetted target/release/vetted]
    time target/release/vetted --db /tmp/stats-100k.db stats --json > /dev/null
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REASONS = ["unsupported_by_evidence", "incomplete", "wrong_data_product"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db", required=True)
    parser.add_argument("--vetted", default=os.path.join(ROOT, "target/debug/vetted"))
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sentences", action="store_true",
                        help="answers of 6 sentences and passages of 9 (claims to check) instead of one run of words")
    parser.add_argument("--comparisons", action="store_true",
                        help="every item a comparison of 3 candidate answers; approvals pick one")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = [f"w{i}" for i in range(5000)]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    def prose(n: int, sentences: int) -> str:
        if not args.sentences:
            return text(n)
        return " ".join(f"Claim {text(n // sentences)}." for _ in range(sentences))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "items.jsonl")
        with open(path, "w") as f:
            for i in range(args.items):
                item = {
                    "kind": "answer", "id": f"q-{i}",
                    "domain": rng.choice(["finance", "legal", "hr", "ops", "sales"]),
                    "model": rng.choice(["llama-3.1-8b", "qwen2.5-7b", "mistral-7b"]),
                    "question": text(18), "answer": prose(70, 6),
                    "evidence": [{"id": f"d{i}-{k}", "title": text(4), "text": prose(110, 9),
                                  "source": "s3://docs"} for k in range(2)],
                }
                if args.comparisons:
                    del item["answer"], item["model"]
                    item["kind"] = "comparison"
                    item["candidates"] = [
                        {"model": m, "answer": prose(70, 6)}
                        for m in ["llama-3.1-8b", "qwen2.5-7b", "mistral-7b"]
                    ]
                if rng.random() < 0.5:
                    item["vetting"] = {"model": "vetter-1",
                                       "verdict": rng.choice(["pass", "pass", "flag", "fail"]),
                                       "score": round(rng.random(), 2), "reasons": []}
                f.write(json.dumps(item) + "\n")
        subprocess.run([args.vetted, "--db", args.db, "import", path], check=True)

    conn = sqlite3.connect(args.db)
    conn.execute("PRAGMA synchronous = OFF")
    start = datetime.datetime(2026, 10, 27, tzinfo=datetime.timezone.utc)
    ids = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY id")]
    rows = []
    seq_time = []
    for item_id in ids:
        if rng.random() >= 0.7:
            continue
        k = 1 if rng.random() >= 0.12 else rng.choice([2, 2, 3])
        reviewers = rng.sample(["ana", "ben", "cy", "dee", "eve", "fay"], k)
        day = rng.randrange(30)
        base = rng.choice(["approve"] * 6 + ["edit"] * 2 + ["reject"] * 2 + ["needs_sme"])
        for r in reviewers:
            action = base if rng.random() < 0.75 else rng.choice(["approve", "edit", "reject"])
            at = start + datetime.timedelta(days=day, seconds=rng.randrange(86400))
            seq_time.append((at, item_id, r, action))
    seq_time.sort()
    version = {}
    for at, item_id, r, action in seq_time:
        v = version.get(item_id, 1)
        did = str(uuid.UUID(int=rng.getrandbits(128)))
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        rows.append((did, item_id, v, r, action,
                     json.dumps({"kind": "comparison", "answer": "edited", "based_on": 0}
                                if args.comparisons else {"kind": "answer", "answer": "edited"})
                     if action == "edit" else None,
                     rng.choice(REASONS) if action == "reject" else None,
                     "which quarter?" if action == "needs_sme" else None, stamp, None,
                     rng.choice([0, 1, 2, 3, 5, 8, 13, 40, 120]) if action == "edit" else None))
        version[item_id] = v + 1
    # 1 % of decisions undone; an item's projection is then its latest decision not undone.
    reverts, undone = [], set()
    for row in rng.sample(rows, len(rows) // 100):
        reverts.append((str(uuid.UUID(int=rng.getrandbits(128))), row[1], version[row[1]], row[3],
                        "revert", None, None, None, row[8], row[0], None))
        version[row[1]] += 1
        undone.add(row[0])
    projection = {}
    for row in rows:
        if row[0] not in undone:
            projection[row[1]] = (row[4], row[3], row[8], row[0])
    for item_id in {row[1] for row in rows} - set(projection):
        conn.execute("UPDATE items SET version = ? WHERE id = ?", (version[item_id], item_id))
    conn.executemany("INSERT INTO decisions (id, item_id, item_version, reviewer, action, "
                     "edited_payload, reason, note, decided_at, reverts, edit_distance) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows + reverts)
    if args.comparisons:
        # An approve of a comparison carries its pick: the best of three, or a tie.
        conn.executemany("INSERT INTO comparison_picks (decision_id, best) VALUES (?, ?)",
                         [(row[0], rng.choice([0, 1, 2, None])) for row in rows
                          if row[4] == "approve"])
    status = {"approve": "approved", "edit": "edited", "reject": "rejected",
              "needs_sme": "needs_sme"}
    # The effective decision is the latest one not undone, settled (one required review), as
    # `vetted` projects it; reject reasons and edit distances are read through it.
    conn.executemany("UPDATE items SET status = ?, decided_by = ?, version = ?, updated_at = ?, "
                     "effective_decision = ?, review = 'settled' WHERE id = ?",
                     [(status[a], r, version[i], t, d, i)
                      for i, (a, r, t, d) in projection.items()])
    # Imported in two batches before the first decision, so the burn-down starts full.
    for day, condition in [(3, "id % 3 = 0"), (1, "id % 3 <> 0")]:
        conn.execute(f"UPDATE items SET created_at = ? WHERE {condition}",
                     ((start - datetime.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),))
    conn.commit()
    print(f"{len(ids)} items, {len(rows)} decisions, {len(reverts)} reverts in {args.db}")


if __name__ == "__main__":
    main()
