#!/usr/bin/env python3
"""Crash soak: SIGKILL decision writers at random moments; no acknowledged decision may be lost.

Each round starts WRITERS processes (examples/soak_writer.rs) on one database, kills them all with
SIGKILL after a random delay, then reopens the database and checks that every decision id a writer
printed (its acknowledgement, written after the commit returned) is present, and that
`PRAGMA integrity_check` is ok.

    python3 scripts/soak.py --rounds 100 --writers 3
Prints `soak: rounds=… writers=… acknowledged=… lost=… integrity_failures=…` and exits non-zero on
any loss or integrity failure.
"""
import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--target-dir", default=os.path.join(ROOT, "target"))
    args = parser.parse_args()
    rng = random.Random(args.seed)

    writer = os.path.join(args.target_dir, "debug/examples/soak_writer")
    cli = os.path.join(args.target_dir, "debug/vetted")
    for binary in (writer, cli):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} is missing: run `cargo build -p vetted --example soak_writer` first")

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "soak.db")
        subprocess.run([cli, "--db", db, "import", os.path.join(ROOT, "demo/demo-items.jsonl")],
                       check=True, stdout=subprocess.DEVNULL)
        acknowledged: set[str] = set()
        lost = integrity_failures = 0
        for _ in range(args.rounds):
            procs = [subprocess.Popen([writer, db, str(i), str(args.writers)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for i in range(args.writers)]
            time.sleep(rng.uniform(0.05, 0.6))
            for p in procs:
                p.send_signal(signal.SIGKILL)
            for p in procs:
                out, err = p.communicate()
                # A writer that died on its own (not our SIGKILL) is a failure too.
                if p.returncode != -signal.SIGKILL:
                    sys.exit(f"writer exited with {p.returncode}: {err.strip()}")
                acknowledged.update(line for line in out.splitlines() if line)
            conn = sqlite3.connect(db)
            present = {row[0] for row in conn.execute("SELECT id FROM decisions")}
            lost += len(acknowledged - present)
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                integrity_failures += 1
            conn.close()
    print(f"soak: rounds={args.rounds} writers={args.writers} acknowledged={len(acknowledged)} "
          f"lost={lost} integrity_failures={integrity_failures}")
    return 1 if lost or integrity_failures else 0


if __name__ == "__main__":
    sys.exit(main())
