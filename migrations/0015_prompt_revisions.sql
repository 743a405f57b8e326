-- Per-domain revisions of a prompt template (the vetting prompt above all), edited in the app or
-- with `vetted prompts set` (#20). Append-only: the latest revision of a (domain, template) is
-- the one in force; a revision without a body returns the domain to the built-in template.
-- `version` is what every call made with it records (`vet.v3+finance:1a2b3c4d`).
CREATE TABLE prompt_revisions (
    id         INTEGER PRIMARY KEY,
    domain     TEXT    NOT NULL,
    template   TEXT    NOT NULL CHECK (template IN ('generate', 'relate', 'rank', 'vet')),
    body       TEXT,
    version    TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX prompt_revisions_by_template ON prompt_revisions (domain, template, id);

CREATE TRIGGER prompt_revisions_no_update BEFORE UPDATE ON prompt_revisions
BEGIN
    SELECT RAISE(ABORT, 'prompt revisions are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER prompt_revisions_no_delete BEFORE DELETE ON prompt_revisions
BEGIN
    SELECT RAISE(ABORT, 'prompt revisions are append-only: DELETE is not allowed');
END;
