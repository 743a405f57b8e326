-- Bulk approval by rule on the team server, as on a local database (SQLite migration 0012):
-- decisions recorded together by one action, a bulk approval by rule or the undo or redo of
-- one, which undo and redo treat as one step.
--
-- What the server enforces:
-- - a login groups only its own approvals and reverts, in the transaction that records them
--   (never an adjudication, nobody else's decision, nothing recorded earlier);
-- - a batch is recorded in one transaction, with one rule, by one login: a batch id another
--   login used, or one recorded earlier, is refused;
-- - a batch states its rule; nobody changes or removes a batch row, the owner included;
-- - a batch row is read where its decision is (the log's row-level security);
-- - which relationship items a rule may approve for the login (`rule_candidates`): open items it
--   has no decision in force on, with a review free that neither others' reviews nor their live
--   leases take. Under blind review (k > 1) only an item nobody else has reviewed: the stamp
--   trigger refuses undoing a blind review once another exists, and a batch is undone whole.
--   Ids and versions only, as a claim returns. When the batch is recorded, its items are locked
--   first and asked again (`lock_rule_candidates`): a claim meanwhile skips them.

CREATE TABLE decision_batches (
    decision_id text PRIMARY KEY REFERENCES decisions (id),
    batch_id    text NOT NULL CHECK (length(batch_id) BETWEEN 1 AND 200),
    -- The rule the batch applied, in its canonical text (see the core's `approval_rule`).
    rule        text NOT NULL CHECK (btrim(rule) <> '')
);

CREATE INDEX decision_batches_by_batch ON decision_batches (batch_id);

-- Runs as the owner, to see whose a batch id is whatever the caller may read.
CREATE FUNCTION check_batch_member() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = vetted, pg_temp AS $$
BEGIN
    IF pushing() THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM decisions d
                    WHERE d.id = NEW.decision_id AND d.reviewer = session_user
                      AND d.action IN ('approve', 'revert') AND NOT d.adjudication
                      AND d.xmin = pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION '% groups only approvals and reverts of theirs, as they are recorded',
            session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM decision_batches b JOIN decisions d ON d.id = b.decision_id
                WHERE b.batch_id = NEW.batch_id AND d.reviewer <> session_user) THEN
        RAISE EXCEPTION 'batch % is another login''s', NEW.batch_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM decision_batches b
                WHERE b.batch_id = NEW.batch_id
                  AND (b.rule <> NEW.rule OR b.xmin <> pg_current_xact_id()::xid)) THEN
        RAISE EXCEPTION 'batch % is recorded already: a batch is recorded at once, with one rule',
            NEW.batch_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER decision_batches_checked BEFORE INSERT ON decision_batches
    FOR EACH ROW EXECUTE FUNCTION check_batch_member();
CREATE TRIGGER decision_batches_append_only BEFORE UPDATE OR DELETE ON decision_batches
    FOR EACH ROW EXECUTE FUNCTION refuse_feedback_change();
CREATE TRIGGER decision_batches_no_truncate BEFORE TRUNCATE ON decision_batches
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_feedback_change();

ALTER TABLE decision_batches ENABLE ROW LEVEL SECURITY;

CREATE POLICY decision_batches_read ON decision_batches FOR SELECT
    USING (EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_batches.decision_id));
-- The trigger above decides.
CREATE POLICY decision_batches_write ON decision_batches FOR INSERT WITH CHECK (true);

-- The relationship items (of a domain, with a tag, among given ids, when given) a rule may
-- approve for the session's login, oldest first, with their versions: see the head of this
-- file. Runs as the owner, to count the reviews the caller may not read (blind review); returns
-- ids only. Others' reviews are counted as the stamp trigger counts them: with k = 1 only one
-- in force takes the review (an item is open again once it is undone), with k > 1 any.
CREATE FUNCTION rule_candidates(in_domain text, with_tag text, among bigint[] DEFAULT NULL)
RETURNS TABLE (id bigint, version bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
    SELECT i.id, i.version
      FROM items i
      CROSS JOIN LATERAL (
          SELECT (SELECT count(DISTINCT d.reviewer) FROM decisions d
                   WHERE d.item_id = i.id AND d.reviewer <> session_user
                     AND d.action <> 'revert' AND NOT d.adjudication
                     AND (i.required_reviews > 1 OR NOT EXISTS (
                         SELECT 1 FROM decisions r WHERE r.reverts = d.id
                            AND NOT EXISTS (SELECT 1 FROM decisions rr
                                             WHERE rr.reverts = r.id)))) AS reviews,
                 (SELECT count(*) FROM leases l
                   WHERE l.item_id = i.id AND l.reviewer <> session_user
                     AND l.expires_at > clock_timestamp()) AS held) others
     WHERE i.kind = 'relationship' AND i.review = 'open'
       AND (in_domain IS NULL OR i.domain = in_domain)
       AND (among IS NULL OR i.id = ANY (among))
       AND (with_tag IS NULL
            OR EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.tag = with_tag))
       AND NOT EXISTS (
           SELECT 1 FROM decisions d
            WHERE d.item_id = i.id AND d.reviewer = session_user AND d.action <> 'revert'
              AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.reverts = d.id
                                AND NOT EXISTS (SELECT 1 FROM decisions rr
                                                 WHERE rr.reverts = r.id)))
       AND others.reviews + others.held < i.required_reviews
       AND NOT (i.required_reviews > 1 AND others.reviews > 0)
     ORDER BY i.id
$$;

-- Locks those of the items `wanted` (external ids) the login may approve by rule, in id order,
-- to the end of the transaction (a claim skips them, a decision on them waits), then returns
-- those it may still approve, as they stand once locked: what a batch is recorded on.
CREATE FUNCTION lock_rule_candidates(wanted text[]) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
DECLARE
    ids bigint[] := ARRAY(SELECT i.id FROM items i WHERE i.external_id = ANY (wanted));
BEGIN
    PERFORM 1 FROM items i
      WHERE i.id IN (SELECT c.id FROM rule_candidates(NULL, NULL, ids) c)
      ORDER BY i.id FOR UPDATE;
    RETURN QUERY SELECT i.external_id
                   FROM rule_candidates(NULL, NULL, ids) c JOIN items i ON i.id = c.id;
END
$$;

REVOKE ALL ON decision_batches FROM PUBLIC;
-- Locks, in id order, the items of the login's events in the batch of `decision`, which one
-- undo or redo reverts together (in log order, as locally): two such steps, or one and a bulk
-- approval, then never wait on each other.
CREATE FUNCTION lock_batch_items(decision text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp AS $$
BEGIN
    PERFORM 1 FROM items i
      WHERE i.id IN (SELECT d.item_id
                       FROM decision_batches b JOIN decisions d ON d.id = b.decision_id
                      WHERE b.batch_id = (SELECT batch_id FROM decision_batches
                                           WHERE decision_id = decision)
                        AND d.reviewer = session_user)
      ORDER BY i.id FOR UPDATE;
END
$$;

REVOKE ALL ON FUNCTION check_batch_member(), rule_candidates(text, text, bigint[]),
    lock_rule_candidates(text[]), lock_batch_items(text) FROM PUBLIC;
GRANT SELECT, INSERT ON decision_batches TO vetted_reviewer;
GRANT EXECUTE ON FUNCTION rule_candidates(text, text, bigint[]), lock_rule_candidates(text[]),
    lock_batch_items(text) TO vetted_reviewer;
