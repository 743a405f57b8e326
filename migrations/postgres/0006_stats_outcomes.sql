-- Item outcomes for the stats dashboard (`team_server::stats`), whoever asks.
--
-- An item's status is readable by every reviewer (the queue's counts show it), but the decisions
-- behind it are not under blind review (`decisions_read`, 0001). Figures about outcomes — the
-- items first decided per day (the burn-down), the reasons of rejected items and the edit
-- distances of edited ones — would then disagree with the item counts beside them for a reviewer
-- who has not decided every item: the burn-down would never reach zero. These functions return
-- those figures over every item, as aggregates only (counts per day, reason or distance; no
-- item id, reviewer or text), so what blind review hides — who decided what on an item one has
-- yet to review — stays hidden. (Asked before and after an item settles, they tell that item's
-- reason or distance: an outcome, of an item no longer offered for review, whose status and
-- time of change every reviewer reads already.)
-- Figures about reviewers' work (decisions per reviewer, agreement) are still read through the
-- policy, as the login may read them.
--
-- "In force" is the core's rule (`decision_rules::not_reverted!`, SQLite 0010): a decision that
-- is not a revert, and that no revert cancels; a revert cancels its target unless some event
-- reverts the revert itself (undo, then redo).

-- (UTC day, items whose earliest decision in force was made that day).
CREATE FUNCTION stats_items_decided_by_day() RETURNS TABLE (day text, items bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    SELECT first.day, count(*)
      FROM (SELECT substr(min(d.decided_at COLLATE "C"), 1, 10) AS day
              FROM decisions d
             WHERE d.action <> 'revert'
               AND NOT EXISTS (
                   SELECT 1 FROM decisions r
                    WHERE r.reverts = d.id
                      AND NOT EXISTS (SELECT 1 FROM decisions rr WHERE rr.reverts = r.id))
             GROUP BY d.item_id) first
     GROUP BY first.day
$$;

-- (reason, its label, rejected items whose effective decision gives it).
CREATE FUNCTION stats_reject_reasons() RETURNS TABLE (reason text, label text, items bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    SELECT g.reason, coalesce(t.label, g.reason), g.n
      FROM (SELECT d.reason, count(*) AS n
              FROM items i JOIN decisions d ON d.id = i.effective_decision
             WHERE i.status = 'rejected' AND d.action = 'reject'
             GROUP BY d.reason) g
      LEFT JOIN reject_reasons t ON t.id = g.reason
$$;

-- (word-level edit distance, edited items whose effective decision has it; NULL: unknown).
CREATE FUNCTION stats_edit_distances() RETURNS TABLE (distance bigint, items bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    SELECT d.edit_distance, count(*)
      FROM items i JOIN decisions d ON d.id = i.effective_decision
     WHERE i.status = 'edited' AND d.action = 'edit'
     GROUP BY d.edit_distance
$$;

REVOKE ALL ON FUNCTION stats_items_decided_by_day(), stats_reject_reasons(),
                       stats_edit_distances() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stats_items_decided_by_day(), stats_reject_reasons(),
                          stats_edit_distances() TO vetted_reviewer;

-- The filter bar's reviewers read the decided items only, not every item (a partial index: an
-- import, whose items are undecided, does not write to it).
CREATE INDEX items_by_decided_by ON items (decided_by) WHERE decided_by IS NOT NULL;
