-- Registered data products: one row per SQLite table or CSV file, with its schema and a bounded
-- sample of rows. The source itself is not copied; `source_path` lets evidence be computed on the
-- full data while the file is still there.

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    -- Table name (SQLite) or file stem (CSV); relationship items refer to products by this name.
    name          TEXT    NOT NULL UNIQUE,
    source_kind   TEXT    NOT NULL CHECK (source_kind IN ('sqlite', 'csv')),
    -- Absolute path of the file at registration.
    source_path   TEXT    NOT NULL,
    -- The table inside a SQLite file; NULL for CSV.
    source_table  TEXT,
    -- JSON: fields with declared (or inferred) types, primary key, unique keys, foreign keys.
    schema        TEXT    NOT NULL,
    row_count     INTEGER NOT NULL,
    -- JSON array of row objects: the first rows, then a reservoir sample (see docs/relationships.md).
    sample_rows   TEXT    NOT NULL,
    registered_at TEXT    NOT NULL,
    CHECK ((source_kind = 'sqlite') = (source_table IS NOT NULL))
) STRICT;
