-- Review guidelines per domain (markdown), as on a local database (SQLite migration 0007):
-- shown next to the items of their domain; a decision's note can be promoted into one, which
-- then links to the item and decision it came from.
--
-- What the server enforces:
-- - every reviewer reads every guideline and adds their own; an entry is stamped with its
--   login and the server's time, never another name or time;
-- - a promoted note is the decision's own note, in its item's domain, and only a decision the
--   login may read; a note is promoted at most once;
-- - blind review holds: a promoted note is listed only to those who may read its decision;
-- - a reviewer edits or archives their own entries; SMEs and adjudicators edit and archive
--   anyone's (they own the domain's knowledge);
-- - nobody deletes an entry (archived ones stay, with their links) nor changes an archived one.

CREATE TABLE guidelines (
    id              bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain          text    NOT NULL CHECK (length(domain) > 0),
    body            text    NOT NULL CHECK (length(btrim(body)) > 0 AND length(body) <= 20000),
    source_item     bigint  REFERENCES items (id),
    source_decision text    REFERENCES decisions (id),
    created_by      text    NOT NULL,
    created_at      text    NOT NULL,
    updated_by      text    NOT NULL,
    updated_at      text    NOT NULL,
    archived        boolean NOT NULL DEFAULT false,
    -- An entry pushed from a local database (`team push`): its author, creation time, domain
    -- and local id, so pushing again finds it. NULL for entries written on the server.
    origin          text
);

CREATE INDEX guidelines_by_domain ON guidelines (domain, archived, id);
CREATE UNIQUE INDEX guidelines_by_source_decision ON guidelines (source_decision)
    WHERE source_decision IS NOT NULL;
CREATE UNIQUE INDEX guidelines_by_origin ON guidelines (origin) WHERE origin IS NOT NULL;

-- Runs as the caller, so a promoted note is read under the caller's row-level security.
CREATE FUNCTION stamp_guideline() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    note_text text;
BEGIN
    -- `vetted team push`: the schema's owner copies a local database's entries as they are.
    IF pushing() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.archived THEN
            RAISE EXCEPTION 'guideline % is archived; add a new one instead', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.updated_by := session_user;
        NEW.updated_at := now_text();
        RETURN NEW;
    END IF;
    IF NEW.source_decision IS NOT NULL THEN
        SELECT d.note, d.item_id, i.domain INTO note_text, NEW.source_item, NEW.domain
          FROM decisions d JOIN items i ON i.id = d.item_id
         WHERE d.id = NEW.source_decision;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no decision % that % may read', NEW.source_decision, session_user
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- Trimmed of Unicode white space, as the local store trims (named, not the locale's).
        note_text := regexp_replace(note_text,
            '^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$',
            '', 'g');
        IF coalesce(note_text, '') = '' THEN
            RAISE EXCEPTION 'decision % has no note to promote; add a guideline instead',
                NEW.source_decision USING ERRCODE = 'check_violation';
        END IF;
        NEW.body := note_text;
    ELSIF NEW.source_item IS NOT NULL THEN
        RAISE EXCEPTION 'a guideline links to an item only through a promoted note'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.created_by := session_user;
    NEW.created_at := now_text();
    NEW.updated_by := NEW.created_by;
    NEW.updated_at := NEW.created_at;
    NEW.archived := false;
    RETURN NEW;
END
$$;

CREATE TRIGGER guidelines_stamp BEFORE INSERT OR UPDATE ON guidelines
    FOR EACH ROW EXECUTE FUNCTION stamp_guideline();

-- Also for the owner, like the decision log.
CREATE FUNCTION refuse_guideline_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'guidelines are archived, never deleted: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER guidelines_never_deleted BEFORE DELETE ON guidelines
    FOR EACH ROW EXECUTE FUNCTION refuse_guideline_delete();
CREATE TRIGGER guidelines_no_truncate BEFORE TRUNCATE ON guidelines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_guideline_delete();

ALTER TABLE guidelines ENABLE ROW LEVEL SECURITY;

-- The subquery reads `decisions` under its own row-level security, as the reader.
CREATE POLICY guidelines_read ON guidelines FOR SELECT USING (
    source_decision IS NULL
    OR EXISTS (SELECT 1 FROM decisions d WHERE d.id = guidelines.source_decision)
);
CREATE POLICY guidelines_add ON guidelines FOR INSERT WITH CHECK (true);
-- Only entries the login may read (an update without a WHERE would touch hidden ones too).
CREATE POLICY guidelines_edit ON guidelines FOR UPDATE
    USING ((created_by = session_user
            OR (SELECT is_member('vetted_sme'))
            OR (SELECT is_member('vetted_adjudicator')))
           AND (source_decision IS NULL
                OR EXISTS (SELECT 1 FROM decisions d WHERE d.id = guidelines.source_decision)));

REVOKE ALL ON guidelines FROM PUBLIC;
REVOKE ALL ON FUNCTION stamp_guideline(), refuse_guideline_delete() FROM PUBLIC;
-- The stamp trigger runs as the caller and asks whether this is a push (always false for them).
GRANT EXECUTE ON FUNCTION pushing() TO vetted_reviewer;
GRANT SELECT ON guidelines TO vetted_reviewer;
GRANT INSERT (domain, body, source_decision) ON guidelines TO vetted_reviewer;
GRANT UPDATE (body, archived) ON guidelines TO vetted_reviewer;
