-- Item annotations, as on a local database (SQLite migration 0005): tags, and the do-not-train
-- mark that keeps an item out of every training export. Mutable state, never part of the
-- decision log; a snapshot (and so an export from the server) carries both.
--
-- What the server enforces:
-- - every reviewer reads them and tags or untags any item (tags are the team's shared
--   vocabulary); a tag is 1–64 characters, none of them a control character, with no space at
--   either end (the app also trims other white space and puts tags in lower case). The check
--   names its characters rather than asking the locale, so it means the same on every server;
-- - under blind review, a mark (and who set it) is visible to everyone: it warns, it does not
--   decide;
-- - every reviewer marks an item do-not-train, stamped with the login and the server's time;
--   only the one who marked it, an SME or an adjudicator takes the mark off (it keeps data out
--   of training: taking it off is the riskier direction). Nobody rewrites a mark.

CREATE TABLE item_tags (
    item_id bigint NOT NULL REFERENCES items (id),
    tag     text   NOT NULL CHECK (length(tag) BETWEEN 1 AND 64 AND tag = btrim(tag, ' ')
                                   AND tag !~ '[\u0001-\u001f\u007f-\u009f]'),
    PRIMARY KEY (item_id, tag)
);

CREATE INDEX item_tags_by_tag ON item_tags (tag, item_id);

CREATE TABLE do_not_train (
    item_id   bigint PRIMARY KEY REFERENCES items (id),
    -- Reviewers may insert only `item_id` (column grants): these defaults always apply to them.
    marked_by text   NOT NULL DEFAULT session_user,
    marked_at text   NOT NULL DEFAULT now_text()
);

ALTER TABLE do_not_train ENABLE ROW LEVEL SECURITY;

CREATE POLICY do_not_train_read ON do_not_train FOR SELECT USING (true);
CREATE POLICY do_not_train_mark ON do_not_train FOR INSERT WITH CHECK (marked_by = session_user);
CREATE POLICY do_not_train_unmark ON do_not_train FOR DELETE
    USING (marked_by = session_user
           OR (SELECT is_member('vetted_sme'))
           OR (SELECT is_member('vetted_adjudicator')));

REVOKE ALL ON item_tags, do_not_train FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON item_tags TO vetted_reviewer;
GRANT SELECT, DELETE ON do_not_train TO vetted_reviewer;
GRANT INSERT (item_id) ON do_not_train TO vetted_reviewer;
