-- Claim-level verdicts (#19): a reviewer's verdict on each claim of an answer, written in the
-- decision's transaction. Append-only like the decision they belong to.
CREATE TABLE claim_checks (
    decision_id TEXT    NOT NULL REFERENCES decisions (id),
    -- 0-based order of the claim in the answer as the reviewer settled its claims.
    position    INTEGER NOT NULL,
    claim       TEXT    NOT NULL,
    verdict     TEXT    NOT NULL
        CHECK (verdict IN ('supported', 'unsupported', 'contradicted', 'not-checkable')),
    -- JSON array of `claims::EvidenceSpan` ({passage, start, end, text}; characters).
    spans       TEXT    NOT NULL,
    PRIMARY KEY (decision_id, position)
) STRICT;

CREATE TRIGGER claim_checks_no_update BEFORE UPDATE ON claim_checks
BEGIN
    SELECT RAISE(ABORT, 'claim checks are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER claim_checks_no_delete BEFORE DELETE ON claim_checks
BEGIN
    SELECT RAISE(ABORT, 'claim checks are append-only: DELETE is not allowed');
END;

-- Per domain: whether approving an answer with a claim marked unsupported or contradicted asks
-- the reviewer to confirm. Without a row the app asks; the latest row of a domain is in force.
CREATE TABLE claim_settings (
    id               INTEGER PRIMARY KEY,
    domain           TEXT    NOT NULL,
    confirm_approve  INTEGER NOT NULL CHECK (confirm_approve IN (0, 1)),
    changed_by       TEXT    NOT NULL,
    changed_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX claim_settings_by_domain ON claim_settings (domain, id);
