//! Claims keep to their indexes whatever the statistics say (PostgreSQL migration
//! `0017_claim_plans.sql`). At a million items, claims were slow in some runs and not in
//! others (PERFORMANCE.md, twelfth and thirteenth parts): their cached plan walked the primary
//! key past every settled item, or read the whole `leases` table once per candidate (which
//! carries thousands of dead row versions while a team works). Claims, decisions and skips now
//! read a lease by its key, and a claim reads the open items only.

use std::time::Duration;

use postgres::GenericClient;
use vetted::team::Role;
use vetted::team_server::TeamServer;

use super::{Team, raw};
use crate::support::answer_lines;

/// How often this transaction has read the whole `leases` table so far.
fn leases_read_whole(sql: &mut impl GenericClient) -> i64 {
    sql.query_one(
        "SELECT seq_scan FROM pg_stat_xact_user_tables
          WHERE schemaname = 'vetted' AND relname = 'leases'",
        &[],
    )
    .unwrap()
    .get(0)
}

/// How many rows of `items` this transaction has fetched through an index so far.
fn items_fetched(sql: &mut impl GenericClient) -> i64 {
    sql.query_one(
        "SELECT idx_tup_fetch FROM pg_stat_xact_user_tables
          WHERE schemaname = 'vetted' AND relname = 'items'",
        &[],
    )
    .unwrap()
    .get(0)
}

/// Claims up to `wanted` items for 10 minutes in `sql`'s transaction, as the raw SQL of the
/// login; the ids held.
fn claim(sql: &mut impl GenericClient, wanted: i32) -> Vec<i64> {
    sql.query("SELECT id FROM claim_items($1, 600) AS c (id)", &[&wanted])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_claim_reads_the_open_items_not_the_settled_ones_before_them() {
    let Some(team) = Team::new("team_claim_front") else {
        return;
    };
    team.import(&answer_lines("cf", 100_000), 1);
    // As after a team's first 1,000 decisions: the oldest items are settled (1 %: there the
    // planner found walking the primary key and filtering cheaper than `items_by_review`). Only their review
    // state matters here, so it is written directly, the items' triggers off.
    let mut admin = team.sql();
    admin
        .batch_execute(
            "ALTER TABLE vetted.items DISABLE TRIGGER USER;
             UPDATE vetted.items SET review = 'settled', status = 'approved' WHERE id <= 1000;
             ALTER TABLE vetted.items ENABLE TRIGGER USER;
             ANALYZE vetted.items",
        )
        .unwrap();

    let mut sql = raw(&team.reviewer("cf", Role::Analyst));
    let mut tx = sql.transaction().unwrap();
    let claimed: Vec<i64> = claim(&mut tx, 5);
    assert_eq!(
        claimed,
        [1001, 1002, 1003, 1004, 1005],
        "the oldest open items"
    );
    let fetched = items_fetched(&mut tx);
    assert!(
        fetched <= 20,
        "a claim of 5 reads the open items from their index, not the 1,000 settled ones \
         before them: {fetched} items read"
    );
    tx.rollback().unwrap();
}

#[test]
fn claims_decisions_and_skips_read_a_lease_by_its_key_only() {
    let Some(team) = Team::new("team_lease_keys") else {
        return;
    };
    team.import(&answer_lines("lk", 60), 2);
    // Another reviewer's leases come and go: dead row versions, and statistics that say the
    // table is small (the planner's reason to read it whole).
    let mut other = TeamServer::connect(&team.reviewer("lo", Role::Analyst)).unwrap();
    assert_eq!(other.claim(30, Duration::from_secs(600)).unwrap().len(), 30);
    let mut admin = team.sql();
    for _ in 0..3 {
        admin
            .batch_execute("UPDATE vetted.leases SET expires_at = expires_at - interval '1 s'")
            .unwrap();
    }
    admin.batch_execute("ANALYZE vetted.leases").unwrap();

    let mut sql = raw(&team.reviewer("lk", Role::Analyst));
    let mut tx = sql.transaction().unwrap();
    let claimed: Vec<i64> = claim(&mut tx, 40);
    assert_eq!(claimed.len(), 40, "k = 2: the other's 30 items come too");
    assert_eq!(
        leases_read_whole(&mut tx),
        0,
        "a claim of 40 looks each candidate's leases up by key"
    );
    let again = claim(&mut tx, 40).len();
    assert_eq!(again, 40, "claiming again renews the same 40");
    assert_eq!(
        leases_read_whole(&mut tx),
        0,
        "renewing and listing the reviewer's leases goes through the reviewer's index"
    );

    tx.execute(
        "INSERT INTO decisions (id, item_id, item_version, reviewer, action)
         SELECT 'lk-decided', id, version, session_user, 'approve' FROM items WHERE id = $1",
        &[&claimed[0]],
    )
    .unwrap();
    assert_eq!(
        leases_read_whole(&mut tx),
        0,
        "the decision's stamp ends its lease by key"
    );
    let skipped: bool = tx
        .query_one("SELECT release_item($1)", &[&claimed[1]])
        .unwrap()
        .get(0);
    assert!(skipped, "the skip released a held item");
    assert_eq!(
        leases_read_whole(&mut tx),
        0,
        "a skip ends its lease by key"
    );

    // What they did is what they always did: the decided and the skipped item are no longer held.
    let held: Vec<i64> = tx
        .query(
            "SELECT item_id FROM leases WHERE reviewer = session_user ORDER BY item_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        held,
        claimed[2..],
        "the decision and the skip ended those two leases"
    );
    tx.rollback().unwrap();
}
