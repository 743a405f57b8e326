-- Import at scale: staged imports that stay invisible until they finish, and full-text search.

-- An import inserts its items in many short transactions while `state = 'running'`; its items
-- are invisible (queue, counts, search, show, decide) until one final transaction flips it to
-- 'complete'. Rows of an import whose process died are deleted on the next open.
ALTER TABLE imports ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
    CHECK (state IN ('running', 'complete'));

-- The import that added the item; NULL for items imported before this migration.
ALTER TABLE items ADD COLUMN import_id INTEGER REFERENCES imports (id);
CREATE INDEX items_by_import ON items (import_id);

-- Written for SQLite 3.40 (Debian 12's sqlite3 and Python): no `ORDER BY` inside aggregates and
-- no `concat_ws`, which need 3.44 — a schema older tools cannot parse would lock them out.
-- What full-text search sees of an item: used to backfill the index here and to index new
-- relationships; the importer builds the same text for answers itself (a test compares them).
CREATE VIEW item_search_text (id, title, body, context) AS
SELECT
    i.id,
    i.title,
    CASE i.kind WHEN 'answer' THEN i.payload ->> '$.answer' ELSE i.payload ->> '$.rationale' END,
    CASE i.kind
        WHEN 'answer' THEN (
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

-- Contentless: the text already lives in items/evidence, so the index stores only its postings
-- (no second copy of ~2 KB per item). `contentless_delete` lets a cancelled import remove its rows.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, body, context,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO items_fts (rowid, title, body, context)
SELECT id, title, body, context FROM item_search_text;
