-- Review workspace: needs-SME and revert events in the decision log, the word-level edit distance
-- of an edit, projections for filtering and sorting the queue, the reject-reason taxonomy, item
-- tags, the do-not-train flag and keymap overrides.
--
-- SQLite cannot alter a CHECK constraint, so `items` (new status `needs_sme`) and `decisions` (new
-- actions `needs_sme` and `revert`) are rebuilt: create new, copy, drop old, rename. The migration
-- runner turns foreign keys off around migrations and runs `PRAGMA foreign_key_check` before it
-- commits (SQLite's documented procedure for schema changes). The search view reads `items`, so it
-- is dropped first and recreated unchanged at the end (renaming a table under a view that names a
-- dropped table fails).

DROP VIEW item_search_text;

CREATE TABLE items_new (
    id           INTEGER PRIMARY KEY,
    external_id  TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('answer', 'relationship')),
    domain       TEXT    NOT NULL,
    model        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    vetting      TEXT,
    metadata     TEXT    NOT NULL DEFAULT '{}',
    content_hash TEXT    NOT NULL,
    -- Projection of the effective decision (the latest one not reverted); written in the same
    -- transaction as every decision, undo and redo.
    status       TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'needs_sme')),
    -- Reviewer of the effective decision (NULL while pending); projection like `status`.
    decided_by   TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    -- The import that added the item (0004); NULL for items from before it or from the LLM roles.
    import_id    INTEGER REFERENCES imports (id),
    -- Priority for the "risk" sort: the vetting model's failures first, then flags, then items
    -- not vetted, passes last (thousands); within a verdict, the lower the vetting score (the
    -- vetter's confidence that the item is fine), the riskier (0–999).
    risk         INTEGER GENERATED ALWAYS AS (
                     CASE vetting ->> '$.verdict'
                         WHEN 'fail' THEN 3 WHEN 'flag' THEN 2 WHEN 'pass' THEN 0 ELSE 1
                     END * 1000
                     + CAST(round((1.0 - coalesce(vetting ->> '$.score', 0.5)) * 999) AS INTEGER)
                 ) VIRTUAL
) STRICT;

INSERT INTO items_new (id, external_id, kind, domain, model, title, payload, vetting, metadata,
                       content_hash, status, decided_by, version, created_at, updated_at,
                       import_id)
SELECT i.id, i.external_id, i.kind, i.domain, i.model, i.title, i.payload, i.vetting, i.metadata,
       i.content_hash, i.status,
       (SELECT d.reviewer FROM decisions d WHERE d.item_id = i.id ORDER BY d.seq DESC LIMIT 1),
       i.version, i.created_at, i.updated_at, i.import_id
FROM items i;

CREATE TABLE decisions_new (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    item_id        INTEGER NOT NULL REFERENCES items (id),
    item_version   INTEGER NOT NULL,
    reviewer       TEXT    NOT NULL,
    action         TEXT    NOT NULL
                           CHECK (action IN ('approve', 'edit', 'reject', 'needs_sme', 'revert')),
    edited_payload TEXT,
    reason         TEXT,
    -- For `needs_sme`: the question for the subject-matter expert.
    note           TEXT,
    decided_at     TEXT    NOT NULL,
    -- For `revert`: the decision (undo) or revert (redo) this event cancels.
    reverts        TEXT    REFERENCES decisions (id),
    -- For `edit`: word-level edit distance from the model's output (NULL for edits made before
    -- this migration).
    edit_distance  INTEGER,
    CHECK ((action = 'edit') = (edited_payload IS NOT NULL)),
    CHECK (action <> 'reject' OR reason IS NOT NULL),
    CHECK (action <> 'needs_sme' OR note IS NOT NULL),
    CHECK ((action = 'revert') = (reverts IS NOT NULL)),
    CHECK (action = 'edit' OR edit_distance IS NULL)
) STRICT;

INSERT INTO decisions_new (seq, id, item_id, item_version, reviewer, action, edited_payload,
                           reason, note, decided_at)
SELECT seq, id, item_id, item_version, reviewer, action, edited_payload, reason, note, decided_at
FROM decisions;

DROP TABLE decisions;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
ALTER TABLE decisions_new RENAME TO decisions;

CREATE INDEX items_by_status ON items (status, id);
CREATE INDEX items_by_import ON items (import_id);
CREATE INDEX items_by_risk ON items (risk, id);
CREATE INDEX items_by_decided_by ON items (decided_by, id);
CREATE INDEX items_by_domain ON items (domain, id);
CREATE INDEX items_by_model ON items (model, id);
CREATE INDEX decisions_by_item ON decisions (item_id, seq);
CREATE INDEX decisions_by_reviewer ON decisions (reviewer, seq);
CREATE INDEX decisions_by_reverts ON decisions (reverts) WHERE reverts IS NOT NULL;

-- Unchanged from 0004.
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

-- The log stays append-only: the triggers are recreated with the table.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: DELETE is not allowed');
END;

-- The reject taxonomy, in the order shown to reviewers. Ids are stored in decisions.reason.
CREATE TABLE reject_reasons (
    id       TEXT    PRIMARY KEY,
    label    TEXT    NOT NULL,
    position INTEGER NOT NULL UNIQUE
) STRICT;

INSERT INTO reject_reasons (id, label, position) VALUES
    ('unsupported_by_evidence', 'Unsupported by evidence', 1),
    ('contradicts_evidence', 'Contradicts evidence', 2),
    ('incomplete', 'Incomplete', 3),
    ('wrong_data_product', 'Wrong data product', 4),
    ('privacy_governance', 'Privacy / governance', 5),
    ('off_domain', 'Off-domain', 6),
    ('other', 'Other', 7);

-- Item annotations: mutable, not decisions.
CREATE TABLE item_tags (
    item_id INTEGER NOT NULL REFERENCES items (id),
    tag     TEXT    NOT NULL,
    PRIMARY KEY (item_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX item_tags_by_tag ON item_tags (tag, item_id);

CREATE TABLE do_not_train (
    item_id   INTEGER PRIMARY KEY REFERENCES items (id),
    marked_by TEXT    NOT NULL,
    marked_at TEXT    NOT NULL
) STRICT;

-- Keyboard overrides: action id → key binding (e.g. 'approve' → 'y').
CREATE TABLE keymap_overrides (
    action  TEXT PRIMARY KEY,
    binding TEXT NOT NULL
) STRICT;
