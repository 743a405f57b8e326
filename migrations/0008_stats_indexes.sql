-- Indexes for the stats dashboard (`Store::stats`, `vetted stats`): item outcomes per model and
-- per domain, items added per day for the queue burn-down, and vetting verdicts against item
-- statuses are then counted from covering index scans instead of reading every item's ~2 KB row
-- (on a million items, the whole file). The expressions must stay spelled exactly as in
-- src/store/stats.rs for SQLite to use them.

CREATE INDEX items_by_domain_status ON items (domain, status);
CREATE INDEX items_by_model_status ON items (model, status);
CREATE INDEX items_by_created_day ON items (substr(created_at, 1, 10));
CREATE INDEX items_by_vetting ON items (domain, vetting ->> '$.model', vetting ->> '$.verdict', status)
    WHERE vetting IS NOT NULL;
