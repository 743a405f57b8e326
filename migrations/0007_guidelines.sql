-- Review guidelines per domain, in markdown. An entry can be promoted from a decision's note
-- (an SME's answer, a reviewer's rationale) and keeps a link to the item and decision it came
-- from, so tribal knowledge is captured where the next reviewer will see it. Guidelines are
-- guidance, not training data: they are edited in place; removing one archives it.
CREATE TABLE guidelines (
    id              INTEGER PRIMARY KEY,
    domain          TEXT    NOT NULL CHECK (length(domain) > 0),
    body            TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    source_item     INTEGER REFERENCES items (id),
    source_decision TEXT    REFERENCES decisions (id),
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_by      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
) STRICT;

CREATE INDEX guidelines_by_domain ON guidelines (domain, archived, id);

-- A note is promoted at most once.
CREATE UNIQUE INDEX guidelines_by_source_decision ON guidelines (source_decision)
    WHERE source_decision IS NOT NULL;
