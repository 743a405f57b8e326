-- The vetting model's runs on the team server, as on a local database (SQLite migrations 0003
-- and 0014): one row per run, one per call it made (failed calls included: they cost tokens
-- too), and every suggestion, which is also what reviewers see on the item (`items.vetting`).
-- API keys are never stored: no column here holds one.
--
-- The calls are made by a client (the model runs wherever its key is), so the server cannot
-- know what a model said; it decides who may say it and keeps who did:
-- - only SMEs and adjudicators run a model (a suggestion changes what every reviewer sees and
--   the risk order of everyone's queue); a run, its calls and its suggestions are stamped with
--   the login and the server's time, whatever the client sends;
-- - a call belongs to an unfinished run of the caller's, with the run's role, provider and
--   model; a suggestion to a successful vetting call of the caller's about the same item, from
--   the call's model, and it shows on the item exactly as stated (`shown` is checked against
--   the suggestion, then written to `items.vetting`);
-- - calls and suggestions are append-only for every role, the owner included; a run is only
--   ever finished, once, by its login; nothing is deleted or truncated;
-- - everyone reads runs, calls and suggestions (a verdict is on the item for all to see, and
--   costs are the team's).
--
-- The limit of this: an SME or adjudicator can record a call that never happened, and so put any
-- verdict on any item; the server keeps who did, and the verdict is never a decision.

CREATE TABLE llm_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_by         text    NOT NULL DEFAULT session_user,
    role           text    NOT NULL CHECK (role IN ('generate', 'relate', 'vet')),
    provider       text    NOT NULL,
    model          text    NOT NULL,
    prompt_version text    NOT NULL,
    started_at     text    NOT NULL DEFAULT '',
    finished_at    text,
    cancelled      boolean NOT NULL DEFAULT false
);

CREATE TABLE llm_calls (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint  NOT NULL REFERENCES llm_runs (id),
    -- The item the call judged; NULL when it was about none.
    item_id           bigint  REFERENCES items (id),
    subject           text    NOT NULL,
    role              text    NOT NULL CHECK (role IN ('generate', 'relate', 'vet')),
    provider          text    NOT NULL,
    model             text    NOT NULL,
    prompt_version    text    NOT NULL,
    output_mode       text    NOT NULL CHECK (output_mode IN ('text', 'json_schema', 'json_object')),
    streamed          boolean NOT NULL,
    -- Bounded, so sums over every call stay exact and finite.
    prompt_tokens     bigint  NOT NULL CHECK (prompt_tokens BETWEEN 0 AND 1000000000),
    completion_tokens bigint  NOT NULL CHECK (completion_tokens BETWEEN 0 AND 1000000000),
    cost_usd          float8  NOT NULL CHECK (cost_usd >= 0 AND cost_usd <= 1000000),
    -- false when the model had no price: cost_usd is then 0, not an estimate.
    priced            boolean NOT NULL,
    latency_ms        bigint  NOT NULL CHECK (latency_ms BETWEEN 0 AND 86400000),
    attempts          integer NOT NULL CHECK (attempts BETWEEN 0 AND 1000),
    finish_reason     text,
    -- Stable error code and message (keys redacted) when the call failed.
    error_code        text,
    error             text,
    -- Which guidelines and examples the prompt carried (JSON), if any.
    knowledge         text,
    created_at        text    NOT NULL DEFAULT '',
    CHECK ((error_code IS NULL) = (error IS NULL)),
    CHECK (knowledge IS NULL OR json_typeof(knowledge::json) IS NOT NULL)
);

CREATE INDEX llm_calls_by_run ON llm_calls (run_id);
CREATE INDEX llm_calls_by_item ON llm_calls (item_id);

CREATE TABLE vetting_suggestions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES items (id),
    -- One suggestion per call, as a local run writes them.
    call_id      bigint NOT NULL UNIQUE REFERENCES llm_calls (id),
    agent        text   NOT NULL,
    verdict      text   NOT NULL CHECK (verdict IN ('pass', 'flag', 'fail')),
    risk         float8 NOT NULL CHECK (risk BETWEEN 0 AND 1),
    -- JSON array of reason ids (strings).
    reasons      text   NOT NULL CHECK (jsonb_typeof(reasons::jsonb) = 'array'),
    -- What the item shows for it (`items.vetting`), byte for byte as a local database writes it.
    shown        text   NOT NULL,
    item_version bigint NOT NULL DEFAULT 0,
    created_at   text   NOT NULL DEFAULT ''
);

CREATE INDEX vetting_suggestions_by_item ON vetting_suggestions (item_id, id);

-- Runs as the caller: the grants below decide who may run at all.
CREATE FUNCTION stamp_llm_run() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.run_by := session_user;
        NEW.started_at := now_text();
        NEW.finished_at := NULL;
        NEW.cancelled := false;
        RETURN NEW;
    END IF;
    IF OLD.run_by <> session_user THEN
        RAISE EXCEPTION 'run % is %''s: only they finish it', OLD.id, OLD.run_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.finished_at IS NOT NULL THEN
        RAISE EXCEPTION 'run % is finished already: a run is finished once', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.run_by, NEW.role, NEW.provider, NEW.model, NEW.prompt_version, NEW.started_at)
            IS DISTINCT FROM
       (OLD.id, OLD.run_by, OLD.role, OLD.provider, OLD.model, OLD.prompt_version, OLD.started_at) THEN
        RAISE EXCEPTION 'run % keeps what it was started with; only finishing it changes it', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.finished_at := now_text();
    RETURN NEW;
END
$$;

CREATE TRIGGER llm_runs_stamp BEFORE INSERT OR UPDATE ON llm_runs
    FOR EACH ROW EXECUTE FUNCTION stamp_llm_run();

-- Runs as the owner, to read the run whoever may read it.
CREATE FUNCTION check_llm_call() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM llm_runs r
                    WHERE r.id = NEW.run_id AND r.run_by = session_user AND r.finished_at IS NULL
                      AND (r.role, r.provider, r.model) = (NEW.role, NEW.provider, NEW.model)) THEN
        RAISE EXCEPTION 'a call is recorded in an unfinished run of %''s, with its role and model (run %)',
            session_user, NEW.run_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.created_at := now_text();
    RETURN NEW;
END
$$;

CREATE TRIGGER llm_calls_checked BEFORE INSERT ON llm_calls
    FOR EACH ROW EXECUTE FUNCTION check_llm_call();

-- Runs as the owner: it writes the item's shown verdict, which no reviewer may write directly.
CREATE FUNCTION record_vetting() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
DECLARE
    call llm_calls;
    stated jsonb;
BEGIN
    SELECT c.* INTO call FROM llm_calls c JOIN llm_runs r ON r.id = c.run_id
     WHERE c.id = NEW.call_id AND r.run_by = session_user AND r.finished_at IS NULL;
    IF NOT FOUND OR call.role <> 'vet' OR call.error_code IS NOT NULL
            OR call.item_id IS DISTINCT FROM NEW.item_id OR call.model <> NEW.agent THEN
        RAISE EXCEPTION 'a suggestion comes from a successful vetting call of %''s in an unfinished run, about the same item, from its model (call %)',
            session_user, NEW.call_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.reasons::jsonb) r
                WHERE jsonb_typeof(r) <> 'string') THEN
        RAISE EXCEPTION 'the reasons of a suggestion on item % are reason ids (strings)', NEW.item_id
            USING ERRCODE = 'check_violation';
    END IF;
    stated := NEW.shown::jsonb;
    -- Exactly the fields every client reads (`Vetting` refuses others), each once: the raw text
    -- is what the item shows.
    IF jsonb_typeof(stated) <> 'object' THEN
        RAISE EXCEPTION 'the verdict shown for item % is not a JSON object', NEW.item_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF (SELECT array_agg(k ORDER BY k) FROM json_object_keys(NEW.shown::json) k)
            IS DISTINCT FROM ARRAY['model', 'prompt', 'reasons', 'score', 'verdict']
            OR stated -> 'model' IS DISTINCT FROM to_jsonb(NEW.agent)
            OR stated -> 'verdict' IS DISTINCT FROM to_jsonb(NEW.verdict)
            OR stated -> 'reasons' IS DISTINCT FROM NEW.reasons::jsonb
            OR stated -> 'prompt' IS DISTINCT FROM to_jsonb(call.prompt_version)
            -- Three decimals of 1 - risk, rounded as the client rounds (within half a step).
            OR (CASE WHEN jsonb_typeof(stated -> 'score') = 'number'
                     THEN abs((stated ->> 'score')::float8 - (1 - NEW.risk)) > 0.0005 + 1e-9
                     ELSE true END) THEN
        RAISE EXCEPTION 'the verdict shown for item % is not the suggestion (model, verdict, reasons, prompt and score = 1 - risk, each once, nothing else)',
            NEW.item_id USING ERRCODE = 'check_violation';
    END IF;
    SELECT version INTO NEW.item_version FROM items WHERE id = NEW.item_id;
    NEW.created_at := now_text();
    UPDATE items SET vetting = NEW.shown, updated_at = NEW.created_at WHERE id = NEW.item_id;
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'vetted',
        'item', (SELECT left(external_id, 1000) FROM items WHERE id = NEW.item_id))::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER vetting_suggestions_recorded BEFORE INSERT ON vetting_suggestions
    FOR EACH ROW EXECUTE FUNCTION record_vetting();

CREATE TRIGGER llm_runs_never_deleted BEFORE DELETE ON llm_runs
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER llm_runs_no_truncate BEFORE TRUNCATE ON llm_runs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER llm_calls_append_only BEFORE UPDATE OR DELETE ON llm_calls
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER llm_calls_no_truncate BEFORE TRUNCATE ON llm_calls
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER vetting_suggestions_append_only BEFORE UPDATE OR DELETE ON vetting_suggestions
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER vetting_suggestions_no_truncate BEFORE TRUNCATE ON vetting_suggestions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();

REVOKE ALL ON llm_runs, llm_calls, vetting_suggestions FROM PUBLIC;
REVOKE ALL ON FUNCTION stamp_llm_run(), check_llm_call(), record_vetting() FROM PUBLIC;
GRANT SELECT ON llm_runs, llm_calls, vetting_suggestions TO vetted_reviewer;
-- Only these columns, and only SMEs and adjudicators: the server stamps the rest.
GRANT INSERT (role, provider, model, prompt_version) ON llm_runs
    TO vetted_sme, vetted_adjudicator;
GRANT UPDATE (cancelled) ON llm_runs TO vetted_sme, vetted_adjudicator;
GRANT INSERT (run_id, item_id, subject, role, provider, model, prompt_version, output_mode,
              streamed, prompt_tokens, completion_tokens, cost_usd, priced, latency_ms,
              attempts, finish_reason, error_code, error, knowledge)
    ON llm_calls TO vetted_sme, vetted_adjudicator;
GRANT INSERT (item_id, call_id, agent, verdict, risk, reasons, shown) ON vetting_suggestions
    TO vetted_sme, vetted_adjudicator;
