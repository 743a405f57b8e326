-- Full-text search on the team server (the app's search box): each item's searchable text as a
-- local database's `items_fts` indexes it (an answer's question, answer and passages; another
-- kind's title and body), parsed by the 'simple' configuration (no stemming, no stop words, as
-- FTS5's unicode61), in a GIN index.
--
-- The importer sends the text in `search_text`; the trigger turns it into `search` and drops it,
-- so the text is stored once (in the item and its passages), never twice.

ALTER TABLE items ADD COLUMN search_text text;
ALTER TABLE items ADD COLUMN search tsvector;

CREATE FUNCTION index_search_text() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.search_text IS NOT NULL THEN
        NEW.search := to_tsvector('simple', NEW.search_text);
        NEW.search_text := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER index_search_text BEFORE INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION index_search_text();

-- Items imported before this migration: their title and body, and their passages.
UPDATE items i
   SET search = to_tsvector('simple', i.title || E'\n' || i.payload || coalesce(E'\n' || (
           SELECT string_agg(e.title || ' ' || e.text, E'\n' ORDER BY e.position)
             FROM evidence e WHERE e.item_id = i.id), ''));

CREATE INDEX items_search ON items USING gin (search);

REVOKE ALL ON FUNCTION index_search_text() FROM PUBLIC;

-- The counts the app shows and refreshes whenever anyone decides (`status_counts` without
-- criteria): items by status and review state, kept by statement triggers on `items`, so a
-- count reads a few rows instead of every item. Criteria-filtered counts still count the items.
CREATE TABLE item_counts (
    status text   NOT NULL,
    review text   NOT NULL,
    items  bigint NOT NULL,
    PRIMARY KEY (status, review)
);

INSERT INTO item_counts (status, review, items)
SELECT status, review, count(*) FROM items GROUP BY status, review;

-- Adds the rows of `added` to the counts and takes those of `removed` off (NULL: none).
CREATE FUNCTION count_items() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO item_counts AS c (status, review, items)
        SELECT status, review, count(*) FROM added_items GROUP BY status, review
        ON CONFLICT (status, review) DO UPDATE SET items = c.items + EXCLUDED.items;
    ELSE
        -- Only the rows whose status or review state changed (a version bump changes neither).
        WITH moved AS (
            SELECT o.status AS old_status, o.review AS old_review,
                   n.status AS new_status, n.review AS new_review
              FROM removed_items o JOIN added_items n ON n.id = o.id
             WHERE (o.status, o.review) IS DISTINCT FROM (n.status, n.review)),
        delta AS (
            SELECT status, review, sum(change) AS change FROM (
                SELECT old_status AS status, old_review AS review, -1 AS change FROM moved
                UNION ALL
                SELECT new_status, new_review, 1 FROM moved) AS d
             GROUP BY status, review)
        INSERT INTO item_counts AS c (status, review, items)
        SELECT status, review, change FROM delta WHERE change <> 0
        ON CONFLICT (status, review) DO UPDATE SET items = c.items + EXCLUDED.items;
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

REVOKE ALL ON item_counts FROM PUBLIC;
REVOKE ALL ON FUNCTION count_items() FROM PUBLIC;
GRANT SELECT ON item_counts TO vetted_reviewer;
