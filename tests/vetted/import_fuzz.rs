//! Property tests: whatever bytes arrive, the importer answers Ok or a clear error — never a
//! panic — and a rejected file changes nothing.

use proptest::prelude::*;

use crate::support::{answer_line, relationship_line, table_counts, temp_db};

fn check_import(bytes: &[u8]) -> Result<(), TestCaseError> {
    let db = temp_db();
    let mut store = db.open();
    let file = db.write_file("fuzz.jsonl", bytes);
    let before = table_counts(&db.path);
    if let Err(err) = store.import_path(&file) {
        prop_assert!(
            !err.to_string().is_empty(),
            "a rejection always says what is wrong"
        );
        prop_assert_eq!(
            table_counts(&db.path),
            before,
            "a rejected file leaves every table as it was"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_bytes_never_panic_the_importer(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        check_import(&bytes)?;
    }

    /// Valid lines with random bytes inserted reach deeper than pure noise: past the JSON
    /// parser into field validation, hashing and the staged insert.
    #[test]
    fn mutated_valid_lines_never_panic_the_importer(
        insertions in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6)
    ) {
        let mut bytes = format!("{}\n{}\n", answer_line("a-1", "$12M"), relationship_line("r-1"))
            .into_bytes();
        for (at, byte) in insertions {
            let at = at % (bytes.len() + 1);
            bytes.insert(at, byte);
        }
        check_import(&bytes)?;
    }
}
