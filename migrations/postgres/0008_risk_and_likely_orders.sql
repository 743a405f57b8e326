-- The queue's risk and likelihood orders, as on a local database (SQLite migrations 0005 and
-- 0013): columns the server computes from each item with the local formulas, and an index for
-- each order, so a page of a million items is read in keyset order.
--
-- - `risk`: the vetting model's failures first, then flags, then items not vetted, passes last
--   (thousands); within a verdict, the lower the vetting score (the vetter's confidence that the
--   item is fine), the riskier (0–999).
-- - `likely` (thousandths): the confidence a relationship was proposed with, -1 without one and
--   for every other item. A local database ranks by the relate model's assessment first; the
--   server keeps no assessments (model runs are local), so the proposal's confidence decides.
--
-- Both compute as SQLite does: in doubles, rounded half away from zero by truncating x ± 0.5
-- (SQLite's round()), so an item sorts the same on a file and on the server. (PostgreSQL reads
-- no JSON holding a `\u0000` escape, as `json` or `jsonb`: an item with one is refused at import,
-- as it was before these columns.)
--
-- Stored, so the order reads the index alone; an import computes both from the row it writes.
-- Adding them rewrites `items` once, under an exclusive lock (minutes at a million items).

-- No SET clause (it would cost a settings save and restore per row); every name is qualified.
CREATE FUNCTION sqlite_round(x float8) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.trunc(x OPERATOR(pg_catalog.+)
                            0.5::float8 OPERATOR(pg_catalog.*) pg_catalog.sign(x))::integer
$$;

ALTER TABLE items
    ADD COLUMN risk integer GENERATED ALWAYS AS (
        CASE vetting::json ->> 'verdict'
            WHEN 'fail' THEN 3 WHEN 'flag' THEN 2 WHEN 'pass' THEN 0 ELSE 1
        END * 1000
        + sqlite_round((1.0 - coalesce((vetting::json ->> 'score')::float8, 0.5)) * 999)
    ) STORED,
    ADD COLUMN likely integer GENERATED ALWAYS AS (
        CASE kind WHEN 'relationship' THEN
            sqlite_round(coalesce((payload::json ->> 'confidence')::float8, -0.001) * 1000)
        ELSE -1 END
    ) STORED;

CREATE INDEX items_by_risk ON items (risk, id);
CREATE INDEX items_by_likely ON items (likely, id);
