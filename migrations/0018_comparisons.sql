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

-- Agreement between reviewers (`stats_ratings`, 0010) compares their ratings' labels, but two
-- approvals of a comparison agree only when they pick the same candidate (`team::agree`). So the
-- rating of a comparison's approve is labelled by its pick: `pick:N` (the candidate, from 0) or
-- `pick:tie`, which `store::stats` counts apart from the actions. The decision's trigger (0010)
-- writes ratings before the decision's pick is stored: a rating written once its pick exists takes
-- the label at once, and a pick stored after its rating relabels it.
CREATE TRIGGER stats_ratings_by_pick AFTER INSERT ON stats_ratings
WHEN NEW.action = 'approve' AND (SELECT kind FROM items WHERE id = NEW.item_id) = 'comparison'
BEGIN
    UPDATE stats_ratings SET action = coalesce((
        SELECT 'pick:' || coalesce(p.best, 'tie')
        FROM decisions d JOIN comparison_picks p ON p.decision_id = d.id
        WHERE d.item_id = NEW.item_id AND d.reviewer = NEW.reviewer
          AND d.decided_at = NEW.decided_at AND d.action = 'approve'
        ORDER BY d.seq DESC LIMIT 1), action)
    WHERE item_id = NEW.item_id AND reviewer = NEW.reviewer;
END;

CREATE TRIGGER comparison_picks_label_rating AFTER INSERT ON comparison_picks
BEGIN
    UPDATE stats_ratings SET action = 'pick:' || coalesce(NEW.best, 'tie')
    WHERE action = 'approve'
      AND (item_id, reviewer, decided_at) =
          (SELECT item_id, reviewer, decided_at FROM decisions WHERE id = NEW.decision_id);
END;
