-- The queue's risk and likelihood orders, as on a local database (SQLite migrations 0005 and
-- 0013): columns the server computes from each item with the local formulas, and an index for
-- each order, so a page of a million items is read in keyset order.
--
-- - `risk`: the vetting model's failures first, then flags, then items not vetted, passes last
--   (thousands); within a verdict, the lower the vetting score (the vetter's confidence that the
--   item is fine), the riskier (0–999). `numeric` rounds ties away from zero, as SQLite does.
-- - `likely` (thousandths): the confidence a relationship was proposed with, -1 without one and
--   for every other item. A local database ranks by the relate model's assessment first; the
--   server keeps no assessments (model runs are local), so the proposal's confidence decides.
--
-- Stored, so the order reads the index alone; an import computes both from the row it writes.

ALTER TABLE items
    ADD COLUMN risk integer GENERATED ALWAYS AS (
        CASE vetting::jsonb ->> 'verdict'
            WHEN 'fail' THEN 3 WHEN 'flag' THEN 2 WHEN 'pass' THEN 0 ELSE 1
        END * 1000
        + round((1.0 - coalesce((vetting::jsonb ->> 'score')::numeric, 0.5)) * 999)::integer
    ) STORED,
    ADD COLUMN likely integer GENERATED ALWAYS AS (
        CASE kind WHEN 'relationship' THEN
            round(coalesce((payload::jsonb ->> 'confidence')::numeric, -0.001) * 1000)::integer
        ELSE -1 END
    ) STORED;

CREATE INDEX items_by_risk ON items (risk, id);
CREATE INDEX items_by_likely ON items (likely, id);
