-- The relate model's judgements of discovery's candidates on the team server (`relate --rank`),
-- as on a local database (SQLite migration 0013): every judgement is a row, and the latest per
-- item is what the item shows (`items.assessment`), which ranks the "most likely first" order.
-- Never a decision.
--
-- Ranking also queues relationships of the model's own, and only who imports adds items (the
-- schema's owner), so only the owner ranks: no reviewer group is granted anything here but
-- reading. The owner's writes through this table are checked as a reviewer's would be (the
-- owner can still drop triggers or update `items`: keep the owner a role nobody signs in as
-- day to day):
-- - a judgement comes from a successful relate call of the login's, in an unfinished run, from
--   the call's model, about a relationship item, once per call and item;
-- - the item shows exactly that judgement (`shown` is checked against it, then written to
--   `items.assessment` by this trigger, and every window hears of it);
-- - judgements are append-only for every role, the owner included.

CREATE TABLE relation_assessments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES items (id),
    call_id      bigint NOT NULL REFERENCES llm_calls (id),
    -- The model that judged (the provider's model name).
    agent        text   NOT NULL,
    confidence   float8 NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    rationale    text   NOT NULL,
    -- What the item shows for it (`items.assessment`), as a local database writes it:
    -- {"model", "confidence", "rationale"} (a NUL in the rationale arrives as U+FFFD).
    shown        text   NOT NULL,
    item_version bigint NOT NULL DEFAULT 0,
    created_at   text   NOT NULL DEFAULT '',
    UNIQUE (call_id, item_id)
);

CREATE INDEX relation_assessments_by_item ON relation_assessments (item_id, id);

-- The latest judgement, as the item shows it; NULL until one is made.
ALTER TABLE items ADD COLUMN assessment text;

-- The "likely" order ranks by the relate model's latest confidence where it judged the item,
-- else by the confidence the item was proposed with, as a local database does. A generated
-- column's expression cannot change in place: the column is made again (this rewrites `items`
-- once, under an exclusive lock: minutes at a million items).
ALTER TABLE items DROP COLUMN likely;
ALTER TABLE items ADD COLUMN likely integer GENERATED ALWAYS AS (
    CASE kind WHEN 'relationship' THEN
        sqlite_round(coalesce((assessment::json ->> 'confidence')::float8,
                              (payload::json ->> 'confidence')::float8, -0.001) * 1000)
    ELSE -1 END
) STORED;
CREATE INDEX items_by_likely ON items (likely, id);

-- Runs as the owner of the schema: it writes the item's shown judgement.
CREATE FUNCTION record_assessment() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
DECLARE
    call llm_calls;
    stated jsonb;
BEGIN
    SELECT c.* INTO call FROM llm_calls c JOIN llm_runs r ON r.id = c.run_id
     WHERE c.id = NEW.call_id AND r.run_by = session_user AND r.finished_at IS NULL;
    IF NOT FOUND OR call.role <> 'relate' OR call.error_code IS NOT NULL
            OR call.model <> NEW.agent THEN
        RAISE EXCEPTION 'a judgement comes from a successful relate call of %''s in an unfinished run, from its model (call %)',
            session_user, NEW.call_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id AND kind = 'relationship') THEN
        RAISE EXCEPTION 'item % is not a relationship: only relationships are judged', NEW.item_id
            USING ERRCODE = 'check_violation';
    END IF;
    stated := NEW.shown::jsonb;
    IF jsonb_typeof(stated) <> 'object' THEN
        RAISE EXCEPTION 'the judgement shown for item % is not a JSON object', NEW.item_id
            USING ERRCODE = 'check_violation';
    END IF;
    -- Exactly the fields every client reads (`Assessment`), each once.
    IF (SELECT array_agg(k ORDER BY k) FROM json_object_keys(NEW.shown::json) k)
            IS DISTINCT FROM ARRAY['confidence', 'model', 'rationale']
            OR stated -> 'model' IS DISTINCT FROM to_jsonb(NEW.agent)
            OR stated -> 'rationale' IS DISTINCT FROM to_jsonb(NEW.rationale)
            -- A double's shortest text reads back as the same double.
            OR (CASE WHEN jsonb_typeof(stated -> 'confidence') = 'number'
                     THEN (stated ->> 'confidence')::float8 <> NEW.confidence
                     ELSE true END) THEN
        RAISE EXCEPTION 'the judgement shown for item % is not the one recorded (model, confidence and rationale, each once, nothing else)',
            NEW.item_id USING ERRCODE = 'check_violation';
    END IF;
    SELECT version INTO NEW.item_version FROM items WHERE id = NEW.item_id;
    NEW.created_at := now_text();
    UPDATE items SET assessment = NEW.shown, updated_at = NEW.created_at WHERE id = NEW.item_id;
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'vetted',
        'item', (SELECT left(external_id, 1000) FROM items WHERE id = NEW.item_id))::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER relation_assessments_recorded BEFORE INSERT ON relation_assessments
    FOR EACH ROW EXECUTE FUNCTION record_assessment();

CREATE TRIGGER relation_assessments_append_only BEFORE UPDATE OR DELETE ON relation_assessments
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER relation_assessments_no_truncate BEFORE TRUNCATE ON relation_assessments
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();

REVOKE ALL ON relation_assessments FROM PUBLIC;
REVOKE ALL ON FUNCTION record_assessment() FROM PUBLIC;
GRANT SELECT ON relation_assessments TO vetted_reviewer;
