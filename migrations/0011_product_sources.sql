-- Data products read where they live: PostgreSQL tables (source_path = postgres://user@host:port/db,
-- source_table = "schema"."table") and Parquet files or folders (no table) join SQLite tables and
-- CSV files. SQLite cannot change a CHECK constraint, so the table is rebuilt with the same rows.

CREATE TABLE products_0011 (
    id            INTEGER PRIMARY KEY,
    -- Table name (SQLite, PostgreSQL) or file/folder stem (CSV, Parquet); relationship items refer
    -- to products by this name.
    name          TEXT    NOT NULL UNIQUE,
    source_kind   TEXT    NOT NULL CHECK (source_kind IN ('sqlite', 'csv', 'postgres', 'parquet')),
    -- Absolute path of the file at registration, or the database URL (never with a password).
    source_path   TEXT    NOT NULL,
    -- The table inside a database; NULL for files.
    source_table  TEXT,
    -- JSON: fields with declared (or inferred) types, primary key, unique keys, foreign keys.
    schema        TEXT    NOT NULL,
    row_count     INTEGER NOT NULL,
    -- JSON array of row objects: the first rows, then a sample (see docs/relationships.md).
    sample_rows   TEXT    NOT NULL,
    registered_at TEXT    NOT NULL,
    CHECK ((source_kind IN ('sqlite', 'postgres')) = (source_table IS NOT NULL))
) STRICT;

INSERT INTO products_0011
    (id, name, source_kind, source_path, source_table, schema, row_count, sample_rows, registered_at)
SELECT id, name, source_kind, source_path, source_table, schema, row_count, sample_rows, registered_at
FROM products;

DROP TABLE products;
ALTER TABLE products_0011 RENAME TO products;
