-- Live guidelines, tags and do-not-train marks: like decisions and imports (0001), a change to
-- them is announced on `vetted_changes`, so an open window shows another reviewer's guideline,
-- tag or mark within a second instead of with its next item.
--
-- Payloads name what to reload and nothing else: the guideline's domain (never its text, so a
-- promoted note hidden under blind review stays hidden), the tagged or marked item's external id
-- (tags and marks are readable by every reviewer, see 0004). Announcements are sent when the
-- writing transaction commits, and only then.

CREATE FUNCTION announce_guideline() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'guidelines',
        -- NOTIFY payloads stop at 8000 bytes: a domain longer than any real one is cut.
        'domain', left(NEW.domain, 1000))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER guidelines_announce AFTER INSERT OR UPDATE ON guidelines
    FOR EACH ROW EXECUTE FUNCTION announce_guideline();

CREATE FUNCTION announce_annotation() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM pg_notify('vetted_changes', json_build_object(
        'change', 'annotations',
        'item', (SELECT left(external_id, 1000) FROM items
                  WHERE id = CASE TG_OP WHEN 'DELETE' THEN OLD.item_id ELSE NEW.item_id END))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER item_tags_announce AFTER INSERT OR DELETE ON item_tags
    FOR EACH ROW EXECUTE FUNCTION announce_annotation();
CREATE TRIGGER do_not_train_announce AFTER INSERT OR DELETE ON do_not_train
    FOR EACH ROW EXECUTE FUNCTION announce_annotation();
