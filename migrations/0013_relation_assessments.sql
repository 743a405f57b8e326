-- The relate model's judgement of relationship candidates it did not propose (discovery's, see
-- `vetted relate --rank`): how likely the relation holds, and why, in its words. Kept like the
-- vetting model's suggestions: every judgement is a row; the latest per item is copied to
-- `items.assessment`, which ranks the "most likely first" queue order. Never a decision.
CREATE TABLE relation_assessments (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    call_id      INTEGER NOT NULL REFERENCES llm_calls (id),
    -- The model that judged (the provider's model name).
    agent        TEXT    NOT NULL,
    confidence   REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    rationale    TEXT    NOT NULL,
    item_version INTEGER NOT NULL,
    created_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX relation_assessments_by_item ON relation_assessments (item_id, id);

-- The latest assessment as JSON ({"model", "confidence", "rationale"}); NULL until one is made.
ALTER TABLE items ADD COLUMN assessment TEXT;

-- Priority for the "likely" sort (thousandths): the relate model's latest confidence where it
-- judged the item, else the confidence the item was proposed with; -1 without either, and for
-- answers (whose payloads are never parsed for it: an import of answers pays nothing).
ALTER TABLE items ADD COLUMN likely INTEGER GENERATED ALWAYS AS (
    CASE kind WHEN 'relationship' THEN
        CAST(round(coalesce(assessment ->> '$.confidence', payload ->> '$.confidence', -0.001)
                   * 1000) AS INTEGER)
    ELSE -1 END
) VIRTUAL;

CREATE INDEX items_by_likely ON items (likely, id);
