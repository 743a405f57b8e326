-- Covering indexes for the stats dashboard at a million items (issue #16). Without them
-- `Store::stats` read every item row: `review` and `effective_decision` were added by 0006 at the
-- end of the ~2 KB row, so reading them follows each item's overflow pages (the whole file), and
-- each figure over the decision log scanned the table and sorted it.
--
-- - outcomes per model and per domain also count conflicts: `review` joins both indexes of 0008;
-- - reject reasons and edit distances start from the items of a status and their effective
--   decision, `(status, effective_decision)`, and read its action, reason and edit distance from
--   `(id, action, reason, edit_distance)` instead of the decision row;
-- - decisions per day and reviewer: one ordered pass over `(day, reviewer, action)`;
-- - burn-down (earliest decision per item) and agreement (latest rating per item and reviewer,
--   items rated by two or more reviewers): one ordered pass over `(item_id, reviewer, decided_at,
--   action)`, `seq` being the rowid every index carries; the domain of the items rated by two
--   or more reviewers comes from `(id, domain)`, in dense pages, instead of one item row each.
--
-- Reverts are left out of the decision indexes (`WHERE action <> 'revert'`): no figure counts
-- them. The expressions and that condition must stay spelled exactly as in src/store/stats.rs for
-- SQLite to use the indexes.

DROP INDEX items_by_domain_status;
DROP INDEX items_by_model_status;
CREATE INDEX items_by_domain_status ON items (domain, status, review);
CREATE INDEX items_by_model_status ON items (model, status, review);
CREATE INDEX items_by_status_decision ON items (status, effective_decision);
CREATE INDEX items_by_id_domain ON items (id, domain);
CREATE INDEX decisions_by_id_outcome ON decisions (id, action, reason, edit_distance);
CREATE INDEX decisions_by_day ON decisions (substr(decided_at, 1, 10), reviewer, action)
    WHERE action <> 'revert';
CREATE INDEX decisions_by_item_reviewer ON decisions (item_id, reviewer, decided_at, action)
    WHERE action <> 'revert';
