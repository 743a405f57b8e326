//! Each Vetted database on a server admits only its own reviewers (PostgreSQL migration
//! `0016_reviewers_per_database.sql`). Roles are the cluster's; a database's CONNECT privilege is
//! its list of reviewers, given by `team add-reviewer` and taken back by `team remove-reviewer`.

use std::time::Duration;

use postgres::error::SqlState;

use super::{
    Client, NoTls, Team, address_parts, approve, login_of, on_server, raw, refused, succeeded,
};
use crate::support::{answer_lines, postgres_server};
use vetted::ErrorCode;
use vetted::team::Role;
use vetted::team_server::TeamServer;

/// What the server says to `login` connecting to `team`'s database through raw SQL: `None`
/// when it lets the login in.
fn raw_refusal(team: &Team, login: &str) -> Option<(SqlState, String)> {
    match Client::connect(&team.url_of(login), NoTls) {
        Ok(_) => None,
        Err(e) => {
            let db = e.as_db_error().expect("the server's own refusal");
            Some((db.code().clone(), db.message().to_owned()))
        }
    }
}

/// The CLI's `team reviewers` on `team`, as its owner: one `login<TAB>roles` line each.
fn listed(team: &Team) -> Vec<String> {
    let out = succeeded(on_server(&team.admin).args(["team", "reviewers"]));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_login_signs_in_only_to_the_databases_it_was_added_to_and_removing_it_closes_the_door() {
    let (Some(a), Some(b)) = (Team::new("door_a"), Team::new("door_b")) else {
        return;
    };
    a.import(&answer_lines("door-a", 4), 1);
    b.import(&answer_lines("door-b", 4), 1);
    let maria_on_a = a.reviewer("door_maria", Role::Sme);
    let maria = login_of(&maria_on_a).to_owned();
    let bob_on_a = a.reviewer("door_bob", Role::Analyst);

    // Added to a: she signs in there, and nowhere else, whatever client she uses.
    let mut on_a = TeamServer::connect(&maria_on_a).expect("maria signs in to a");
    assert_eq!(on_a.reviewer(), maria, "signed in as herself");
    let refusal = raw_refusal(&b, &maria).expect("b refuses a login it was never given");
    assert_eq!(
        refusal.0,
        SqlState::INSUFFICIENT_PRIVILEGE,
        "refused for lack of CONNECT: {}",
        refusal.1
    );
    let err = TeamServer::connect(&b.url_of(&maria))
        .err()
        .expect("the core refuses her b too");
    let (_, _, b_name) = address_parts(&b.admin);
    for part in [
        format!("{maria} is not a reviewer of database {b_name}"),
        format!("vetted team add-reviewer {maria} --role"),
    ] {
        assert!(
            err.to_string().contains(&part),
            "the refusal says why and what to do ({part}): {err}"
        );
    }
    let cli = on_server(&b.url_of(&maria))
        .args(["team", "whoami"])
        .output()
        .unwrap();
    assert!(
        !cli.status.success() && String::from_utf8_lossy(&cli.stderr).contains("ask its owner"),
        "the CLI says the same: {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    // A reviewer holds no temporary tables either (TEMPORARY is taken from PUBLIC too).
    let message = refused(&mut raw(&maria_on_a), "CREATE TEMP TABLE scratch (x int)");
    assert!(
        message.contains("permission denied"),
        "no temporary tables: {message}"
    );

    // Every table refuses a removed reviewer's writes: a table a later migration adds needs the
    // trigger too.
    let tables: Vec<(String, bool)> = a
        .sql()
        .query(
            "SELECT c.relname::text,
                    EXISTS (SELECT 1 FROM pg_trigger t
                             WHERE t.tgrelid = c.oid AND t.tgname = 'by_reviewers_only')
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'vetted' AND c.relkind IN ('r', 'p')
                AND c.relname <> 'schema_migrations'
              ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let unguarded: Vec<&str> = (tables.iter())
        .filter(|(_, guarded)| !guarded)
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        tables.iter().any(|(name, _)| name == "decisions") && unguarded.is_empty(),
        "tables without the by_reviewers_only trigger (add it in their migration): {unguarded:?}"
    );

    // Each owner lists their own reviewers.
    let listed_a = listed(&a);
    assert!(
        listed_a.contains(&format!("{maria}\tsme"))
            && listed_a.contains(&format!("{}\tanalyst", login_of(&bob_on_a))),
        "a lists maria and bob with their roles: {listed_a:?}"
    );
    assert!(
        !listed(&b).iter().any(|l| l.starts_with(&maria)),
        "b does not list maria"
    );
    // A reviewer reads the same list (the app shows it), without the right to change it; the
    // owner has that right.
    let seen_by_maria = on_a.reviewers().expect("a reviewer reads who reviews");
    let seen_by_owner = TeamServer::connect(&a.admin).unwrap().reviewers().unwrap();
    let (_, _, a_name) = address_parts(&a.admin);
    assert_eq!(
        (seen_by_maria.database.as_str(), seen_by_maria.may_manage),
        (a_name.as_str(), false),
        "maria reads a's list and may not change it"
    );
    assert!(seen_by_owner.may_manage, "a's owner manages its reviewers");
    assert_eq!(
        seen_by_maria.reviewers, seen_by_owner.reviewers,
        "one list, whoever reads it"
    );
    assert_eq!(
        seen_by_owner
            .reviewers
            .iter()
            .map(|r| format!("{}\t{}", r.login, r.roles[0].as_str()))
            .collect::<Vec<_>>(),
        listed_a,
        "the app's list is the CLI's"
    );

    // Only an owner opens or closes the door.
    let bob_adds = on_server(&bob_on_a)
        .args([
            "team",
            "add-reviewer",
            "door_intruder",
            "--role",
            "adjudicator",
        ])
        .output()
        .unwrap();
    let bob_removes = on_server(&bob_on_a)
        .args(["team", "remove-reviewer", &maria])
        .output()
        .unwrap();
    for (what, out) in [("adds", bob_adds), ("removes", bob_removes)] {
        assert!(
            !out.status.success()
                && String::from_utf8_lossy(&out.stderr).contains("only the owner of database"),
            "an analyst never {what} reviewers: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        TeamServer::connect(&a.url_of(&maria)).is_ok(),
        "bob's attempt changed nothing"
    );

    // b's owner adds her (another role there): she signs in to b and reads it.
    succeeded(on_server(&b.admin).args(["team", "add-reviewer", &maria, "--role", "analyst"]));
    let mut on_b = TeamServer::connect(&b.url_of(&maria)).expect("now b lets her in");
    assert_eq!(on_b.counts().unwrap().open, 4, "she reads b's queue");

    // On a she holds two items and decides one; then a's owner removes her.
    let held = on_a.claim(2, Duration::from_secs(600)).unwrap();
    assert_eq!(held.len(), 2, "two items held");
    let decided = approve(&mut on_a, &held[0].external_id).unwrap();
    let mut admin_sql = a.sql();
    let leases = |sql: &mut Client| -> i64 {
        sql.query_one(
            "SELECT count(*) FROM vetted.leases WHERE reviewer = $1",
            &[&maria],
        )
        .unwrap()
        .get(0)
    };
    let held_before = leases(&mut admin_sql);
    assert!(held_before >= 1, "she holds the undecided item");
    let out = succeeded(on_server(&a.admin).args(["team", "remove-reviewer", &maria]));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains(&format!("{maria} signs in to"))
            && said.contains(&format!("{held_before} held item"))
            && said.contains("1 open session closed"),
        "the owner is told what changed: {said}"
    );
    assert_eq!(
        leases(&mut admin_sql),
        0,
        "her items are back in the queue now"
    );
    assert!(
        on_a.counts().is_err(),
        "her open session on a was closed (the owner here may signal it)"
    );
    assert_eq!(
        raw_refusal(&a, &maria).map(|r| r.0),
        Some(SqlState::INSUFFICIENT_PRIVILEGE),
        "a refuses her from now on"
    );
    assert!(
        on_b.counts().is_ok() && TeamServer::connect(&b.url_of(&maria)).is_ok(),
        "b keeps her"
    );
    let (mut a_owner, _) = TeamServer::init(&a.admin).unwrap();
    let history = a_owner.history(&held[0].external_id).unwrap();
    assert_eq!(
        history.iter().map(|d| &d.id).collect::<Vec<_>>(),
        [&decided.id],
        "her decision stays in a's log"
    );
    assert!(
        !listed(&a).iter().any(|l| l.starts_with(&maria)),
        "a no longer lists her"
    );

    // What cannot be removed says so and changes nothing.
    let unknown = a_owner.remove_reviewer("door_nobody").unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound, "{unknown}");
    let owner = login_of(&a.admin).to_owned();
    let superuser = a_owner.remove_reviewer(&owner).unwrap_err();
    assert!(
        superuser.code() == ErrorCode::BadRequest
            && superuser.to_string().contains("would still sign in here"),
        "a superuser cannot be shut out by a revoke: {superuser}"
    );
    assert!(
        TeamServer::connect(&bob_on_a).is_ok(),
        "the others keep signing in"
    );
}

#[test]
fn a_database_reviewed_before_the_change_keeps_the_reviewers_who_worked_on_it() {
    let Some(team) = Team::new("door_upgrade") else {
        return;
    };
    team.import(&answer_lines("door-up", 3), 1);
    let active_url = team.reviewer("door_active", Role::Analyst);
    let idle_url = team.reviewer("door_idle", Role::Sme);
    let skipper_url = team.reviewer("door_skipper", Role::Analyst);
    let (active, idle, skipper) = (
        login_of(&active_url),
        login_of(&idle_url),
        login_of(&skipper_url),
    );
    approve(&mut TeamServer::connect(&active_url).unwrap(), "door-up-0").unwrap();
    // The skipper's only trace: an item claimed and given back.
    let mut skipping = TeamServer::connect(&skipper_url).unwrap();
    let held = skipping.claim(1, Duration::from_secs(600)).unwrap();
    assert!(skipping.release(&held[0].external_id).unwrap(), "skipped");
    drop(skipping);
    // The database as it was before migration 0016: everyone connects (PUBLIC may), and no
    // trigger asks who may.
    let (_, _, database) = address_parts(&team.admin);
    team.sql()
        .batch_execute(&format!(
            "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO PUBLIC;
             REVOKE CONNECT ON DATABASE {database} FROM {active}, {idle}, {skipper};
             DROP FUNCTION vetted.refuse_removed_reviewer() CASCADE;
             DELETE FROM vetted.schema_migrations WHERE version = 16;"
        ))
        .unwrap();
    assert!(
        raw_refusal(&team, active).is_none() && raw_refusal(&team, idle).is_none(),
        "before the migration both sign in"
    );

    let (_, applied) = TeamServer::init(&team.admin).unwrap();
    assert_eq!(applied, 1, "the upgrade applies migration 0016");
    assert!(
        raw_refusal(&team, active).is_none() && raw_refusal(&team, skipper).is_none(),
        "who decided or skipped here keeps signing in"
    );
    assert_eq!(
        raw_refusal(&team, idle).map(|r| r.0),
        Some(SqlState::INSUFFICIENT_PRIVILEGE),
        "a login never active here is let in only when added (again)"
    );
    succeeded(on_server(&team.admin).args(["team", "add-reviewer", idle, "--role", "sme"]));
    assert!(
        raw_refusal(&team, idle).is_none(),
        "added again, it signs in"
    );
    assert_eq!(
        listed(&team),
        [
            format!("{active}\tanalyst"),
            format!("{idle}\tsme"),
            format!("{skipper}\tanalyst")
        ],
        "the database's reviewers, each with the role it had"
    );
}

/// The set-up `docs/team-server.md` describes: the team's administrator may create roles and owns
/// the database, and is no superuser, so it cannot close another login's session.
#[test]
fn an_owner_who_is_no_superuser_keeps_the_door_and_a_removed_session_acts_no_more() {
    let Some(root) = postgres_server() else {
        return;
    };
    let pid = std::process::id();
    let (owner, database) = (format!("door_admin_{pid}"), format!("door_owned_{pid}"));
    Client::connect(&root, NoTls)
        .unwrap()
        .batch_execute(&format!("CREATE ROLE {owner} LOGIN CREATEROLE"))
        .unwrap();
    Client::connect(&root, NoTls)
        .unwrap()
        .batch_execute(&format!("CREATE DATABASE {database} OWNER {owner}"))
        .unwrap();
    let (server, _) = root.rsplit_once('/').unwrap();
    let admin = format!(
        "{}/{database}",
        server.replacen("postgres@", &format!("{owner}@"), 1)
    );
    let (_, applied) = TeamServer::init(&admin).expect("its owner sets the database up");
    assert_eq!(
        applied,
        vetted::team_server::MIGRATIONS.len(),
        "every migration applies as the database's owner, no superuser needed"
    );
    let team = Team { admin };
    team.import(&answer_lines("door-own", 4), 1);
    let sam_url = team.reviewer("door_sam", Role::Sme);
    let sam = login_of(&sam_url).to_owned();
    let mut signed_in = TeamServer::connect(&sam_url).expect("sam signs in");
    let held = signed_in.claim(2, Duration::from_secs(600)).unwrap();
    assert_eq!(held.len(), 2, "sam holds two items");

    let out = succeeded(on_server(&team.admin).args(["team", "remove-reviewer", &sam]));
    let (said, noted) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        said.contains("2 held items back in the queue, 0 open sessions closed")
            && noted.contains(&format!("{sam} still has 1 open session here")),
        "the owner may not close sam's session and is told so: {said} / {noted}"
    );
    // The session left open acts no more: it neither claims, decides, tags nor marks.
    let claim = signed_in.claim(2, Duration::from_secs(600)).unwrap_err();
    let decide = approve(&mut signed_in, &held[0].external_id).unwrap_err();
    let tag = signed_in.add_tag(&held[0].external_id, "late").unwrap_err();
    let mark = signed_in
        .set_do_not_train(&held[1].external_id, true)
        .unwrap_err();
    for (what, refusal) in [
        ("claims", claim),
        ("decides", decide),
        ("tags", tag),
        ("marks", mark),
    ] {
        assert_eq!(refusal.code(), ErrorCode::Forbidden, "{what}: {refusal}");
    }
    let (mut owner_session, _) = TeamServer::init(&team.admin).unwrap();
    assert!(
        owner_session
            .history(&held[0].external_id)
            .unwrap()
            .is_empty(),
        "nothing of sam's was recorded after the removal"
    );
    assert_eq!(
        raw_refusal(&team, &sam).map(|r| r.0),
        Some(SqlState::INSUFFICIENT_PRIVILEGE),
        "and no new session opens"
    );

    // A login reviewing another database keeps its password: this owner cannot set it.
    let Some(elsewhere) = Team::new("door_elsewhere") else {
        return;
    };
    let pat_url = elsewhere.reviewer("door_pat", Role::Analyst);
    let pat = login_of(&pat_url).to_owned();
    let refused = owner_session
        .add_reviewer(&pat, Role::Analyst, Some("taken over"))
        .unwrap_err();
    let (_, _, elsewhere_name) = address_parts(&elsewhere.admin);
    assert!(
        refused.code() == ErrorCode::Forbidden
            && refused
                .to_string()
                .contains(&format!("may already sign in to {elsewhere_name}")),
        "{refused}"
    );
    assert!(
        raw_refusal(&team, &pat).is_some(),
        "the refused add changed nothing: pat does not sign in here"
    );
    owner_session
        .add_reviewer(&pat, Role::Analyst, None)
        .expect("added without a password, pat keeps theirs");
    assert!(raw_refusal(&team, &pat).is_none(), "pat signs in here now");
    assert!(
        raw_refusal(&elsewhere, &pat).is_none(),
        "and still where they were"
    );
}
