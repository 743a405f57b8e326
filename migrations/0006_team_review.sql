-- Team review: reviewer profiles, a merge-stable order of the decision log, required overlap
-- (k independent reviews), adjudication, and the item projections they drive (docs/sync.md).
--
-- `decisions.seq` is local: two laptops that merge the same decisions in different orders give
-- them different seqs. Every decision therefore carries a Lamport clock (`clock`: one more than
-- the largest clock the database held when it was recorded; kept unchanged by merges); "latest"
-- always means the greatest `(clock, id)`. Wall-clock `decided_at` is information only.

CREATE TABLE reviewers (
    name       TEXT    PRIMARY KEY,
    role       TEXT    NOT NULL CHECK (role IN ('analyst', 'sme', 'adjudicator')),
    -- Lamport stamp of the latest role change: a merge keeps the greatest (stamp, role).
    stamp      INTEGER NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

-- Settings of this database only, never packed into a sync bundle (e.g. the current reviewer).
CREATE TABLE local_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Required independent reviews per item: by import (key = imports.id), else by domain, else the
-- default (key ''), else 1.
CREATE TABLE review_overlap (
    scope TEXT    NOT NULL CHECK (scope IN ('default', 'domain', 'import')),
    key   TEXT    NOT NULL,
    k     INTEGER NOT NULL CHECK (k BETWEEN 1 AND 100),
    PRIMARY KEY (scope, key)
) STRICT;

ALTER TABLE decisions ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
-- JSON array of the decisions (ids) on the item that this one was made knowing about (in force
-- or undone) and replaces (NULL: none, e.g. a blind review under k > 1).
ALTER TABLE decisions ADD COLUMN supersedes TEXT;
-- 1: an adjudicator's final decision.
ALTER TABLE decisions ADD COLUMN adjudication INTEGER NOT NULL DEFAULT 0
    CHECK (adjudication IN (0, 1));

-- Backfill, with the append-only trigger lifted for this migration only: the existing log is one
-- database's history, so its order is `seq` and each decision replaced the one before it.
DROP TRIGGER decisions_no_update;

UPDATE decisions SET clock = seq;
UPDATE decisions SET supersedes = (
    SELECT json_array(p.id) FROM decisions p
    WHERE p.item_id = decisions.item_id AND p.seq < decisions.seq AND p.action <> 'revert'
    ORDER BY p.seq DESC LIMIT 1)
WHERE action <> 'revert';

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: UPDATE is not allowed');
END;

CREATE INDEX decisions_by_clock ON decisions (clock);

INSERT INTO reviewers (name, role, stamp, created_at)
SELECT reviewer, 'analyst', 0, min(decided_at) FROM decisions GROUP BY reviewer;

-- Projections of the item's log, written with every decision, undo, redo and merge:
-- `review`: 'open' (awaiting reviews), 'settled' (agreed or adjudicated), 'conflict' (the
-- reviews disagree: in the adjudication queue); `effective_decision`: the id of the decision
-- that counts (what export uses), NULL unless settled.
ALTER TABLE items ADD COLUMN review TEXT NOT NULL DEFAULT 'open'
    CHECK (review IN ('open', 'settled', 'conflict'));
ALTER TABLE items ADD COLUMN effective_decision TEXT;

UPDATE items SET effective_decision = (
    SELECT d.id FROM decisions d
    WHERE d.item_id = items.id AND d.action <> 'revert'
      AND NOT EXISTS (
          SELECT 1 FROM decisions r WHERE r.reverts = d.id
            AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
    ORDER BY d.seq DESC LIMIT 1);
UPDATE items SET review = 'settled' WHERE effective_decision IS NOT NULL;

CREATE INDEX items_by_review ON items (review, id);
