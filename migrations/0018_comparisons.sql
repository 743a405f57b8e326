-- Pairwise and multi-candidate comparisons: a new item kind `comparison` (one question, its
-- evidence, 2–4 candidate answers in the payload) and the reviewer's pick, stored with the approve
-- decision that made it.
--
-- `items.kind` gains 'comparison'. Widening a CHECK constraint changes no stored row, so rather than
-- rebuilding the table (as 0005 did, minutes at a million items) its definition is edited in place:
-- SQLite's documented procedure for schema changes that leave the file format alone ("ALTER TABLE",
-- section 7). The migration runner then increments `schema_version` (`Migration::edits_schema`),
-- so every connection re-reads the definition, and checks that the new definition is in force.
--
-- The new value is an `OR`, not a third value in the `IN` list: SQLite evaluates an `IN` list of two
-- values as two comparisons, but for three or more it builds a temporary index, once per inserted
-- row, which made a 100,000-item import 15 % slower (docs/PERFORMANCE.md, "Comparisons").

PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (kind IN (''answer'', ''relationship''))',
                       'CHECK (kind IN (''answer'', ''relationship'') OR kind = ''comparison'')')
WHERE type = 'table' AND name = 'items';

PRAGMA writable_schema = OFF;

-- Search indexes a comparison like an answer: its candidates are the body (one per line), its
-- evidence the context. Otherwise unchanged from 0005.
DROP VIEW item_search_text;

CREATE VIEW item_search_text (id, title, body, context) AS
SELECT
    i.id,
    i.title,
    CASE i.kind
        WHEN 'answer' THEN i.payload ->> '$.answer'
        WHEN 'comparison' THEN (SELECT group_concat(c.value ->> '$.answer', char(10))
                                FROM json_each(i.payload, '$.candidates') c)
        ELSE i.payload ->> '$.rationale'
    END,
    CASE
        WHEN i.kind IN ('answer', 'comparison') THEN (
            SELECT group_concat(passage, char(10))
            FROM (SELECT e.title || ' ' || e.text AS passage
                  FROM evidence e WHERE e.item_id = i.id ORDER BY e.position))
        ELSE rtrim(
            ifnull((i.payload ->> '$.source.product') || ' ', '')
            || ifnull((SELECT group_concat(f.value ->> '$.name', ' ')
                       FROM json_each(i.payload, '$.source.fields') f) || ' ', '')
            || ifnull((i.payload ->> '$.target.product') || ' ', '')
            || ifnull((SELECT group_concat(f.value ->> '$.name', ' ')
                       FROM json_each(i.payload, '$.target.fields') f) || ' ', '')
            || ifnull(i.payload ->> '$.relation.type', ''))
    END
FROM items i;

-- The pick of an approve decision on a comparison: the best candidate (from 0), or NULL for a tie.
-- An edit names the candidate it started from in its edited payload instead.
CREATE TABLE comparison_picks (
    decision_id TEXT    PRIMARY KEY REFERENCES decisions (id),
    best        INTEGER CHECK (best BETWEEN 0 AND 3)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER comparison_picks_no_update BEFORE UPDATE ON comparison_picks
BEGIN
    SELECT RAISE(ABORT, 'comparison picks are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER comparison_picks_no_delete BEFORE DELETE ON comparison_picks
BEGIN
    SELECT RAISE(ABORT, 'comparison picks are append-only: DELETE is not allowed');
END;

-- Agreement between reviewers (`stats_ratings`, 0010) compares their actions, but two approvals of
-- a comparison agree only when they pick the same candidate (`team::agree`), which an action does
-- not say. So a comparison's ratings are not kept, and the agreement figures cover answers and
-- relationships; disagreeing picks reach the adjudication queue.
CREATE TRIGGER stats_ratings_not_comparisons AFTER INSERT ON stats_ratings
WHEN (SELECT kind FROM items WHERE id = NEW.item_id) = 'comparison'
BEGIN
    DELETE FROM stats_ratings WHERE item_id = NEW.item_id AND reviewer = NEW.reviewer;
END;
