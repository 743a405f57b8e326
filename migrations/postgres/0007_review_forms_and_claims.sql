-- Review forms (rubrics) and claim-level verdicts, as on a local database (SQLite migrations
-- 0016 and 0017): a domain's form is asked with every decision there, its answers and the
-- verdicts on an answer's claims are recorded with the decision, and a domain's claim settings
-- say whether approving an answer with a doubtful claim asks to confirm. Answers are stored as
-- the JSON text the core writes (a push keeps questions and spans as written too), so a snapshot
-- and its exports carry the same bytes as the local database they were pushed from.
--
-- What the server enforces:
-- - every reviewer reads the forms and claim settings; only SMEs and adjudicators (and the
--   schema's owner) put a form in force, retire it or change a setting: they own the domain's
--   rubric. A form version is numbered by the server (the domain's next) and stamped with the
--   login and the server's time; a setting with the login and time. Nobody rewrites or deletes
--   either: a change is a new row, the latest in force;
-- - answers and claim verdicts are written only with the login's own decision, in the
--   transaction that records it, and answers only under the form in force in the item's domain;
--   nobody (the owner included) changes or deletes them afterwards: they are part of the log;
-- - blind review holds: answers and verdicts are readable exactly when their decision is.

CREATE TABLE review_forms (
    id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain     text    NOT NULL CHECK (length(domain) > 0),
    version    integer NOT NULL CHECK (version > 0),
    -- JSON array of `review_form::FormQuestion`; '[]' retires the form.
    -- Checked question by question by the stamp trigger (`question_problem`).
    questions  text    NOT NULL CHECK (jsonb_typeof(questions::jsonb) = 'array'),
    author     text    NOT NULL DEFAULT session_user,
    created_at text    NOT NULL DEFAULT now_text(),
    UNIQUE (domain, version)
);

-- A decision's answers, one row per answered question; `form_id` is the version they were
-- given under.
CREATE TABLE form_answers (
    decision_id text   NOT NULL REFERENCES decisions (id),
    form_id     bigint NOT NULL REFERENCES review_forms (id),
    question    text   NOT NULL,
    -- JSON: a number, true/false, a string or an array of strings.
    value       text   NOT NULL CHECK (value::jsonb IS NOT NULL),
    PRIMARY KEY (decision_id, question)
);

CREATE INDEX form_answers_by_form ON form_answers (form_id);

CREATE TABLE claim_checks (
    decision_id text    NOT NULL REFERENCES decisions (id),
    -- 0-based order of the claim in the answer as the reviewer settled its claims.
    -- At most `claims::MAX_CLAIMS` (200) with a decision.
    position    integer NOT NULL CHECK (position BETWEEN 0 AND 199),
    claim       text    NOT NULL CHECK (length(claim) > 0),
    verdict     text    NOT NULL
        CHECK (verdict IN ('supported', 'unsupported', 'contradicted', 'not-checkable')),
    -- JSON array of `claims::EvidenceSpan`.
    spans       text    NOT NULL CHECK (jsonb_typeof(spans::jsonb) = 'array'),
    PRIMARY KEY (decision_id, position)
);

CREATE TABLE claim_settings (
    id              bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain          text    NOT NULL CHECK (length(domain) > 0),
    confirm_approve boolean NOT NULL,
    changed_by      text    NOT NULL DEFAULT session_user,
    changed_at      text    NOT NULL DEFAULT now_text()
);

CREATE INDEX claim_settings_by_domain ON claim_settings (domain, id);

-- What is wrong with `q` as a question of a form, with the core's rules
-- (`review_form::check_questions`, and the types `FormQuestion` reads): NULL when nothing.
CREATE FUNCTION question_problem(q jsonb) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN jsonb_typeof(q) IS DISTINCT FROM 'object' THEN 'a question is a table'
        WHEN jsonb_typeof(q -> 'id') IS DISTINCT FROM 'string' OR q ->> 'id' !~ '^[a-z0-9_]+$'
            THEN 'id: use lower-case letters, digits and _'
        WHEN jsonb_typeof(q -> 'label') IS DISTINCT FROM 'string'
             OR q ->> 'label' ~ '^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$'
            THEN 'label: write the question'
        WHEN q ? 'required' AND jsonb_typeof(q -> 'required') IS DISTINCT FROM 'boolean'
            THEN 'required: true or false'
        WHEN q ->> 'type' = 'rating' THEN CASE
            WHEN jsonb_typeof(q -> 'scale') IS DISTINCT FROM 'number'
                 OR q ->> 'scale' NOT IN ('5', '7') THEN 'scale: 5 or 7'
            WHEN NOT q ? 'labels' THEN NULL
            -- Each test in a WHEN of its own: CASE keeps their order, OR would not.
            WHEN jsonb_typeof(q -> 'labels') IS DISTINCT FROM 'array'
                THEN 'labels: one per point, or none'
            WHEN jsonb_path_exists(q -> 'labels', '$[*] ? (@.type() != "string")')
                 OR jsonb_array_length(q -> 'labels') NOT IN (0, (q ->> 'scale')::integer)
                THEN 'labels: one per point, or none'
            END
        WHEN q ->> 'type' IN ('single_choice', 'multi_label') THEN CASE
            WHEN jsonb_typeof(q -> 'options') IS DISTINCT FROM 'array'
                THEN 'options: two to nine, each once'
            WHEN jsonb_path_exists(q -> 'options', '$[*] ? (@.type() != "string")')
                 OR jsonb_array_length(q -> 'options') NOT BETWEEN 2 AND 9
                 OR (SELECT count(DISTINCT o) FROM jsonb_array_elements_text(q -> 'options') o)
                    <> jsonb_array_length(q -> 'options')
                THEN 'options: two to nine, each once'
            END
        WHEN q ->> 'type' = 'number' THEN CASE
            WHEN jsonb_typeof(q -> 'min') NOT IN ('number', 'null')
                 OR jsonb_typeof(q -> 'max') NOT IN ('number', 'null')
                THEN 'min and max: numbers'
            -- Within a double's range, as the core reads them.
            WHEN abs((q ->> 'min')::numeric) > 1.7976931348623157e308
                 OR abs((q ->> 'max')::numeric) > 1.7976931348623157e308
                THEN 'min and max: numbers'
            WHEN jsonb_typeof(q -> 'min') = 'number' AND jsonb_typeof(q -> 'max') = 'number'
                 AND (q ->> 'min')::numeric > (q ->> 'max')::numeric THEN 'min is above max'
            END
        WHEN q ->> 'type' = 'text' THEN CASE
            WHEN jsonb_typeof(q -> 'max_chars') NOT IN ('number', 'null')
                 OR (jsonb_typeof(q -> 'max_chars') = 'number'
                     AND ((q ->> 'max_chars') !~ '^[0-9]{1,10}$'
                          OR (q ->> 'max_chars')::bigint > 4294967295))
                THEN 'max_chars: a whole number'
            END
        WHEN q ->> 'type' = 'yes_no' THEN NULL
        ELSE 'type: rating, yes_no, single_choice, multi_label, number or text'
    END
$$;

-- Checks a new form version's questions (`[]` retires the form), then numbers it and stamps it
-- (a push records the local database's versions as they are). Versions of one domain are
-- numbered one at a time.
CREATE FUNCTION stamp_review_form() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    problem text;
BEGIN
    SELECT format('question %s: %s', q ->> 'id', question_problem(q)) INTO problem
      FROM jsonb_array_elements(NEW.questions::jsonb) q
     WHERE question_problem(q) IS NOT NULL LIMIT 1;
    IF problem IS NULL
       AND (SELECT count(DISTINCT q ->> 'id') FROM jsonb_array_elements(NEW.questions::jsonb) q)
           <> jsonb_array_length(NEW.questions::jsonb) THEN
        problem := 'a question id is used twice';
    END IF;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'review form %: %', NEW.domain, problem USING ERRCODE = 'check_violation';
    END IF;
    IF pushing() THEN
        RETURN NEW;
    END IF;
    -- Kept as checked: numbers written as 5e0 read as 5, a key given twice once.
    NEW.questions := NEW.questions::jsonb::text;
    PERFORM pg_advisory_xact_lock(hashtext('vetted.review_forms'), hashtext(NEW.domain));
    NEW.version := (SELECT coalesce(max(version), 0) + 1 FROM review_forms
                     WHERE domain = NEW.domain);
    NEW.author := session_user;
    NEW.created_at := now_text();
    RETURN NEW;
END
$$;

CREATE TRIGGER review_forms_stamp BEFORE INSERT ON review_forms
    FOR EACH ROW EXECUTE FUNCTION stamp_review_form();

-- Whether `given` (an answer's JSON text) fits `question` (a `review_form::FormQuestion`), with
-- the core's rules (`review_form::check_value`): NULL when it does, else what is wrong. The
-- server checks it again so that no answer the core would refuse enters the log, where it would
-- stop every snapshot (which merges with the core's checks).
CREATE FUNCTION answer_problem(question jsonb, given text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind text := question ->> 'type';
    answer jsonb := given::jsonb;
    labels text[];
BEGIN
    CASE kind
    WHEN 'rating' THEN
        -- A whole point as written (4.0 or 4e0 is no point of the scale for the core).
        IF btrim(given, E' \t\n\r') ~ '^[0-9]{1,3}$'
           AND answer::text::numeric BETWEEN 1 AND (question ->> 'scale')::numeric THEN
            RETURN NULL;
        END IF;
    WHEN 'yes_no' THEN
        IF jsonb_typeof(answer) = 'boolean' THEN
            RETURN NULL;
        END IF;
    WHEN 'single_choice' THEN
        IF jsonb_typeof(answer) = 'string' AND (question -> 'options') ? (answer #>> '{}') THEN
            RETURN NULL;
        END IF;
    WHEN 'multi_label' THEN
        IF jsonb_typeof(answer) = 'array' AND jsonb_array_length(answer) > 0
           AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(answer) l
                            WHERE jsonb_typeof(l) <> 'string'
                               OR NOT (question -> 'options') ? (l #>> '{}')) THEN
            SELECT array_agg(l) INTO labels FROM jsonb_array_elements_text(answer) l;
            IF cardinality(labels) = (SELECT count(DISTINCT l) FROM unnest(labels) l) THEN
                RETURN NULL;
            END IF;
        END IF;
    WHEN 'number' THEN
        IF jsonb_typeof(answer) = 'number'
           AND abs(answer::text::numeric) <= 1.7976931348623157e308
           AND (jsonb_typeof(question -> 'min') IS DISTINCT FROM 'number'
                OR answer::text::numeric >= (question ->> 'min')::numeric)
           AND (jsonb_typeof(question -> 'max') IS DISTINCT FROM 'number'
                OR answer::text::numeric <= (question ->> 'max')::numeric) THEN
            RETURN NULL;
        END IF;
    WHEN 'text' THEN
        -- Not blank (Unicode white space, named as the core trims it), within its length.
        IF jsonb_typeof(answer) = 'string'
           AND answer #>> '{}' !~ '^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$'
           AND char_length(answer #>> '{}')
               <= coalesce((question ->> 'max_chars')::bigint, 2000) THEN
            RETURN NULL;
        END IF;
    ELSE
        RETURN format('the question has no known type %s', kind);
    END CASE;
    RETURN format('%s does not fit question %s (%s)', answer, question ->> 'id', kind);
END
$$;

-- Answers and verdicts belong to a decision the login records in this very transaction, not an
-- adjudication (a push: to the events it records). Answers name the form in force in the
-- item's domain (not a retirement) and fit its questions; a comparison answers no form.
-- Verdicts are about pieces of an answer item's model answer, their spans inside its passages
-- with the passage's text, as the core records them (`claims::check_claims`).
-- Runs as the caller: the decision is read under the caller's row-level security.
CREATE FUNCTION check_feedback() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    item items%ROWTYPE;
    form review_forms%ROWTYPE;
    problem text;
BEGIN
    IF pushing() THEN
        RETURN NEW;
    END IF;
    SELECT i.* INTO item
      FROM decisions d JOIN items i ON i.id = d.item_id
     WHERE d.id = NEW.decision_id AND d.reviewer = session_user AND d.action <> 'revert'
       AND NOT d.adjudication AND d.xmin = pg_current_xact_id()::xid;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% gives feedback only with a review of theirs, as it is recorded',
            session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Nested: a claim check has no form_id to read.
    IF TG_TABLE_NAME = 'form_answers' THEN
        SELECT * INTO form FROM review_forms WHERE domain = item.domain
         ORDER BY version DESC LIMIT 1;
        IF item.kind = 'comparison' OR NOT FOUND OR form.questions = '[]'
           OR NEW.form_id IS DISTINCT FROM form.id THEN
            RAISE EXCEPTION 'answers are given under the review form in force in %, which a comparison answers not',
                item.domain USING ERRCODE = 'check_violation';
        END IF;
        SELECT answer_problem(q, NEW.value) INTO problem
          FROM jsonb_array_elements(form.questions::jsonb) q WHERE q ->> 'id' = NEW.question;
        IF NOT FOUND THEN
            problem := format('the review form has no question %s', NEW.question);
        END IF;
    ELSIF item.kind <> 'answer' THEN
        problem := 'claims are checked on answers only';
    ELSIF NEW.claim ~ '^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$' THEN
        problem := 'a claim is recorded trimmed';
    ELSIF strpos(item.payload::json ->> 'answer', NEW.claim) = 0 THEN
        problem := 'the claim is not a part of the answer';
    ELSIF EXISTS (
        SELECT 1 FROM jsonb_array_elements(NEW.spans::jsonb) s
         WHERE jsonb_typeof(s) <> 'object'
            OR NOT EXISTS (
                SELECT 1 FROM evidence e
                 WHERE e.item_id = item.id AND e.passage_id = s ->> 'passage'
                   AND jsonb_typeof(s -> 'passage') = 'string'
                   AND jsonb_typeof(s -> 'text') = 'string'
                   AND jsonb_typeof(s -> 'start') = 'number' AND jsonb_typeof(s -> 'end') = 'number'
                   AND (s ->> 'start') ~ '^[0-9]+$' AND (s ->> 'end') ~ '^[0-9]+$'
                   AND (s ->> 'start')::bigint < (s ->> 'end')::bigint
                   AND (s ->> 'end')::bigint <= char_length(e.text)
                   AND s ->> 'text' = substr(e.text, (s ->> 'start')::integer + 1,
                                             (s ->> 'end')::integer - (s ->> 'start')::integer))) THEN
        problem := 'a span is not a span of the item''s evidence';
    END IF;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'claim_checks' THEN
        -- Kept as checked: offsets written as 4e0 read as 4, a key given twice once.
        NEW.spans := NEW.spans::jsonb::text;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER form_answers_checked BEFORE INSERT ON form_answers
    FOR EACH ROW EXECUTE FUNCTION check_feedback();
CREATE TRIGGER claim_checks_checked BEFORE INSERT ON claim_checks
    FOR EACH ROW EXECUTE FUNCTION check_feedback();

-- Append-only for every role, the owner included.
CREATE FUNCTION refuse_feedback_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER review_forms_append_only BEFORE UPDATE OR DELETE ON review_forms
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER form_answers_append_only BEFORE UPDATE OR DELETE ON form_answers
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER claim_checks_append_only BEFORE UPDATE OR DELETE ON claim_checks
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER claim_settings_append_only BEFORE UPDATE OR DELETE ON claim_settings
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER review_forms_no_truncate BEFORE TRUNCATE ON review_forms
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER form_answers_no_truncate BEFORE TRUNCATE ON form_answers
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER claim_checks_no_truncate BEFORE TRUNCATE ON claim_checks
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER claim_settings_no_truncate BEFORE TRUNCATE ON claim_settings
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();

ALTER TABLE review_forms ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE form_answers ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim_checks ENABLE ROW LEVEL SECURITY;

CREATE POLICY review_forms_read ON review_forms FOR SELECT USING (true);
CREATE POLICY review_forms_write ON review_forms FOR INSERT
    WITH CHECK ((SELECT is_member('vetted_sme')) OR (SELECT is_member('vetted_adjudicator')));
CREATE POLICY claim_settings_read ON claim_settings FOR SELECT USING (true);
CREATE POLICY claim_settings_write ON claim_settings FOR INSERT
    WITH CHECK ((SELECT is_member('vetted_sme')) OR (SELECT is_member('vetted_adjudicator')));

-- The subqueries read `decisions` under its own row-level security, as the reader.
CREATE POLICY form_answers_read ON form_answers FOR SELECT
    USING (EXISTS (SELECT 1 FROM decisions d WHERE d.id = form_answers.decision_id));
CREATE POLICY form_answers_write ON form_answers FOR INSERT WITH CHECK (true);
CREATE POLICY claim_checks_read ON claim_checks FOR SELECT
    USING (EXISTS (SELECT 1 FROM decisions d WHERE d.id = claim_checks.decision_id));
CREATE POLICY claim_checks_write ON claim_checks FOR INSERT WITH CHECK (true);

-- A changed form or setting is announced with its domain, so open windows ask the new one.
CREATE FUNCTION announce_form() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'forms',
        'domain', left(NEW.domain, 1000))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER review_forms_announce AFTER INSERT ON review_forms
    FOR EACH ROW EXECUTE FUNCTION announce_form();
CREATE TRIGGER claim_settings_announce AFTER INSERT ON claim_settings
    FOR EACH ROW EXECUTE FUNCTION announce_form();

REVOKE ALL ON review_forms, form_answers, claim_checks, claim_settings FROM PUBLIC;
REVOKE ALL ON FUNCTION stamp_review_form(), check_feedback(), refuse_feedback_change(),
    announce_form(), answer_problem(jsonb, text), question_problem(jsonb) FROM PUBLIC;
-- The checks run as the caller and ask these.
GRANT EXECUTE ON FUNCTION answer_problem(jsonb, text), question_problem(jsonb) TO vetted_reviewer;
GRANT SELECT ON review_forms, form_answers, claim_checks, claim_settings TO vetted_reviewer;
-- Only these columns: the server numbers and stamps the rest.
GRANT INSERT (domain, questions) ON review_forms TO vetted_reviewer;
GRANT INSERT (domain, confirm_approve) ON claim_settings TO vetted_reviewer;
GRANT INSERT ON form_answers, claim_checks TO vetted_reviewer;
