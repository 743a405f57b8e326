-- Registered data products, as on a local database (SQLite migrations 0002 and 0011): each with
-- its schema and a bounded sample of rows. The rows stay where they live: a file on the
-- registering machine, or a database named by a URL without a password. Every client computes a
-- relationship's evidence from the full source where it can reach it, else from the registered
-- sample (the evidence says which, and why).
--
-- What the server enforces:
-- - every reviewer reads every product (relationship evidence is computed from them);
-- - only SMEs and adjudicators register or refresh a product: the products are the reference the
--   team's evidence is computed on, and a product names a source each client will read;
-- - a product keeps its name and source: a refresh changes its schema, row count and sample;
-- - each registration is stamped with the login and the server's time;
-- - the schema and sample have the shape the core reads (one misfit would otherwise stop every
--   snapshot);
-- - nobody deletes a product, the owner included (items and decisions refer to them by name);
-- - a PostgreSQL source is named only as the core writes it (no password, no parameters, a
--   quoted table), a file source by an absolute local path: every client opens them;
-- - an edit has the shape the core reads back for its item's kind (relationship edits are read
--   by everyone: the graph and every relationship's evidence).

CREATE TABLE products (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Relationship items refer to products by this name.
    name          text   NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 1000),
    source_kind   text   NOT NULL CHECK (source_kind IN ('sqlite', 'csv', 'postgres', 'parquet')),
    -- The absolute path at registration (on the registering machine), or the database URL.
    source_path   text   NOT NULL CHECK (length(source_path) > 0),
    -- The table inside a database; NULL for files.
    source_table  text,
    -- JSON, as the core writes it: fields with types, primary key, unique keys, foreign keys.
    schema        text   NOT NULL,
    row_count     bigint NOT NULL CHECK (row_count >= 0),
    -- JSON array of row objects, kept byte for byte (the column order is the source's).
    sample_rows   text   NOT NULL,
    registered_at text   NOT NULL,
    registered_by text   NOT NULL DEFAULT session_user,
    CONSTRAINT products_table_only_in_a_database
        CHECK ((source_kind IN ('sqlite', 'postgres')) = (source_table IS NOT NULL)),
    -- Every client connects to a PostgreSQL source and reads its table: only the forms the core
    -- writes, `postgres://USER@HOST:PORT/DB` (no password, no parameters) and
    -- `"schema"."table"` (quoted), so no login can hand the others a password-bearing URL or SQL
    -- of its own as a table.
    CONSTRAINT products_postgres_url_without_password
        CHECK (source_kind <> 'postgres'
               OR source_path ~ '^postgres://[^:@/?#,[:space:][:cntrl:]]+@([A-Za-z0-9._-]+|%2[Ff][^:@/?#,[:space:][:cntrl:]]*):[0-9]{1,5}/[^/?#@,[:space:][:cntrl:]]+$'),
    CONSTRAINT products_postgres_table_quoted
        CHECK (source_kind <> 'postgres' OR source_table ~ '^"([^"]|"")+"\."([^"]|"")+"$'),
    -- A file source is an absolute local path, never a network share (opening one would hand
    -- the share the reader's credentials on some systems): `/…` or `C:\…`.
    CONSTRAINT products_file_path_local
        CHECK (source_kind = 'postgres' OR source_path ~ '^(/[^/]|/$|[A-Za-z]:[\\/])'),
    -- Shown in terminals and windows as they are.
    CONSTRAINT products_names_without_control_characters
        CHECK (name !~ '[[:cntrl:]]' AND source_path !~ '[[:cntrl:]]'
               AND coalesce(source_table, '') !~ '[[:cntrl:]]')
);

-- The review graph reads every relationship item, and a relation's evidence the accepted ones
-- (what it may conflict with): both through this index, never a scan of every item.
CREATE INDEX items_relationships ON items (status, id) WHERE kind = 'relationship';

-- Why a product's schema or sample is not what the core reads, or NULL when it is. `json`, not
-- `jsonb`: a sample keeps the source's text, NUL characters included (`jsonb` refuses them).
-- Each test in a WHEN of its own: CASE keeps their order, OR would not (an element read of a
-- value that is no array would fail rather than say so).
CREATE FUNCTION product_problem(product_schema json, sample json) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN json_typeof(product_schema) <> 'object' THEN 'the schema is not a JSON object'
        WHEN json_typeof(product_schema -> 'fields') IS DISTINCT FROM 'array'
            THEN 'the schema has no list of fields'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'fields') f
                      WHERE json_typeof(f) <> 'object')
            THEN 'a field is not a JSON object'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'fields') f
                      WHERE json_typeof(f -> 'name') IS DISTINCT FROM 'string'
                         OR json_typeof(f -> 'type') IS DISTINCT FROM 'string'
                         OR json_typeof(f -> 'not_null') IS DISTINCT FROM 'boolean')
            THEN 'a field lacks its name, type or not_null'
        WHEN json_typeof(product_schema -> 'primary_key') IS DISTINCT FROM 'array'
            THEN 'the primary key is not a list of field names'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'primary_key') k
                      WHERE json_typeof(k) <> 'string')
            THEN 'the primary key is not a list of field names'
        WHEN json_typeof(product_schema -> 'unique_keys') IS DISTINCT FROM 'array'
            THEN 'the unique keys are not lists of field names'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'unique_keys') u
                      WHERE json_typeof(u) <> 'array')
            THEN 'the unique keys are not lists of field names'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'unique_keys') u,
                                   json_array_elements(u) k
                      WHERE json_typeof(k) <> 'string')
            THEN 'the unique keys are not lists of field names'
        WHEN json_typeof(product_schema -> 'foreign_keys') IS DISTINCT FROM 'array'
            THEN 'the foreign keys are not a list'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'foreign_keys') k
                      WHERE json_typeof(k) <> 'object')
            THEN 'a foreign key is not a JSON object'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'foreign_keys') k
                      WHERE json_typeof(k -> 'target_product') IS DISTINCT FROM 'string'
                         OR json_typeof(k -> 'fields') IS DISTINCT FROM 'array'
                         OR json_typeof(k -> 'target_fields') IS DISTINCT FROM 'array')
            THEN 'a foreign key lacks its fields or target'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'foreign_keys') k,
                                   json_array_elements(k -> 'fields') f
                      WHERE json_typeof(f) <> 'string')
            THEN 'a foreign key lacks its fields or target'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(product_schema -> 'foreign_keys') k,
                                   json_array_elements(k -> 'target_fields') f
                      WHERE json_typeof(f) <> 'string')
            THEN 'a foreign key lacks its fields or target'
        WHEN json_typeof(sample) <> 'array' THEN 'the sample is not a JSON list'
        WHEN json_array_length(sample) > 200
            THEN 'the sample holds more than 200 rows (the core keeps at most 200)'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(sample) r WHERE json_typeof(r) <> 'object')
            THEN 'a sample row is not a JSON object'
    END
$$;

-- The relation a settled relationship item stands for, for everyone: the team's accepted
-- relation, which evidence and the graph compare others against. The item's title says it
-- already; the decisions behind it stay hidden under blind review. NULL unless the item is a
-- settled relationship whose effective decision is an edit.
CREATE FUNCTION settled_relation_edit(item bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    SELECT d.edited_payload
      FROM items i JOIN decisions d ON d.id = i.effective_decision
     WHERE i.id = item AND i.kind = 'relationship' AND i.status = 'edited'
       AND i.review = 'settled'
$$;

-- Why an edit is not what the core reads back (`EditedContent` of the item's kind), or NULL:
-- one misfit would make its item unreadable, and a relationship's for everyone (the graph and
-- every relationship's evidence read the accepted relations). Each test in a WHEN of its own.
CREATE FUNCTION edit_problem(edit json, item_kind text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN json_typeof(edit) <> 'object' THEN 'the edit is not a JSON object'
        WHEN (edit ->> 'kind') IS DISTINCT FROM item_kind
            THEN format('the edit is not of a %s item', item_kind)
        WHEN item_kind = 'answer'
             AND (SELECT array_agg(k ORDER BY k COLLATE "C") FROM json_object_keys(edit) k)
                 IS DISTINCT FROM ARRAY['answer', 'kind']
            THEN 'an answer''s edit holds its kind and answer, nothing else'
        WHEN item_kind = 'comparison'
             AND (SELECT array_agg(k ORDER BY k COLLATE "C") FROM json_object_keys(edit) k)
                 IS DISTINCT FROM ARRAY['answer', 'based_on', 'kind']
            THEN 'a comparison''s edit holds its kind, answer and based_on, nothing else'
        WHEN item_kind IN ('answer', 'comparison') AND json_typeof(edit -> 'answer') <> 'string'
            THEN 'the edited answer is not text'
        WHEN item_kind = 'comparison'
             AND (json_typeof(edit -> 'based_on') <> 'number'
                  OR (edit ->> 'based_on') !~ '^[0-9]{1,3}$')
            THEN 'based_on is not a candidate number'
        WHEN item_kind = 'comparison' AND (edit ->> 'based_on')::integer > 255
            THEN 'based_on is not a candidate number'
        WHEN item_kind <> 'relationship' THEN NULL
        WHEN (SELECT array_agg(k ORDER BY k COLLATE "C") FROM json_object_keys(edit) k)
             IS DISTINCT FROM ARRAY['kind', 'relation']
            THEN 'a relationship''s edit holds its kind and relation, nothing else'
        WHEN json_typeof(edit -> 'relation') <> 'object' THEN 'the relation is not a JSON object'
        WHEN (SELECT array_agg(k ORDER BY k COLLATE "C") FROM json_object_keys(edit -> 'relation') k)
             IS DISTINCT FROM ARRAY['cardinality', 'mapping', 'type']
            THEN 'a relation holds its type, cardinality and mapping, nothing else'
        WHEN json_typeof(edit #> '{relation,type}') <> 'string'
            THEN 'the relation''s type is not text'
        WHEN json_typeof(edit #> '{relation,cardinality}') <> 'string'
             OR (edit #>> '{relation,cardinality}') NOT IN ('1:1', 'N:1', '1:N', 'N:M')
            THEN 'the cardinality is not 1:1, N:1, 1:N or N:M'
        WHEN json_typeof(edit #> '{relation,mapping}') <> 'array'
            THEN 'the mapping is not a list'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(edit #> '{relation,mapping}') p
                      WHERE json_typeof(p) <> 'object')
            THEN 'a mapped pair is not a JSON object'
        WHEN EXISTS (SELECT 1 FROM json_array_elements(edit #> '{relation,mapping}') p
                      WHERE (SELECT array_agg(k ORDER BY k COLLATE "C") FROM json_object_keys(p) k)
                            IS DISTINCT FROM ARRAY['source_field', 'target_field']
                         OR json_typeof(p -> 'source_field') <> 'string'
                         OR json_typeof(p -> 'target_field') <> 'string')
            THEN 'a mapped pair holds a source_field and a target_field, nothing else'
    END
$$;

-- Runs as the caller (it reads the item's kind).
CREATE FUNCTION check_edit() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    problem text;
BEGIN
    IF NEW.edited_payload IS NOT NULL THEN
        problem := edit_problem(NEW.edited_payload::json,
                                (SELECT kind FROM items WHERE id = NEW.item_id));
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'decision %: %', NEW.id, problem USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER decisions_edit_shape BEFORE INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION check_edit();

-- Runs as the caller.
CREATE FUNCTION stamp_product() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    problem text;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.name, NEW.source_kind, NEW.source_path, NEW.source_table)
            IS DISTINCT FROM (OLD.name, OLD.source_kind, OLD.source_path, OLD.source_table) THEN
        RAISE EXCEPTION 'product % keeps its name and source (%); register the other source under another name',
            OLD.name, OLD.source_path USING ERRCODE = 'insufficient_privilege';
    END IF;
    problem := product_problem(NEW.schema::json, NEW.sample_rows::json);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'product %: %', NEW.name, problem USING ERRCODE = 'check_violation';
    END IF;
    -- `vetted team push`: the schema's owner copies a local database's products as they are.
    IF pushing() THEN
        RETURN NEW;
    END IF;
    NEW.registered_at := now_text();
    NEW.registered_by := session_user;
    RETURN NEW;
END
$$;

CREATE TRIGGER products_stamp BEFORE INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION stamp_product();

CREATE FUNCTION refuse_product_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'data products are refreshed, never deleted: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER products_never_deleted BEFORE DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION refuse_product_delete();
CREATE TRIGGER products_no_truncate BEFORE TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_product_delete();

-- A registration or refresh is announced, so open windows draw the products anew (once per
-- transaction: PostgreSQL folds identical announcements).
CREATE FUNCTION announce_products() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object('change', 'products')::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER products_announce AFTER INSERT OR UPDATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION announce_products();

ALTER TABLE products ENABLE ROW LEVEL SECURITY;

CREATE POLICY products_read ON products FOR SELECT USING (true);
CREATE POLICY products_register ON products FOR INSERT
    WITH CHECK ((SELECT is_member('vetted_sme')) OR (SELECT is_member('vetted_adjudicator')));
CREATE POLICY products_refresh ON products FOR UPDATE
    USING ((SELECT is_member('vetted_sme')) OR (SELECT is_member('vetted_adjudicator')));

REVOKE ALL ON products FROM PUBLIC;
REVOKE ALL ON FUNCTION product_problem(json, json), stamp_product(), refuse_product_delete(),
    settled_relation_edit(bigint), edit_problem(json, text), check_edit(), announce_products()
    FROM PUBLIC;
-- The triggers run as the caller and ask these.
GRANT EXECUTE ON FUNCTION product_problem(json, json), settled_relation_edit(bigint),
    edit_problem(json, text) TO vetted_reviewer;
GRANT SELECT ON products TO vetted_reviewer;
-- Only these columns: the server stamps the rest.
GRANT INSERT (name, source_kind, source_path, source_table, schema, row_count, sample_rows,
              registered_at)
    ON products TO vetted_reviewer;
GRANT UPDATE (schema, row_count, sample_rows, registered_at) ON products TO vetted_reviewer;
