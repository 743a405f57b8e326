//! Guidelines per domain: added, promoted from a decision's note with a link back, edited,
//! archived; bad input refused with a message.

use assert_cmd::Command;
use predicates::prelude::*;
use vetted::ErrorCode;
use vetted::domain::{Action, DecisionInput};

use crate::support::{answer_line, import_lines, temp_db};

#[test]
fn an_sme_note_becomes_a_guideline_of_its_domain_linked_to_its_item() {
    let db = temp_db();
    let mut store = db.open();
    import_lines(&db, &mut store, &[answer_line("q-1", "Revenue was $12M.")]);
    store
        .decide(&DecisionInput {
            id: "d-1".into(),
            item: "q-1".into(),
            item_version: 1,
            reviewer: "sme.sara".into(),
            action: Action::Approve,
            edited: None,
            reason: None,
            note: Some("Quarterly revenue is **net** of refunds; check the footnote.".into()),
        })
        .unwrap();

    let promoted = store.promote_note("d-1", "lead.li").unwrap();
    assert_eq!(promoted.domain, "finance", "the item's domain");
    assert_eq!(
        promoted.source_item.as_deref(),
        Some("q-1"),
        "links back to the item"
    );
    assert_eq!(promoted.source_decision.as_deref(), Some("d-1"));
    assert!(
        promoted.body.contains("**net**"),
        "the note's markdown is kept"
    );
    assert_eq!(
        store.promote_note("d-1", "lead.li").unwrap().id,
        promoted.id,
        "promoting the same note twice returns the same entry"
    );

    let added = store
        .add_guideline("finance", "Round to millions.", "lead.li")
        .unwrap();
    let listed = store.guidelines("finance").unwrap();
    assert_eq!(
        listed.iter().map(|g| g.id).collect::<Vec<_>>(),
        [promoted.id, added.id]
    );
    assert!(
        store.guidelines("legal").unwrap().is_empty(),
        "other domains see none"
    );

    let edited = store
        .update_guideline(added.id, "Round to **millions**.", "sme.sara")
        .unwrap();
    assert_eq!(
        (edited.body.as_str(), edited.updated_by.as_str()),
        ("Round to **millions**.", "sme.sara")
    );
    store.archive_guideline(added.id, "lead.li").unwrap();
    assert_eq!(
        store.guidelines("finance").unwrap().len(),
        1,
        "archived entries are not listed"
    );
    assert!(
        store.update_guideline(added.id, "x", "a").is_err(),
        "an archived entry cannot be edited"
    );
}

#[test]
fn notes_that_cannot_be_promoted_and_empty_guidelines_are_refused_clearly() {
    let db = temp_db();
    let mut store = db.open();
    import_lines(&db, &mut store, &[answer_line("q-1", "Revenue was $12M.")]);
    store
        .decide(&DecisionInput {
            id: "d-plain".into(),
            item: "q-1".into(),
            item_version: 1,
            reviewer: "ana".into(),
            action: Action::Approve,
            edited: None,
            reason: None,
            note: None,
        })
        .unwrap();
    let no_note = store
        .promote_note("d-plain", "ana")
        .unwrap_err()
        .to_string();
    assert!(no_note.contains("has no note to promote"), "{no_note}");
    let unknown = store.promote_note("nope", "ana").unwrap_err();
    assert!(
        unknown.to_string().contains("no decision with id 'nope'"),
        "{unknown}"
    );
    assert_eq!(unknown.code(), ErrorCode::NotFound, "{unknown}");
    assert_eq!(
        store.update_guideline(999, "x", "ana").unwrap_err().code(),
        ErrorCode::NotFound,
        "a removed or unknown guideline is not found"
    );
    assert!(
        store.add_guideline("finance", "   ", "ana").is_err(),
        "blank body"
    );
    assert!(
        store.add_guideline(" ", "text", "ana").is_err(),
        "blank domain"
    );
    assert!(
        store.guidelines("finance").unwrap().is_empty(),
        "nothing was written"
    );
}

#[test]
fn the_cli_adds_lists_and_promotes_guidelines() {
    let db = temp_db();
    let cli = || {
        let mut cmd = Command::cargo_bin("vetted").unwrap();
        cmd.args(["--db", db.path.to_str().unwrap()]);
        cmd
    };
    let items = db.write_file(
        "items.jsonl",
        answer_line("q-1", "Revenue was $12M.") + "\n",
    );
    cli().arg("import").arg(&items).assert().success();
    cli()
        .args([
            "decide",
            "q-1",
            "needs-sme",
            "--note",
            "Is revenue net of refunds?",
        ])
        .assert()
        .success();
    let decision_id: String = rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row("SELECT id FROM decisions", [], |r| r.get(0))
        .unwrap();
    cli()
        .args(["guidelines", "promote", &decision_id])
        .assert()
        .success()
        .stdout(predicate::str::contains("in finance (from q-1)"));
    cli()
        .args([
            "guidelines",
            "add",
            "--domain",
            "finance",
            "--text",
            "Cite the page.",
        ])
        .assert()
        .success();
    cli()
        .args(["guidelines", "list", "--domain", "finance"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Is revenue net of refunds?")
                .and(predicate::str::contains("Cite the page.")),
        );
}
