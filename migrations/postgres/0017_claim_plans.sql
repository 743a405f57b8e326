-- Claims keep to their indexes, whatever the statistics say. At a million items, claims slowed
-- down in some paced runs and not in others (PERFORMANCE.md, twelfth and thirteenth parts): the
-- plan each session cached for `claim_items` followed the statistics of the last analyze, and
-- two of its choices read far more than a claim needs.
--
-- - The candidates. With `review = 'open' ORDER BY id`, the planner could walk the primary key
--   and filter, reading every item already settled before the first open one: thousands of
--   rows per claim once a team has worked, more with each decision. It chose so in most slow
--   claims (their plans logged), and `items_by_review` in the fast ones. Asked for the open
--   items as a range ordered by `(review, id)`, only `items_by_review` gives them in order
--   (the primary key would sort every item first), so the plan stays on it. Same items, same
--   order.
-- - The leases. `leases` holds a few dozen live rows, so the planner could read it whole once
--   per candidate rather than through its primary key; but every decision deletes a lease and
--   every claim inserts some, so between two autovacuums it carries thousands of dead row
--   versions that each whole read walks. Reviewers are now compared as text
--   (`reviewer = session_user` compared a text column with a `name`, which no index on
--   `reviewer` serves), and the function reads no table whole (`enable_seqscan = off`: each of
--   its lookups has an index). The decision stamp and a skip delete the reviewer's lease
--   through the primary key as well (by its item: an item has at most k leases), no longer by
--   reading the table whole.
-- - `jit = off` on the three functions: under `enable_seqscan = off`, a plan that must still
--   read a table whole is costed so high that the server compiles it first (100 ms here),
--   which no claim or decision wants.
--
-- What a claim hands out, to whom and in which order, is 0009's.

CREATE OR REPLACE FUNCTION claim_items(wanted integer, lease_seconds integer) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = vetted, pg_temp SET lock_timeout = '3s'
SET enable_seqscan = off SET jit = off AS $$
DECLARE
    -- `session_user` is a `name`: as text, `reviewer = me` is an index condition.
    me text := session_user;
    held integer;
    until timestamptz := clock_timestamp() + make_interval(secs => lease_seconds);
BEGIN
    IF NOT is_member('vetted_reviewer') THEN
        RAISE EXCEPTION '% is not a Vetted reviewer', me
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
     WHERE reviewer = me AND expires_at > clock_timestamp();
    GET DIAGNOSTICS held = ROW_COUNT;
    IF held < wanted THEN
        INSERT INTO leases (item_id, reviewer, expires_at)
        SELECT i.id, me, until
          FROM items i
         -- A range, not `=`: see above (the ORDER BY then needs `items_by_review`).
         WHERE i.review BETWEEN 'open' AND 'open'
           -- OFFSET 0 keeps this a lookup per candidate in `decisions_by_item`: flattened
           -- into an anti-join, it read every decision of the reviewer on each claim.
           AND NOT EXISTS (SELECT 1 FROM decisions d
                            WHERE d.item_id = i.id AND d.reviewer = me OFFSET 0)
           AND NOT EXISTS (SELECT 1 FROM leases l
                            WHERE l.item_id = i.id AND l.reviewer = me
                              AND l.expires_at > clock_timestamp())
           AND NOT EXISTS (SELECT 1 FROM skips s
                            WHERE s.item_id = i.id AND s.reviewer = me
                              AND s.skipped_until > clock_timestamp())
           AND (SELECT count(DISTINCT d.reviewer) FROM decisions d
                 WHERE d.item_id = i.id AND d.action <> 'revert' AND NOT d.adjudication)
             + (SELECT count(*) FROM leases l
                 WHERE l.item_id = i.id AND l.expires_at > clock_timestamp())
               < i.required_reviews
         ORDER BY i.review, i.id
         LIMIT wanted - held
           FOR UPDATE OF i SKIP LOCKED
        ON CONFLICT (item_id, reviewer) DO UPDATE SET expires_at = EXCLUDED.expires_at;
    END IF;
    RETURN QUERY SELECT item_id FROM leases
                  WHERE reviewer = me AND expires_at > clock_timestamp()
                  ORDER BY item_id;
END
$$;

ALTER FUNCTION stamp_decision() SET enable_seqscan = off SET jit = off;
ALTER FUNCTION release_item(bigint) SET enable_seqscan = off SET jit = off;
