-- Maintained aggregates for the stats dashboard at a million items (issue #16). After 0009 every
-- figure read covering indexes, but three of them still made one ordered pass over the whole
-- decision log (~0.3-0.5 s each at 812,000 decisions): decisions per day and reviewer, the
-- burn-down's items decided per day, and the reviewers' ratings for agreement. Those three are
-- now kept up to date as decisions are recorded, and the dashboard reads a few hundred rows (plus
-- the ratings of the items rated by two or more reviewers).
--
-- "In force" is the rule of src/store/decision_rows.rs (`NOT_REVERTED`): a decision that is not a
-- revert, and that no revert cancels; a revert cancels its target unless some event reverts the
-- revert itself (undo, then redo).
--
-- The tables are maintained by one trigger on `decisions`, because the log is append-only (the
-- database refuses UPDATE and DELETE), so an INSERT is the only event that can change a figure,
-- and every writer — decide, adjudicate, undo, redo, merging a bundle, and any later one — goes
-- through it in its own write transaction, with no call to forget. A restored backup brings its
-- own tables (and is migrated like any older database).
--
-- Invariants (checked against a from-scratch recomputation after random reviews, undos, redos,
-- merges and adjudications by src/store/stats_aggregates_test.rs):
--
-- - `stats_decisions_per_day`: per (UTC day, reviewer, action), the decisions in force. An undo
--   leaves a row at 0 rather than deleting it: readers skip rows of 0.
-- - `stats_first_decided`: per item with a decision in force, the UTC day of the earliest one;
--   `stats_decided_per_day` counts those items per day (its own triggers; 0 rows are skipped).
-- - `stats_ratings`: each reviewer's rating — their latest decision in force, by `seq` — of the
--   items on which two or more reviewers have a decision in force (other items carry no
--   agreement), with the rating's action and time.

CREATE TABLE stats_decisions_per_day (
    day       TEXT    NOT NULL,
    reviewer  TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    decisions INTEGER NOT NULL,
    PRIMARY KEY (day, reviewer, action)
) STRICT, WITHOUT ROWID;

CREATE TABLE stats_first_decided (
    item_id INTEGER PRIMARY KEY,
    day     TEXT    NOT NULL
) STRICT;

CREATE TABLE stats_decided_per_day (
    day   TEXT    PRIMARY KEY,
    items INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE stats_ratings (
    item_id    INTEGER NOT NULL,
    reviewer   TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    decided_at TEXT    NOT NULL,
    PRIMARY KEY (item_id, reviewer)
) STRICT, WITHOUT ROWID;

-- Backfill from the log, with 0009's indexes and the set of cancelled decisions built once.

CREATE TEMP TABLE cancelled AS
SELECT c.seq FROM decisions c WHERE c.id IN (
    SELECT r.reverts FROM decisions r WHERE r.reverts IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id));

INSERT INTO stats_decisions_per_day (day, reviewer, action, decisions)
SELECT substr(d.decided_at, 1, 10), d.reviewer, d.action, count(*)
FROM decisions d
WHERE d.action <> 'revert' AND d.seq NOT IN (SELECT seq FROM cancelled)
GROUP BY 1, 2, 3;

INSERT INTO stats_first_decided (item_id, day)
SELECT d.item_id, substr(min(d.decided_at), 1, 10)
FROM decisions d
WHERE d.action <> 'revert' AND d.seq NOT IN (SELECT seq FROM cancelled)
GROUP BY d.item_id;

INSERT INTO stats_decided_per_day (day, items)
SELECT day, count(*) FROM stats_first_decided GROUP BY day;

-- With `max(d.seq)`, SQLite takes the bare columns from the row holding the maximum.
INSERT INTO stats_ratings (item_id, reviewer, action, decided_at)
SELECT g.item_id, g.reviewer, g.action, g.decided_at
FROM (SELECT d.item_id, d.reviewer, d.action, d.decided_at, max(d.seq)
      FROM decisions d
      WHERE d.action <> 'revert' AND d.seq NOT IN (SELECT seq FROM cancelled)
      GROUP BY d.item_id, d.reviewer) g
WHERE g.item_id IN (
    SELECT d.item_id FROM decisions d
    WHERE d.action <> 'revert' AND d.seq NOT IN (SELECT seq FROM cancelled)
    GROUP BY d.item_id HAVING min(d.reviewer) <> max(d.reviewer));

DROP TABLE cancelled;

-- Only the stats read these two (0009); the aggregates replace them, and a decision no longer
-- pays for their entries.
DROP INDEX decisions_by_day;
DROP INDEX decisions_by_item_reviewer;

CREATE TRIGGER stats_decided_per_day_add AFTER INSERT ON stats_first_decided
BEGIN
    INSERT INTO stats_decided_per_day (day, items) VALUES (NEW.day, 1)
        ON CONFLICT (day) DO UPDATE SET items = items + 1;
END;

CREATE TRIGGER stats_decided_per_day_remove AFTER DELETE ON stats_first_decided
BEGIN
    UPDATE stats_decided_per_day SET items = items - 1 WHERE day = OLD.day;
END;

-- NEW changes what is in force in at most three ways: NEW itself (a decision) comes into force;
-- NEW (an undo) cancels its target; NEW (a redo) stops its target, a revert, from cancelling
-- that revert's target. A revert names an earlier decision on the same item (enforced by the
-- writers and the foreign key), so only NEW's item needs its per-item rows recomputed.
CREATE TRIGGER stats_on_decision AFTER INSERT ON decisions
BEGIN
    -- NEW is a decision in force (unless a revert already names it, which a log written in
    -- order never holds).
    INSERT INTO stats_decisions_per_day (day, reviewer, action, decisions)
    SELECT substr(NEW.decided_at, 1, 10), NEW.reviewer, NEW.action, 1
    WHERE NEW.action <> 'revert' AND NOT EXISTS (
        SELECT 1 FROM decisions r WHERE r.reverts = NEW.id
          AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
    ON CONFLICT (day, reviewer, action) DO UPDATE SET decisions = decisions + 1;

    -- NEW undoes its target t, which was in force: no other revert cancelled it.
    UPDATE stats_decisions_per_day SET decisions = decisions - 1
    WHERE (day, reviewer, action) IN (
        SELECT substr(t.decided_at, 1, 10), t.reviewer, t.action FROM decisions t
        WHERE NEW.action = 'revert' AND t.id = NEW.reverts AND t.action <> 'revert'
          AND NOT EXISTS (SELECT 1 FROM decisions x WHERE x.reverts = NEW.id)
          AND NOT EXISTS (
              SELECT 1 FROM decisions r WHERE r.reverts = t.id AND r.id <> NEW.id
                AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id)));

    -- NEW redoes: its target t, a revert nothing else reverted, no longer cancels u, which is
    -- in force again unless another revert still cancels it.
    INSERT INTO stats_decisions_per_day (day, reviewer, action, decisions)
    SELECT substr(u.decided_at, 1, 10), u.reviewer, u.action, 1
    FROM decisions t JOIN decisions u ON u.id = t.reverts
    WHERE NEW.action = 'revert' AND t.id = NEW.reverts AND u.action <> 'revert'
      AND NOT EXISTS (SELECT 1 FROM decisions x WHERE x.reverts = t.id AND x.id <> NEW.id)
      AND NOT EXISTS (
          SELECT 1 FROM decisions r WHERE r.reverts = u.id
            AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
    ON CONFLICT (day, reviewer, action) DO UPDATE SET decisions = decisions + 1;

    -- The item's earliest decision in force, recomputed from its few log entries.
    DELETE FROM stats_first_decided WHERE item_id = NEW.item_id;
    INSERT INTO stats_first_decided (item_id, day)
    SELECT d.item_id, substr(min(d.decided_at), 1, 10)
    FROM decisions d
    WHERE d.item_id = NEW.item_id AND d.action <> 'revert' AND NOT EXISTS (
        SELECT 1 FROM decisions r WHERE r.reverts = d.id
          AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
    GROUP BY d.item_id;

    -- The item's ratings, recomputed likewise; kept only when two or more reviewers rate it.
    DELETE FROM stats_ratings WHERE item_id = NEW.item_id;
    INSERT INTO stats_ratings (item_id, reviewer, action, decided_at)
    SELECT g.item_id, g.reviewer, g.action, g.decided_at
    FROM (SELECT d.item_id, d.reviewer, d.action, d.decided_at, max(d.seq)
          FROM decisions d
          WHERE d.item_id = NEW.item_id AND d.action <> 'revert' AND NOT EXISTS (
              SELECT 1 FROM decisions r WHERE r.reverts = d.id
                AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
          GROUP BY d.reviewer) g;
    DELETE FROM stats_ratings
    WHERE item_id = NEW.item_id
      AND (SELECT count(*) FROM stats_ratings s WHERE s.item_id = NEW.item_id) < 2;
END;
