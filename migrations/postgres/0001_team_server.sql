-- The team server: items, the append-only decision log and work leases in one PostgreSQL
-- database, with the server itself deciding who may do what.
--
-- Identity is the login role (`session_user`, which `SET ROLE` cannot change). What a reviewer
-- may do comes from membership of the group roles below; the grants, row-level security and
-- triggers here refuse everything else, whatever client or raw SQL a reviewer uses:
-- - nobody updates, deletes or truncates a decision (the owner neither, short of dropping the
--   triggers, which only the owner may);
-- - a decision is recorded as its login and at the server's time, never another's name or
--   a back-dated time; only adjudicators record adjudications;
-- - under blind review (an item needing k > 1 reviews), a reviewer reads other reviewers'
--   decisions on an item only after deciding it (adjudicators read all);
-- - a lease belongs to its login: nobody claims, extends or releases work for another.
--
-- Roles are cluster-wide in PostgreSQL, so their names carry the `vetted_` prefix and every
-- database of a server shares them; this migration creates the ones missing (the role applying
-- it needs CREATEROLE, as `vetted team init` says).

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['vetted_reviewer', 'vetted_analyst', 'vetted_sme',
                                'vetted_adjudicator'] LOOP
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by an init of another database on this server
        END;
        IF name <> 'vetted_reviewer' THEN
            EXECUTE format('GRANT vetted_reviewer TO %I', name);
        END IF;
    END LOOP;
END
$$;

CREATE TABLE items (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id        text   NOT NULL UNIQUE,
    kind               text   NOT NULL CHECK (kind IN ('answer', 'relationship', 'comparison')),
    domain             text   NOT NULL,
    model              text   NOT NULL,
    title              text   NOT NULL,
    -- The kind's body as JSON text, byte for byte as in a local database.
    payload            text   NOT NULL,
    vetting            text,
    metadata           text   NOT NULL DEFAULT '{}',
    content_hash       text   NOT NULL,
    -- Independent reviews this item needs (its import's overlap k).
    required_reviews   integer NOT NULL DEFAULT 1 CHECK (required_reviews BETWEEN 1 AND 10),
    -- The projection of the log (see the core's `team::resolve`); `version` is the server's:
    -- the decision trigger bumps it, so a stale client's decision is refused.
    status             text   NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'needs_sme')),
    review             text   NOT NULL DEFAULT 'open' CHECK (review IN ('open', 'settled', 'conflict')),
    decided_by         text,
    effective_decision text,
    version            bigint NOT NULL DEFAULT 1,
    created_at         text   NOT NULL,
    updated_at         text   NOT NULL
);

CREATE INDEX items_by_review ON items (review, id);

CREATE TABLE evidence (
    item_id    bigint  NOT NULL REFERENCES items (id),
    position   integer NOT NULL,
    passage_id text    NOT NULL,
    title      text    NOT NULL,
    text       text    NOT NULL,
    source     text    NOT NULL,
    PRIMARY KEY (item_id, position)
);

CREATE TABLE reject_reasons (
    id       text    PRIMARY KEY,
    label    text    NOT NULL,
    position integer NOT NULL UNIQUE
);

INSERT INTO reject_reasons (id, label, position) VALUES
    ('unsupported_by_evidence', 'Unsupported by evidence', 1),
    ('contradicts_evidence', 'Contradicts evidence', 2),
    ('incomplete', 'Incomplete', 3),
    ('wrong_data_product', 'Wrong data product', 4),
    ('privacy_governance', 'Privacy / governance', 5),
    ('off_domain', 'Off-domain', 6),
    ('other', 'Other', 7);

-- The merge-stable order of the log (the local databases' Lamport clock).
CREATE SEQUENCE decision_clock;

CREATE TABLE decisions (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Client-generated, globally unique (UUID v7): a retried decision is recorded once.
    id             text    NOT NULL UNIQUE,
    item_id        bigint  NOT NULL REFERENCES items (id),
    item_version   bigint  NOT NULL,
    reviewer       text    NOT NULL,
    action         text    NOT NULL
                           CHECK (action IN ('approve', 'edit', 'reject', 'needs_sme', 'revert')),
    edited_payload text,
    reason         text REFERENCES reject_reasons (id),
    note           text,
    -- Set by the server (stamp_decision), never by a client.
    decided_at     text    NOT NULL DEFAULT '',
    edit_distance  bigint  CHECK (edit_distance >= 0),
    clock          bigint  NOT NULL DEFAULT 0,
    -- JSON array of the decision ids this one replaces (NULL: none, e.g. a blind review).
    supersedes     text,
    adjudication   boolean NOT NULL DEFAULT false,
    reverts        text,
    -- A comparison's pick as JSON (`{"best":N}` or `"tie"`), with its approve.
    pick           text,
    CHECK ((action = 'edit') = (edited_payload IS NOT NULL)),
    CHECK (action <> 'reject' OR reason IS NOT NULL),
    CHECK ((action = 'revert') = (reverts IS NOT NULL)),
    -- Malformed JSON would make the item's log unreadable for good: refused at the door.
    CHECK (edited_payload IS NULL OR jsonb_typeof(edited_payload::jsonb) = 'object'),
    CHECK (supersedes IS NULL OR jsonb_typeof(supersedes::jsonb) = 'array'),
    CHECK (pick IS NULL OR (action = 'approve' AND (pick = '"tie"' OR pick ~ '^\{"best":[0-3]\}$')))
);

CREATE INDEX decisions_by_item ON decisions (item_id, reviewer);

-- Work handed out: a reviewer holds an item until the lease expires, they decide it, or they
-- release it. An item needing k reviews is leased to at most k reviewers at once, never twice
-- to one (see claim_items).
CREATE TABLE leases (
    item_id    bigint      NOT NULL REFERENCES items (id),
    reviewer   text        NOT NULL DEFAULT session_user,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, reviewer)
);

CREATE INDEX leases_by_reviewer ON leases (reviewer, expires_at);

-- The server's clock, formatted as every stored time is (RFC 3339, milliseconds, UTC).
-- Functions pin their search_path, so a caller's own objects never stand in for the catalog's.
CREATE FUNCTION now_text() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION is_member(role_name text) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name)
           AND pg_has_role(session_user, role_name, 'MEMBER')
$$;

-- Whether this transaction pushes a local database's log (`vetted team push`): the schema's
-- owner, having set `vetted.push`, records other reviewers' events verbatim, with their own
-- times and clocks. Nobody else can, whatever they set.
CREATE FUNCTION pushing() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(current_setting('vetted.push', true), '') = 'on'
           AND pg_has_role(session_user,
                           (SELECT nspowner FROM pg_namespace WHERE nspname = 'vetted'), 'MEMBER')
$$;

-- The log is append-only, for every role including the owner.
CREATE FUNCTION refuse_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decisions are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_decision_change();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_decision_change();

-- Checks a new event against what its login may do, then stamps it with the server's time and
-- clock, bumps the item's version and ends the decider's lease on it. Refused:
-- - an event in another login's name, or an adjudication by a non-adjudicator;
-- - a revert (undo, redo) of anything but the login's own event on the item;
-- - `supersedes` naming anything but decisions on the item;
-- - a decision on a version of the item that is no longer current, unless it is a blind review
--   (the row lock orders concurrent deciders);
-- - under blind review (k > 1, not an adjudication): a first review of an item that already has
--   its k reviewers, and any change (decision, undo, redo) to one's review once another reviewer
--   has reviewed the item — having seen theirs, only an adjudicator settles it.
CREATE FUNCTION stamp_decision() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
DECLARE
    current bigint;
    required integer;
    decided boolean;
    others integer;
BEGIN
    IF pushing() THEN
        UPDATE items SET version = version + 1, updated_at = now_text() WHERE id = NEW.item_id;
        RETURN NEW;
    END IF;
    IF NEW.reviewer IS DISTINCT FROM session_user THEN
        RAISE EXCEPTION '% may not record a decision as %', session_user, NEW.reviewer
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.adjudication AND NOT is_member('vetted_adjudicator') THEN
        RAISE EXCEPTION 'only adjudicators record adjudications; % is not one', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT version, required_reviews INTO current, required
      FROM items WHERE id = NEW.item_id FOR UPDATE;
    IF NEW.action = 'revert' AND NOT EXISTS (
           SELECT 1 FROM decisions
            WHERE id = NEW.reverts AND item_id = NEW.item_id AND reviewer = session_user) THEN
        RAISE EXCEPTION 'an undo or redo reverts one of your own events on the item'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.supersedes IS NOT NULL AND EXISTS (
           SELECT 1 FROM jsonb_array_elements(NEW.supersedes::jsonb) AS s (id)
            WHERE jsonb_typeof(s.id) <> 'string'
               OR NOT EXISTS (SELECT 1 FROM decisions d
                               WHERE d.id = s.id #>> '{}' AND d.item_id = NEW.item_id)) THEN
        RAISE EXCEPTION 'a decision supersedes only decisions on its own item'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    decided := has_decided(NEW.item_id);
    IF required > 1 AND NOT NEW.adjudication THEN
        SELECT count(DISTINCT reviewer) INTO others FROM decisions
         WHERE item_id = NEW.item_id AND reviewer <> session_user
           AND action <> 'revert' AND NOT adjudication;
        IF NOT decided AND NEW.action <> 'revert' AND others >= required THEN
            RAISE EXCEPTION 'item % already has its % independent reviews', NEW.item_id, required
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF decided AND others > 0 THEN
            RAISE EXCEPTION 'another reviewer has reviewed item % too: your review stands, and an adjudicator settles any disagreement',
                NEW.item_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    -- A blind review depends on nothing the reviewer could see, so other reviews recorded
    -- meanwhile do not make it stale.
    IF current IS DISTINCT FROM NEW.item_version
       AND NOT (required > 1 AND NOT NEW.adjudication AND NOT decided) THEN
        RAISE EXCEPTION 'item % changed: decided on version %, now version %',
            NEW.item_id, NEW.item_version, current
            USING ERRCODE = 'serialization_failure';
    END IF;
    NEW.decided_at := now_text();
    NEW.clock := nextval('decision_clock');
    UPDATE items SET version = version + 1, updated_at = NEW.decided_at WHERE id = NEW.item_id;
    DELETE FROM leases WHERE item_id = NEW.item_id AND reviewer = session_user;
    RETURN NEW;
END
$$;

CREATE TRIGGER decisions_stamp BEFORE INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION stamp_decision();

-- Live changes: every client that LISTENs on `vetted_changes` hears of each event (the item's
-- external id only: who decided what stays behind row-level security) and of each import.
CREATE FUNCTION announce_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'event',
        -- NOTIFY payloads stop at 8000 bytes: an id longer than any real one is cut.
        'item', (SELECT left(external_id, 1000) FROM items WHERE id = NEW.item_id))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER decisions_announce AFTER INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION announce_event();

CREATE FUNCTION announce_import() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object('change', 'items')::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER items_announce AFTER INSERT ON items
    FOR EACH STATEMENT EXECUTE FUNCTION announce_import();

-- Whether the session's reviewer has a decision on the item (read past row-level security, so
-- the policy below can ask it without recursing).
CREATE FUNCTION has_decided(item bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM decisions
                    WHERE item_id = item AND reviewer = session_user AND action <> 'revert')
$$;

ALTER TABLE decisions ENABLE ROW LEVEL SECURITY;

CREATE POLICY decisions_read ON decisions FOR SELECT USING (
    reviewer = session_user
    OR (SELECT is_member('vetted_adjudicator'))
    OR (SELECT required_reviews FROM items WHERE items.id = decisions.item_id) = 1
    OR has_decided(item_id)
);

-- Also checked by the stamp trigger (which runs first and names the culprit).
CREATE POLICY decisions_write ON decisions FOR INSERT WITH CHECK (reviewer = session_user);

ALTER TABLE leases ENABLE ROW LEVEL SECURITY;

CREATE POLICY leases_own ON leases USING (reviewer = session_user)
    WITH CHECK (reviewer = session_user);

-- Claims up to `wanted` items for the session's reviewer for `lease_seconds`: first the items it
-- already holds, then open items (oldest first) it has not decided that fewer than their k
-- reviewers hold or have decided. Claims take turns (a transaction-scoped advisory lock) and skip
-- items being decided, so an item is never handed out beyond its k. Returns the item ids held.
CREATE FUNCTION claim_items(wanted integer, lease_seconds integer) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    held integer;
    until timestamptz := clock_timestamp() + make_interval(secs => lease_seconds);
BEGIN
    IF NOT is_member('vetted_reviewer') THEN
        RAISE EXCEPTION '% is not a Vetted reviewer', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A snapshot older than the lock below would not see the leases granted meanwhile.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'claim items in a READ COMMITTED transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF wanted NOT BETWEEN 1 AND 500 OR lease_seconds NOT BETWEEN 10 AND 86400 THEN
        RAISE EXCEPTION 'claim 1 to 500 items for 10 s to a day' USING ERRCODE = 'data_exception';
    END IF;
    -- One claim at a time: each statement below then sees every lease committed before it.
    PERFORM pg_advisory_xact_lock(hashtext('vetted.claim_items'));
    UPDATE leases SET expires_at = until
     WHERE reviewer = session_user AND expires_at > clock_timestamp();
    GET DIAGNOSTICS held = ROW_COUNT;
    IF held < wanted THEN
        INSERT INTO leases (item_id, reviewer, expires_at)
        SELECT i.id, session_user, until
          FROM items i
         WHERE i.review = 'open'
           AND NOT EXISTS (SELECT 1 FROM decisions d
                            WHERE d.item_id = i.id AND d.reviewer = session_user)
           AND NOT EXISTS (SELECT 1 FROM leases l
                            WHERE l.item_id = i.id AND l.reviewer = session_user
                              AND l.expires_at > clock_timestamp())
           AND (SELECT count(DISTINCT d.reviewer) FROM decisions d
                 WHERE d.item_id = i.id AND d.action <> 'revert' AND NOT d.adjudication)
             + (SELECT count(*) FROM leases l
                 WHERE l.item_id = i.id AND l.expires_at > clock_timestamp())
               < i.required_reviews
         ORDER BY i.id
         LIMIT wanted - held
           FOR UPDATE OF i SKIP LOCKED
        ON CONFLICT (item_id, reviewer) DO UPDATE SET expires_at = EXCLUDED.expires_at;
    END IF;
    RETURN QUERY SELECT item_id FROM leases
                  WHERE reviewer = session_user AND expires_at > clock_timestamp()
                  ORDER BY item_id;
END
$$;

-- Ends the session's reviewer's lease on an item (a skip): it goes back to the pool at once.
CREATE FUNCTION release_item(item bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    WITH gone AS (DELETE FROM leases WHERE item_id = item AND reviewer = session_user RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM gone)
$$;

-- Writes an item's projection (status, review, effective decision, queue title), which the
-- client recomputes from the log with the core's resolver, in the transaction where the login
-- recorded an event on the item. The server checks what it can without the resolver: the
-- effective decision is a decision on the item and gives its status and decider, a settled
-- item without an adjudication has its k reviewers, and only a relationship's title changes.
CREATE FUNCTION write_projection(item bigint, new_status text, new_decided_by text,
                                 new_review text, new_effective text, new_title text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
DECLARE
    target items%ROWTYPE;
    effective decisions%ROWTYPE;
    reviews integer;
BEGIN
    SELECT * INTO target FROM items WHERE id = item FOR UPDATE;
    IF NOT pushing() AND NOT EXISTS (SELECT 1 FROM decisions
                                      WHERE item_id = item AND reviewer = session_user
                                        AND xmin = pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'an item''s projection is written with an event on it'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF new_effective IS NULL THEN
        IF new_status <> 'pending' OR new_decided_by IS NOT NULL
           OR new_review NOT IN ('open', 'conflict') THEN
            RAISE EXCEPTION 'an item without an effective decision is pending, open or in conflict'
                USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        SELECT * INTO effective FROM decisions WHERE id = new_effective AND item_id = item;
        IF NOT FOUND OR effective.action = 'revert' OR new_review <> 'settled'
           OR new_decided_by IS DISTINCT FROM effective.reviewer
           OR new_status <> (CASE effective.action WHEN 'approve' THEN 'approved'
                                                   WHEN 'edit' THEN 'edited'
                                                   WHEN 'reject' THEN 'rejected'
                                                   ELSE effective.action END) THEN
            RAISE EXCEPTION 'the projection does not match decision %', new_effective
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT count(DISTINCT reviewer) INTO reviews FROM decisions
         WHERE item_id = item AND action <> 'revert' AND NOT adjudication;
        IF NOT effective.adjudication AND reviews < target.required_reviews THEN
            RAISE EXCEPTION 'item % needs % reviews before it settles', item, target.required_reviews
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF new_title IS DISTINCT FROM target.title AND (target.kind = 'answer' OR new_title = '') THEN
        RAISE EXCEPTION 'only a relationship''s title follows its edits'
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE items SET status = new_status, decided_by = new_decided_by, review = new_review,
                     effective_decision = new_effective, title = new_title
     WHERE id = item;
END
$$;

-- What each group may touch. Reviewers read items, evidence and reasons, append decisions (only
-- the columns a client may set) and write an item's projection through write_projection;
-- nobody but the owner imports items or changes their content.
REVOKE ALL ON ALL TABLES IN SCHEMA vetted FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA vetted FROM PUBLIC;

GRANT USAGE ON SCHEMA vetted TO vetted_reviewer;
GRANT SELECT ON items, evidence, reject_reasons, decisions, leases, schema_migrations
    TO vetted_reviewer;
GRANT INSERT (id, item_id, item_version, reviewer, action, edited_payload, reason, note,
              edit_distance, supersedes, adjudication, reverts, pick)
    ON decisions TO vetted_reviewer;
GRANT EXECUTE ON FUNCTION now_text(), is_member(text), has_decided(bigint),
    claim_items(integer, integer), release_item(bigint),
    write_projection(bigint, text, text, text, text, text) TO vetted_reviewer;
