-- Each Vetted database admits only its own reviewers.
--
-- Roles are cluster-wide in PostgreSQL, and until now every database let PUBLIC connect: a login
-- added to one Vetted database signed in to every other Vetted database of its server and read
-- it there (the group roles read every database's items). Now a database's CONNECT privilege is
-- its list of reviewers: it is taken from PUBLIC (with TEMPORARY, which no reviewer needs),
-- `vetted team add-reviewer` grants it to the login it adds, `vetted team remove-reviewer` takes
-- it back. The database's owner and superusers connect as before.
--
-- On a database reviewed before this migration, the logins that left a trace here (a decision, a
-- lease or skip, a run, a guideline, a mark, a form, a claim setting, a product) keep signing in;
-- a login added but never active here is added again with `team add-reviewer` (which keeps its
-- role and password). The migration's role must own the database, as `vetted team init` says.

DO $$
DECLARE
    login text;
BEGIN
    IF NOT has_database_privilege(current_database(), 'CONNECT WITH GRANT OPTION') THEN
        RAISE EXCEPTION 'only the owner of database % decides who connects to it: run vetted team init as its owner', current_database();
    END IF;
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    FOR login IN
        SELECT r.rolname
          FROM pg_roles r
         WHERE r.rolcanlogin
           AND pg_has_role(r.oid, 'vetted_reviewer', 'MEMBER')
           AND r.rolname IN (SELECT reviewer FROM decisions
                             UNION SELECT reviewer FROM leases
                             UNION SELECT reviewer FROM skips
                             UNION SELECT run_by FROM llm_runs
                             UNION SELECT run_by FROM alignment_runs
                             UNION SELECT created_by FROM guidelines
                             UNION SELECT updated_by FROM guidelines
                             UNION SELECT marked_by FROM do_not_train
                             UNION SELECT author FROM review_forms
                             UNION SELECT changed_by FROM claim_settings
                             UNION SELECT registered_by FROM products)
    LOOP
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), login);
    END LOOP;
END $$;

-- A reviewer removed while signed in keeps their session until it ends (closing it needs a
-- superuser or `pg_signal_backend`), but acts no more: every rule that asks whether the
-- session's login is in a group (claims, adjudication, the SME's and adjudicator's rights) now
-- asks whether it may still connect here too, and no statement of theirs writes any table.
CREATE OR REPLACE FUNCTION is_member(role_name text) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name)
           AND pg_has_role(session_user, role_name, 'MEMBER')
           AND has_database_privilege(session_user, current_database(), 'CONNECT')
$$;

CREATE FUNCTION refuse_removed_reviewer() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT has_database_privilege(session_user, current_database(), 'CONNECT') THEN
        RAISE EXCEPTION '% is no longer a reviewer of database %', session_user, current_database()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION refuse_removed_reviewer() FROM PUBLIC;

-- Once per statement (the session's login cannot change within one), on every table of the
-- schema, whoever writes it and however (directly, or through a function or trigger of the
-- owner's: the check is on the session's login).
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'vetted' AND c.relkind IN ('r', 'p')
           AND c.relname <> 'schema_migrations'
    LOOP
        EXECUTE format('CREATE TRIGGER by_reviewers_only BEFORE INSERT OR UPDATE OR DELETE ON %I
                            FOR EACH STATEMENT EXECUTE FUNCTION refuse_removed_reviewer()', name);
    END LOOP;
END $$;
