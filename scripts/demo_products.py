#!/usr/bin/env python3
"""Builds a SQLite copy of the Northwind sample (../shared/datasets/northwind/create.sql) so the demo
can register real data products and compute relationship evidence on full tables.

    python3 scripts/demo_products.py OUT.sqlite
"""
import os
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "..", "shared", "datasets", "northwind", "create.sql")

out = sys.argv[1]
if os.path.exists(out):
    os.remove(out)
sql = open(SCRIPT, encoding="utf-8").read()
conn = sqlite3.connect(out)
conn.isolation_level = None
# One transaction: statement-by-statement autocommit takes ~70 s; the script's own PRAGMAs
# would be no-ops inside the transaction, so foreign keys are switched off before it.
conn.execute("PRAGMA foreign_keys = OFF")
conn.executescript("BEGIN;\n" + sql.replace("PRAGMA foreign_keys=off;", "").replace("PRAGMA foreign_keys=on;", "") + "\nCOMMIT;")
tables = conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
conn.close()
print(f"{out}: {tables} tables")
