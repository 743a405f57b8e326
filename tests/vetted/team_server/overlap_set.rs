//! `overlap set` and `overlap list` on a team server: the owner changes how many distinct
//! reviewers the items nobody has reviewed or holds need; an item already reviewed or held
//! keeps its k, and a decision made on an item as read before the change is refused as stale.

use vetted::ErrorCode;
use vetted::domain::Action;
use vetted::team::Role;
use vetted::team_server::{DEFAULT_LEASE, TeamServer};

use super::{Team, approve, decision, on_server, succeeded};
use crate::support::{answer_line, answer_lines, json_of};

/// The sum of every item's version.
fn versions(team: &Team) -> i64 {
    team.sql()
        .query_one("SELECT sum(version)::bigint FROM vetted.items", &[])
        .unwrap()
        .get(0)
}

/// `(external id, required reviews)` of every item, by id.
fn required(team: &Team) -> Vec<(String, i32)> {
    team.sql()
        .query(
            "SELECT external_id, required_reviews FROM vetted.items ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn the_owner_changes_the_overlap_of_items_nobody_reviewed_or_holds() {
    let Some(team) = Team::new("team_overlap_set") else {
        return;
    };
    team.import(&answer_lines("ov", 6), 1);
    let mut legal: serde_json::Value = serde_json::from_str(&answer_line("lg-0", "Yes.")).unwrap();
    legal["domain"] = "legal".into();
    team.import(&[legal.to_string()], 1);
    let ana_url = team.reviewer("ov_ana", Role::Analyst);
    let bea_url = team.reviewer("ov_bea", Role::Sme);
    let mut ana = TeamServer::connect(&ana_url).unwrap();
    let mut bea = TeamServer::connect(&bea_url).unwrap();
    // ov-0 reviewed, ov-1 held by ana; bea reads ov-5 as it is before the change.
    approve(&mut ana, "ov-0").unwrap();
    let held = ana.claim(1, DEFAULT_LEASE).unwrap();
    assert_eq!(
        held[0].external_id, "ov-1",
        "ana holds the oldest open item"
    );
    let (_, read_before) = bea.item_version("ov-5").unwrap();

    // Only the owner changes it; nothing changes when refused.
    let refused = ana.set_overlap(Some("finance"), 2).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden, "{refused}");
    let too_many = TeamServer::connect(&team.admin)
        .unwrap()
        .set_overlap(None, 11)
        .unwrap_err();
    assert!(
        too_many.to_string().contains("1 to 10"),
        "k = 11 is refused: {too_many}"
    );
    on_server(&ana_url)
        .args(["overlap", "set", "2", "--domain", "finance"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "only its owner sets how many reviewers",
        ));
    on_server(&team.admin)
        .args(["overlap", "set", "2", "--import", "1"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "a team server keeps no imports by id",
        ));
    let unknown = TeamServer::connect(&team.admin)
        .unwrap()
        .set_overlap(Some("finanse"), 2)
        .unwrap_err();
    assert!(
        unknown.to_string().contains("no items of domain 'finanse'"),
        "a mistyped domain is named: {unknown}"
    );
    assert_eq!(
        versions(&team),
        8,
        "the refusals changed no item (each still at version 1, ov-0 at 2)"
    );
    assert!(
        required(&team).iter().all(|(_, k)| *k == 1),
        "the refusals changed nothing"
    );

    let out =
        succeeded(on_server(&team.admin).args(["overlap", "set", "2", "--domain", "finance"]));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("4 items of domain finance now need 2 reviews")
            && said.contains("2 kept theirs (reviewed or held)"),
        "the owner is told what changed: {said}"
    );
    assert_eq!(
        required(&team),
        [
            ("ov-0", 1),
            ("ov-1", 1),
            ("ov-2", 2),
            ("ov-3", 2),
            ("ov-4", 2),
            ("ov-5", 2),
            ("lg-0", 1)
        ]
        .map(|(id, k)| (id.to_owned(), k)),
        "the reviewed and the held item keep their k, and so does the other domain's"
    );

    // The new k holds: ov-2 stays open after one review and settles after the second.
    let review_of = |id: &str| -> (String, String) {
        let row = team
            .sql()
            .query_one(
                "SELECT status, review FROM vetted.items WHERE external_id = $1",
                &[&id],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    approve(&mut ana, "ov-2").unwrap();
    assert_eq!(
        review_of("ov-2"),
        ("pending".to_owned(), "open".to_owned()),
        "one review of two: still open"
    );
    approve(&mut bea, "ov-2").unwrap();
    assert_eq!(
        review_of("ov-2"),
        ("approved".to_owned(), "settled".to_owned()),
        "two agreeing reviews settle it"
    );
    // bea's review of ov-5 as read before the change is a first blind review under the new k,
    // which nothing the reviewer saw makes stale: recorded, and ov-5 waits for a second.
    bea.decide(
        &decision("ov-5", read_before, bea.reviewer(), Action::Approve),
        None,
    )
    .expect("a blind first review stands");
    assert_eq!(
        review_of("ov-5"),
        ("pending".to_owned(), "open".to_owned()),
        "ov-5 needs a second review now"
    );

    // Back to one for every item: a decision made on ov-4 as read before is refused as stale
    // (one review would settle it now), and the reviewed items keep their two.
    let (_, ov4_before) = bea.item_version("ov-4").unwrap();
    let back = TeamServer::connect(&team.admin)
        .unwrap()
        .set_overlap(None, 1)
        .unwrap();
    assert_eq!(
        (back.changed, back.kept),
        (2, 2),
        "ov-3 and ov-4 change; ov-2 and ov-5 keep two"
    );
    let err = bea
        .decide(
            &decision("ov-4", ov4_before, bea.reviewer(), Action::Approve),
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "refused as stale: {err}");
    assert_eq!(
        review_of("ov-4"),
        ("pending".to_owned(), "open".to_owned()),
        "nothing was recorded"
    );

    // Anyone reads the list, by domain and k.
    let listed = json_of(on_server(&ana_url).args(["overlap", "list", "--json"]));
    assert_eq!(
        listed,
        serde_json::json!([
            {"domain": "finance", "k": 1, "items": 4, "unsettled": 3},
            {"domain": "finance", "k": 2, "items": 2, "unsettled": 1},
            {"domain": "legal", "k": 1, "items": 1, "unsettled": 1}
        ]),
        "ov-0 (settled), ov-1, ov-3 and ov-4 need one review; ov-2 (settled) and ov-5 two"
    );

    // A lease that ran out holds nothing: ov-1 changes with the untouched items.
    team.sql()
        .execute(
            "UPDATE vetted.leases SET expires_at = now() - interval '1 minute'",
            &[],
        )
        .unwrap();
    let out =
        succeeded(on_server(&team.admin).args(["overlap", "set", "3", "--domain", "finance"]));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("3 items of domain finance now need 3 reviews; 3 kept theirs"),
        "ov-1, ov-3 and ov-4 change; ov-0, ov-2 and ov-5 (reviewed) keep theirs: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}
