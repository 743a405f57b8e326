-- Items under review, their evidence, and the append-only decision log.
-- Connection pragmas (WAL, foreign keys, busy timeout, page size) live in the store, not here.

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    external_id  TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('answer', 'relationship')),
    domain       TEXT    NOT NULL,
    model        TEXT    NOT NULL,
    -- One-line summary for the queue: the question, or "a.x → b.y".
    title        TEXT    NOT NULL,
    -- Kind-specific body as JSON (answer: question/answer; relationship: source/target/relation/...).
    payload      TEXT    NOT NULL,
    vetting      TEXT,
    metadata     TEXT    NOT NULL DEFAULT '{}',
    content_hash TEXT    NOT NULL,
    -- Projection of the latest decision; written in the same transaction as the decision.
    status       TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'approved', 'edited', 'rejected')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX items_by_status ON items (status, id);

CREATE TABLE evidence (
    item_id    INTEGER NOT NULL REFERENCES items (id),
    position   INTEGER NOT NULL,
    passage_id TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    PRIMARY KEY (item_id, position)
) STRICT;

CREATE TABLE decisions (
    -- Local log order.
    seq            INTEGER PRIMARY KEY,
    -- Client-generated, globally unique (UUID v7): a retried decision is recorded once.
    id             TEXT    NOT NULL UNIQUE,
    item_id        INTEGER NOT NULL REFERENCES items (id),
    item_version   INTEGER NOT NULL,
    reviewer       TEXT    NOT NULL,
    action         TEXT    NOT NULL CHECK (action IN ('approve', 'edit', 'reject')),
    edited_payload TEXT,
    reason         TEXT,
    note           TEXT,
    decided_at     TEXT    NOT NULL,
    CHECK ((action = 'edit') = (edited_payload IS NOT NULL)),
    CHECK (action <> 'reject' OR reason IS NOT NULL)
) STRICT;

CREATE INDEX decisions_by_item ON decisions (item_id, seq);

-- The log is append-only: enforced here, not by convention.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: DELETE is not allowed');
END;

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    source        TEXT    NOT NULL,
    file_sha256   TEXT    NOT NULL,
    items_new     INTEGER NOT NULL,
    items_present INTEGER NOT NULL,
    imported_at   TEXT    NOT NULL
) STRICT;
