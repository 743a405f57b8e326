"""Writes Chinook tables to Parquet with pyarrow, typed from the SQLite declared types.

Usage: chinook_to_parquet.py CHINOOK.sqlite OUT_DIR

Writes OUT_DIR/invoice_pq.parquet (Snappy, pyarrow's default) and OUT_DIR/customer_pq.parquet
(Zstandard, Polars' default), and OUT_DIR/invoice_line_pq/ as a dataset folder in two parts
(part-0.parquet in Snappy, part-1.parquet in Zstandard, plus an empty _SUCCESS marker as Spark
leaves), with small row groups so that several are streamed. OUT_DIR/customer_by_rep/ is Customer
again as a Hive-style partitioned dataset (SupportRepId=3/…, as pyarrow's write_to_dataset
lays it out: the key lives in the folder names only). Also writes
OUT_DIR/customer_brotli.parquet, in a codec Vetted is built without, to check its refusal.
Types: INTEGER -> int64, NVARCHAR -> string, NUMERIC(p,s) -> decimal128(p,s), DATETIME ->
timestamp[ns] (Parquet TIMESTAMP(NANOS)); NOT NULL -> a required field.
"""

import datetime
import decimal
import re
import sqlite3
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def arrow_type(declared):
    declared = declared.upper()
    if declared == "INTEGER":
        return pa.int64(), int
    if declared.startswith("NVARCHAR"):
        return pa.string(), str
    if m := re.fullmatch(r"NUMERIC\((\d+),(\d+)\)", declared):
        precision, scale = int(m[1]), int(m[2])
        step = decimal.Decimal(1).scaleb(-scale)
        return pa.decimal128(precision, scale), lambda v: decimal.Decimal(str(v)).quantize(step)
    if declared == "DATETIME":
        return pa.timestamp("ns"), datetime.datetime.fromisoformat
    raise SystemExit(f"no Arrow type for the declared type {declared}")


def table_of(conn, table):
    columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    fields, arrays = [], []
    for index, (_, name, declared, not_null, _, _) in enumerate(columns):
        arrow, convert = arrow_type(declared)
        values = [None if r[index] is None else convert(r[index]) for r in rows]
        fields.append(pa.field(name, arrow, nullable=not not_null))
        arrays.append(pa.array(values, type=arrow))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def main():
    chinook, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{chinook}?mode=ro", uri=True)
    pq.write_table(table_of(conn, "Invoice"), out / "invoice_pq.parquet")
    customers = table_of(conn, "Customer")
    pq.write_table(customers, out / "customer_pq.parquet", compression="zstd")
    pq.write_table(customers, out / "customer_brotli.parquet", compression="brotli")
    pq.write_to_dataset(customers, out / "customer_by_rep", partition_cols=["SupportRepId"])
    lines = table_of(conn, "InvoiceLine")
    folder = out / "invoice_line_pq"
    folder.mkdir()
    half = lines.num_rows // 2
    pq.write_table(lines.slice(0, half), folder / "part-0.parquet", row_group_size=500)
    pq.write_table(lines.slice(half), folder / "part-1.parquet", row_group_size=500, compression="zstd")
    (folder / "_SUCCESS").touch()
    print(f"parquet: wrote Invoice, Customer and InvoiceLine ({lines.num_rows} rows in 2 parts) to {out}")


if __name__ == "__main__":
    main()
