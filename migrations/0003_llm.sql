-- LLM runs, every call they made (tokens, cost, latency), and the vetting model's suggestions.
-- API keys are never stored: no column here holds one.

CREATE TABLE llm_runs (
    id             INTEGER PRIMARY KEY,
    role           TEXT    NOT NULL CHECK (role IN ('generate', 'relate', 'vet')),
    provider       TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    prompt_version TEXT    NOT NULL,
    started_at     TEXT    NOT NULL,
    finished_at    TEXT,
    cancelled      INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
) STRICT;

CREATE TABLE llm_calls (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES llm_runs (id),
    -- The item the call produced (generate, relate) or judged (vet); NULL when it produced none.
    item_id           INTEGER REFERENCES items (id),
    -- What the call was about: a question id, an item id, or "product_a|product_b".
    subject           TEXT    NOT NULL,
    role              TEXT    NOT NULL CHECK (role IN ('generate', 'relate', 'vet')),
    provider          TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    prompt_version    TEXT    NOT NULL,
    output_mode       TEXT    NOT NULL CHECK (output_mode IN ('text', 'json_schema', 'json_object')),
    streamed          INTEGER NOT NULL CHECK (streamed IN (0, 1)),
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd          REAL    NOT NULL,
    -- 0 when the model had no price: cost_usd is then 0, not an estimate.
    priced            INTEGER NOT NULL CHECK (priced IN (0, 1)),
    latency_ms        INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    finish_reason     TEXT,
    -- Stable error code and message (keys redacted) when the call failed.
    error_code        TEXT,
    error             TEXT,
    created_at        TEXT    NOT NULL
) STRICT;

CREATE INDEX llm_calls_by_run ON llm_calls (run_id);
CREATE INDEX llm_calls_by_item ON llm_calls (item_id);

-- Every suggestion of a vetting model, kept even when a later one replaces items.vetting.
CREATE TABLE vetting_suggestions (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    call_id      INTEGER NOT NULL REFERENCES llm_calls (id),
    agent        TEXT    NOT NULL,
    verdict      TEXT    NOT NULL CHECK (verdict IN ('pass', 'flag', 'fail')),
    risk         REAL    NOT NULL CHECK (risk BETWEEN 0 AND 1),
    reasons      TEXT    NOT NULL,
    item_version INTEGER NOT NULL,
    created_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX vetting_suggestions_by_item ON vetting_suggestions (item_id, id);
