-- Review forms (rubrics) per domain (#19): the questions asked with every decision. Versioned
-- and append-only: `vetted forms set` adds a version, the latest of a domain is in force, and a
-- version without questions retires the domain's form.
CREATE TABLE review_forms (
    id         INTEGER PRIMARY KEY,
    domain     TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    -- JSON array of `review_form::FormQuestion`; '[]' retires the form.
    questions  TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (domain, version)
) STRICT;

-- A decision's answers, one row per answered question, written in the decision's transaction;
-- `form_id` is the version they were given under.
CREATE TABLE form_answers (
    decision_id TEXT    NOT NULL REFERENCES decisions (id),
    form_id     INTEGER NOT NULL REFERENCES review_forms (id),
    question    TEXT    NOT NULL,
    -- JSON: a number (rating, number), true/false (yes/no), a string (choice, text) or an
    -- array of strings (labels).
    value       TEXT    NOT NULL,
    PRIMARY KEY (decision_id, question)
) STRICT;

-- The figures of a form version read its answers (review_form::stats).
CREATE INDEX form_answers_by_form ON form_answers (form_id);

CREATE TRIGGER review_forms_no_update BEFORE UPDATE ON review_forms
BEGIN
    SELECT RAISE(ABORT, 'review forms are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER review_forms_no_delete BEFORE DELETE ON review_forms
BEGIN
    SELECT RAISE(ABORT, 'review forms are append-only: DELETE is not allowed');
END;

CREATE TRIGGER form_answers_no_update BEFORE UPDATE ON form_answers
BEGIN
    SELECT RAISE(ABORT, 'form answers are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER form_answers_no_delete BEFORE DELETE ON form_answers
BEGIN
    SELECT RAISE(ABORT, 'form answers are append-only: DELETE is not allowed');
END;
