-- Aligning the vetting model on the team server, as on a local database (SQLite migration
-- 0014): an alignment run judges held-out, human-decided items of one domain once per prompt
-- variant (each variant one LLM run of 0013's), and is measured against the humans; the stats
-- dashboard shows the figures and the auto-approve threshold they support.
--
-- What the server enforces (the calls are made by a client, as in 0013):
-- - only SMEs and adjudicators record alignment runs; a run is stamped with its login and the
--   server's time;
-- - a result comes from a successful vetting call of the login's about the item, in an unfinished
--   run with the alignment's provider and model, one per call, and from that variant's run once
--   the variant is linked; the item is of the alignment's domain, and **the human label is the
--   server's own decision on the item**, whatever the client sends (an item no longer decided
--   when its result arrives is left out: it is no held-out item any more);
-- - a variant links a run of the login's alignment to a vetting run of theirs with its provider
--   and model, once per variant, and only a run whose results are that variant's alone;
-- - everything is append-only for every role, the owner included; everyone reads it (the
--   dashboard is the team's).
--
-- The limit, as in 0013: the verdicts, the items judged and the held-out count are the client's
-- word. An SME can record calls that never happened and so make the vetter look better than it
-- is; the server keeps who ran each alignment, and an auto-approve threshold is only ever a
-- suggestion.

CREATE TABLE alignment_runs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_by     text    NOT NULL DEFAULT session_user,
    domain     text    NOT NULL,
    provider   text    NOT NULL,
    model      text    NOT NULL,
    -- The share of decided items held out, and the seed that chose them.
    holdout    float8  NOT NULL CHECK (holdout > 0 AND holdout < 1),
    seed       bigint  NOT NULL,
    held_out   integer NOT NULL CHECK (held_out >= 0),
    started_at text    NOT NULL DEFAULT ''
);

CREATE TABLE alignment_variants (
    alignment_id bigint NOT NULL REFERENCES alignment_runs (id),
    variant      text   NOT NULL CHECK (variant IN ('base', 'guidelines', 'examples', 'both')),
    run_id       bigint NOT NULL UNIQUE REFERENCES llm_runs (id),
    PRIMARY KEY (alignment_id, variant)
);

CREATE TABLE alignment_results (
    alignment_id bigint NOT NULL REFERENCES alignment_runs (id),
    variant      text   NOT NULL CHECK (variant IN ('base', 'guidelines', 'examples', 'both')),
    item_id      bigint NOT NULL REFERENCES items (id),
    call_id      bigint NOT NULL UNIQUE REFERENCES llm_calls (id),
    verdict      text   NOT NULL CHECK (verdict IN ('pass', 'flag', 'fail')),
    risk         float8 NOT NULL CHECK (risk BETWEEN 0 AND 1),
    human        text   NOT NULL CHECK (human IN ('approved', 'edited', 'rejected')),
    PRIMARY KEY (alignment_id, variant, item_id)
);

-- Runs as the caller: the grants below decide who may align at all.
CREATE FUNCTION stamp_alignment_run() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
BEGIN
    NEW.run_by := session_user;
    NEW.started_at := now_text();
    RETURN NEW;
END
$$;

CREATE TRIGGER alignment_runs_stamp BEFORE INSERT ON alignment_runs
    FOR EACH ROW EXECUTE FUNCTION stamp_alignment_run();

-- Runs as the owner, to read runs and items whoever may read them.
CREATE FUNCTION check_alignment_variant() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM alignment_runs a JOIN llm_runs r ON r.id = NEW.run_id
                    WHERE a.id = NEW.alignment_id AND a.run_by = session_user
                      AND r.run_by = session_user AND r.role = 'vet'
                      AND (r.provider, r.model) = (a.provider, a.model)) THEN
        RAISE EXCEPTION 'a variant links an alignment run of %''s to a vetting run of theirs with its model (alignment %, run %)',
            session_user, NEW.alignment_id, NEW.run_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The variant's figures and its run's cost and latency are of the same calls.
    IF EXISTS (SELECT 1 FROM alignment_results x JOIN llm_calls c ON c.id = x.call_id
                WHERE (x.alignment_id = NEW.alignment_id AND x.variant = NEW.variant
                       AND c.run_id <> NEW.run_id)
                   OR (c.run_id = NEW.run_id
                       AND (x.alignment_id, x.variant) <> (NEW.alignment_id, NEW.variant))) THEN
        RAISE EXCEPTION 'variant % of alignment % links only the run whose results are its own (run %)',
            NEW.variant, NEW.alignment_id, NEW.run_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER alignment_variants_checked BEFORE INSERT ON alignment_variants
    FOR EACH ROW EXECUTE FUNCTION check_alignment_variant();

CREATE FUNCTION check_alignment_result() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
DECLARE
    decided text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM alignment_runs a, llm_calls c JOIN llm_runs r ON r.id = c.run_id
                    WHERE a.id = NEW.alignment_id AND a.run_by = session_user
                      AND c.id = NEW.call_id AND r.run_by = session_user
                      AND r.finished_at IS NULL AND c.role = 'vet' AND c.error_code IS NULL
                      AND c.item_id = NEW.item_id
                      AND (c.provider, c.model) = (a.provider, a.model)
                      AND NOT EXISTS (SELECT 1 FROM alignment_variants v
                                       WHERE v.alignment_id = NEW.alignment_id
                                         AND v.variant = NEW.variant AND v.run_id <> r.id)) THEN
        RAISE EXCEPTION 'a result comes from a successful vetting call of %''s about the item, in an unfinished run with the alignment''s provider and model (and the variant''s run, once linked; alignment %, call %)',
            session_user, NEW.alignment_id, NEW.call_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT i.status INTO decided FROM items i JOIN alignment_runs a ON a.id = NEW.alignment_id
     WHERE i.id = NEW.item_id AND i.domain = a.domain;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'item % is not in the alignment''s domain', NEW.item_id
            USING ERRCODE = 'check_violation';
    END IF;
    -- Decided since the client read it, or undone: the label is the server's decision now; an
    -- item no longer decided is no held-out item, and its result is not kept.
    IF decided NOT IN ('approved', 'edited', 'rejected') THEN
        RETURN NULL;
    END IF;
    NEW.human := decided;
    RETURN NEW;
END
$$;

CREATE TRIGGER alignment_results_checked BEFORE INSERT ON alignment_results
    FOR EACH ROW EXECUTE FUNCTION check_alignment_result();

CREATE TRIGGER alignment_runs_append_only BEFORE UPDATE OR DELETE ON alignment_runs
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER alignment_runs_no_truncate BEFORE TRUNCATE ON alignment_runs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER alignment_variants_append_only BEFORE UPDATE OR DELETE ON alignment_variants
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER alignment_variants_no_truncate BEFORE TRUNCATE ON alignment_variants
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER alignment_results_append_only BEFORE UPDATE OR DELETE ON alignment_results
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER alignment_results_no_truncate BEFORE TRUNCATE ON alignment_results
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();

REVOKE ALL ON alignment_runs, alignment_variants, alignment_results FROM PUBLIC;
REVOKE ALL ON FUNCTION stamp_alignment_run(), check_alignment_variant(), check_alignment_result()
    FROM PUBLIC;
GRANT SELECT ON alignment_runs, alignment_variants, alignment_results TO vetted_reviewer;
-- Only these columns, and only SMEs and adjudicators: the server stamps the rest.
GRANT INSERT (domain, provider, model, holdout, seed, held_out) ON alignment_runs
    TO vetted_sme, vetted_adjudicator;
GRANT INSERT ON alignment_variants, alignment_results TO vetted_sme, vetted_adjudicator;
