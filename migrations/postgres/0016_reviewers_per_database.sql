-- Each Vetted database admits only its own reviewers.
--
-- Roles are cluster-wide in PostgreSQL, and until now every database let PUBLIC connect: a login
-- added to one Vetted database signed in to every other Vetted database of its server and read
-- it there (the group roles read every database's items). Now a database's CONNECT privilege is
-- its list of reviewers: it is taken from PUBLIC, `vetted team add-reviewer` grants it to the
-- login it adds, `vetted team remove-reviewer` takes it back. The database's owner and
-- superusers connect as before.
--
-- On a database reviewed before this migration, the logins that decided or held work here keep
-- signing in; a login added but never active here is added again with `team add-reviewer`
-- (which keeps its role and password). The migration's role must own the database (as `vetted
-- team init` says), or the server refuses the REVOKE and nothing changes.

DO $$
DECLARE
    login text;
BEGIN
    IF NOT has_database_privilege(current_database(), 'CONNECT WITH GRANT OPTION') THEN
        RAISE EXCEPTION 'only the owner of database % may decide who connects to it: run vetted team init as its owner', current_database();
    END IF;
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    FOR login IN
        SELECT r.rolname
          FROM pg_roles r
         WHERE r.rolcanlogin
           AND pg_has_role(r.oid, 'vetted_reviewer', 'MEMBER')
           AND (EXISTS (SELECT 1 FROM decisions d WHERE d.reviewer = r.rolname)
                OR EXISTS (SELECT 1 FROM leases l WHERE l.reviewer = r.rolname))
    LOOP
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), login);
    END LOOP;
END $$;
