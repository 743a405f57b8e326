-- What a call's prompt carried besides the item (see `roles::knowledge`): the guidelines and the
-- reviewed examples retrieved for it, as JSON {"guidelines": [ids], "examples": ["external
-- ids"]}; NULL when it carried neither.
ALTER TABLE llm_calls ADD COLUMN knowledge TEXT;

-- Alignment runs (`vetted align vetter`): the vetting model over held-out, human-decided items
-- of one domain, once per prompt variant, measured against the humans. Append-only.
CREATE TABLE alignment_runs (
    id         INTEGER PRIMARY KEY,
    domain     TEXT    NOT NULL,
    provider   TEXT    NOT NULL,
    model      TEXT    NOT NULL,
    -- The share of decided items held out, and the seed that chose them.
    holdout    REAL    NOT NULL CHECK (holdout > 0 AND holdout < 1),
    seed       INTEGER NOT NULL,
    held_out   INTEGER NOT NULL,
    started_at TEXT    NOT NULL
) STRICT;

-- One row per held-out item a variant's call judged: the verdict, and what the human decided.
CREATE TABLE alignment_results (
    alignment_id INTEGER NOT NULL REFERENCES alignment_runs (id),
    variant      TEXT    NOT NULL CHECK (variant IN ('base', 'guidelines', 'examples', 'both')),
    item_id      INTEGER NOT NULL REFERENCES items (id),
    call_id      INTEGER NOT NULL REFERENCES llm_calls (id),
    verdict      TEXT    NOT NULL CHECK (verdict IN ('pass', 'flag', 'fail')),
    risk         REAL    NOT NULL CHECK (risk BETWEEN 0 AND 1),
    human        TEXT    NOT NULL CHECK (human IN ('approved', 'edited', 'rejected')),
    PRIMARY KEY (alignment_id, variant, item_id)
) STRICT;

-- Each variant of an alignment run is one LLM run (its calls, cost and latency).
CREATE TABLE alignment_variants (
    alignment_id INTEGER NOT NULL REFERENCES alignment_runs (id),
    variant      TEXT    NOT NULL CHECK (variant IN ('base', 'guidelines', 'examples', 'both')),
    run_id       INTEGER NOT NULL REFERENCES llm_runs (id),
    PRIMARY KEY (alignment_id, variant)
) STRICT;
