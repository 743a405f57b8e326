-- Decisions recorded together by one action: a bulk approval by rule, and the undo or redo of
-- one. Undo and redo treat a batch as one step. Append-only, like the log it annotates.
CREATE TABLE decision_batches (
    decision_id TEXT PRIMARY KEY REFERENCES decisions (id),
    batch_id    TEXT NOT NULL,
    -- The rule the batch applied, in its canonical text (see `approval_rule`).
    rule        TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX decision_batches_by_batch ON decision_batches (batch_id);

CREATE TRIGGER decision_batches_no_update BEFORE UPDATE ON decision_batches
BEGIN
    SELECT RAISE(ABORT, 'decision batches are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER decision_batches_no_delete BEFORE DELETE ON decision_batches
BEGIN
    SELECT RAISE(ABORT, 'decision batches are append-only: DELETE is not allowed');
END;
