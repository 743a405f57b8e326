-- Full-text search on the team server (the app's search box): each item's searchable text as a
-- local database's `items_fts` indexes it (the `item_search_text` view: an answer's question,
-- answer and passages; a relationship's title, rationale, products, fields and relation type;
-- a comparison's question), parsed by the 'simple' configuration (no stemming, no stop words,
-- as FTS5's unicode61), in a GIN index.
--
-- The importer sends the text in `search_text`; the trigger turns it into `search` and drops it,
-- so the text is stored once (in the item and its passages), never twice. At most 500,000
-- characters are indexed: a tsvector holds at most 1 MB.

ALTER TABLE items ADD COLUMN search_text text;
ALTER TABLE items ADD COLUMN search tsvector;

CREATE FUNCTION index_search_text() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.search_text IS NOT NULL THEN
        NEW.search := to_tsvector('simple', left(NEW.search_text, 500000));
        NEW.search_text := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER index_search_text BEFORE INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION index_search_text();

-- Items imported before this migration, from their stored fields as the view reads them.
UPDATE items i
   SET search = to_tsvector('simple', left(concat_ws(E'\n',
           i.title,
           CASE i.kind WHEN 'answer' THEN i.payload::jsonb ->> 'answer'
                       WHEN 'relationship' THEN i.payload::jsonb ->> 'rationale' END,
           CASE i.kind WHEN 'answer' THEN (
                    SELECT string_agg(e.title || ' ' || e.text, E'\n' ORDER BY e.position)
                      FROM evidence e WHERE e.item_id = i.id)
                WHEN 'relationship' THEN concat_ws(' ',
                    i.payload::jsonb #>> '{source,product}',
                    (SELECT string_agg(f ->> 'name', ' ')
                       FROM jsonb_array_elements(i.payload::jsonb #> '{source,fields}') AS f),
                    i.payload::jsonb #>> '{target,product}',
                    (SELECT string_agg(f ->> 'name', ' ')
                       FROM jsonb_array_elements(i.payload::jsonb #> '{target,fields}') AS f),
                    i.payload::jsonb #>> '{relation,type}') END), 500000));

CREATE INDEX items_search ON items USING gin (search);

REVOKE ALL ON FUNCTION index_search_text() FROM PUBLIC;

-- The counts the app shows and refreshes whenever anyone decides (`status_counts` without
-- criteria): items by status and review state, without reading every item.
--
-- Writers only append changes (+n, -n) through statement triggers on `items`, so no writer
-- waits for another: an import holding its transaction open for minutes never blocks a
-- decision, and no two transactions lock counter rows in opposite orders. `item_counts()` sums
-- them, and folds them into one row per status and state once they are many (under a
-- try-lock, so readers never wait either).
CREATE TABLE item_count_changes (
    status text   NOT NULL,
    review text   NOT NULL,
    change bigint NOT NULL
);

INSERT INTO item_count_changes (status, review, change)
SELECT status, review, count(*) FROM items GROUP BY status, review;

CREATE FUNCTION count_items() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO item_count_changes (status, review, change)
        SELECT status, review, count(*) FROM added_items GROUP BY status, review;
    ELSE
        -- Only the rows whose status or review state changed (a version bump changes neither).
        INSERT INTO item_count_changes (status, review, change)
        SELECT status, review, sum(change) FROM (
            SELECT o.status, o.review, -1 AS change
              FROM removed_items o JOIN added_items n ON n.id = o.id
             WHERE (o.status, o.review) IS DISTINCT FROM (n.status, n.review)
            UNION ALL
            SELECT n.status, n.review, 1
              FROM removed_items o JOIN added_items n ON n.id = o.id
             WHERE (o.status, o.review) IS DISTINCT FROM (n.status, n.review)) AS moved
         GROUP BY status, review;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER items_counted_on_insert AFTER INSERT ON items
    REFERENCING NEW TABLE AS added_items
    FOR EACH STATEMENT EXECUTE FUNCTION count_items();
CREATE TRIGGER items_counted_on_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS removed_items NEW TABLE AS added_items
    FOR EACH STATEMENT EXECUTE FUNCTION count_items();

-- Vetted never deletes an item (its decisions refer to it); refusing it keeps the counts true.
CREATE FUNCTION items_are_kept() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'items are never deleted: decisions refer to them'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER items_never_deleted BEFORE DELETE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION items_are_kept();
CREATE TRIGGER items_never_truncated BEFORE TRUNCATE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION items_are_kept();

-- Items by status and review state.
CREATE FUNCTION item_counts() RETURNS TABLE (status text, review text, items bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM item_count_changes LIMIT 1001) AS c) > 1000
       AND pg_try_advisory_xact_lock(hashtext('vetted.item_counts')) THEN
        WITH folded AS (DELETE FROM item_count_changes RETURNING *)
        INSERT INTO item_count_changes (status, review, change)
        SELECT f.status, f.review, sum(f.change) FROM folded f GROUP BY f.status, f.review;
    END IF;
    RETURN QUERY SELECT c.status, c.review, sum(c.change)::bigint
                   FROM item_count_changes c GROUP BY c.status, c.review;
END
$$;

REVOKE ALL ON item_count_changes FROM PUBLIC;
REVOKE ALL ON FUNCTION count_items(), items_are_kept(), item_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION item_counts() TO vetted_reviewer;

-- A skip gives an item back to the others (`release_item`), and the one who skipped it does not
-- get it again from their next claims for 15 minutes (as long as the app's lease): otherwise, claims taking the
-- oldest open items first, it would come straight back. `claim_items` is as in 0001 but for the
-- `skips` condition.
CREATE TABLE skips (
    item_id  bigint      NOT NULL REFERENCES items (id),
    reviewer text        NOT NULL,
    skipped_until timestamptz NOT NULL,
    PRIMARY KEY (item_id, reviewer)
);

REVOKE ALL ON skips FROM PUBLIC;

CREATE OR REPLACE FUNCTION release_item(item bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    WITH gone AS (DELETE FROM leases WHERE item_id = item AND reviewer = session_user
                  RETURNING item_id),
         skipped AS (INSERT INTO skips (item_id, reviewer, skipped_until)
                     SELECT item_id, session_user, clock_timestamp() + interval '15 minutes'
                       FROM gone
                     ON CONFLICT (item_id, reviewer)
                     DO UPDATE SET skipped_until = EXCLUDED.skipped_until
                     RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM skipped)
$$;

CREATE OR REPLACE FUNCTION claim_items(wanted integer, lease_seconds integer) RETURNS SETOF bigint
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
           AND NOT EXISTS (SELECT 1 FROM skips s
                            WHERE s.item_id = i.id AND s.reviewer = session_user
                              AND s.skipped_until > clock_timestamp())
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
