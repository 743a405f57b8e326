-- A product's schema and sample must be JSON every client reads back. PostgreSQL's `json`
-- takes what the core's reader (serde) refuses: a lone UTF-16 surrogate escape, a number beyond
-- a double, containers nested 128 deep (serde's limit). One such product, written by raw SQL, would stop every
-- snapshot, the graph and every relationship's evidence, for everyone. Refused at the door,
-- whoever writes (the core never writes such JSON, so pushes pass); products stored before this
-- migration are left as they are.

-- Why `doc` is JSON a Vetted client could not read back, or NULL.
CREATE FUNCTION json_unreadable(doc text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parsed jsonb;
BEGIN
    BEGIN
        -- jsonb refuses lone surrogates, but also NUL, which samples keep: for this check only,
        -- a NUL escape becomes a space's (an escaped backslash before it stays valid JSON too).
        parsed := replace(doc, E'\\u0000', E'\\u0020')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLERRM;
    END;
    IF jsonb_path_exists(parsed, 'lax $.** ? (@.type() == "number"
                                          && (@ > 1.7976931348623157e308
                                              || @ < -1.7976931348623157e308))') THEN
        RETURN 'a number is beyond the range of a double';
    END IF;
    -- Strict: in lax mode the filter would look inside arrays rather than at them.
    IF jsonb_path_exists(parsed, 'strict $.**{127 to last} ? (@.type() == "array"
                                                               || @.type() == "object")') THEN
        RETURN 'arrays or objects are nested 128 deep, beyond what a client reads';
    END IF;
    RETURN NULL;
END
$$;

-- Runs as the caller.
CREATE FUNCTION check_product_json() RETURNS trigger LANGUAGE plpgsql
SET search_path = vetted, pg_temp AS $$
DECLARE
    problem text;
BEGIN
    problem := coalesce('its schema: ' || json_unreadable(NEW.schema),
                        'its sample: ' || json_unreadable(NEW.sample_rows));
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'product %: % (a Vetted client could not read it back)', NEW.name, problem
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER products_json_readable BEFORE INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION check_product_json();

REVOKE ALL ON FUNCTION json_unreadable(text), check_product_json() FROM PUBLIC;
-- The trigger runs as the caller and asks this.
GRANT EXECUTE ON FUNCTION json_unreadable(text) TO vetted_reviewer;
