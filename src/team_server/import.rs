//! Importing items onto the team server: the file is parsed by the core's importer (the same
//! checks, the same problems by file, line and field) and streamed to the server with `COPY`,
//! in one transaction, so a bad file or a clash changes nothing.
//!
//! Two paths:
//! - new items (the usual case): a reader thread parses the file while the session `COPY`s the
//!   items, batch by batch, straight into `items` and `evidence`, with ids the import assigns
//!   itself (imports take turns through an advisory lock; nothing else inserts items);
//! - when an id is already stored (a re-import, or a clash), that transaction is rolled back and
//!   the file is read again into a staging table and merged: an item stored with the same
//!   content is already present, one with other content refuses the file.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::fresh_import::IMPORT_LOCK;
use super::{TeamServer, server_error};
use crate::error::{Error, Result};
use crate::import::{BATCH_ITEMS, ImportProgress, ImportReport, Problems, read_for_server};
use crate::store::PreparedItem;

/// How many problems of clashing ids are listed.
const LISTED_CLASHES: i64 = 20;

impl TeamServer {
    /// Whether this login may add items (the schema's owner, who imports).
    pub fn may_add_items(&mut self) -> Result<bool> {
        let statement = self.prepared(
            "SELECT has_table_privilege('vetted.items', 'INSERT')
                    AND has_table_privilege('vetted.evidence', 'INSERT')",
        )?;
        Ok(self
            .client
            .query_one(&statement, &[])
            .map_err(|e| self.failed(e))?
            .get(0))
    }

    /// Imports the items of `path` (JSON Lines or CSV, as `docs/import-format.md`), each to be
    /// reviewed by `reviews` distinct reviewers (the overlap k). An item already stored with the
    /// same content is left as it is; one stored with other content refuses the whole file.
    /// Needs the right to write items (the schema's owner).
    pub fn import_path(&mut self, path: &Path, reviews: u32) -> Result<ImportReport> {
        self.import_path_cancellable(path, reviews, &AtomicBool::new(false), &mut |_| {})
    }

    /// [`TeamServer::import_path`], telling `on_progress` the items sent and the bytes read so
    /// far (after each batch), and stopped with [`Error::Cancelled`] (nothing written) when
    /// `cancel` is set while the file is read. The last step (indexing the items, and merging
    /// them when some were stored already) runs after the last report and cannot be cancelled.
    pub fn import_path_cancellable(
        &mut self,
        path: &Path,
        reviews: u32,
        cancel: &AtomicBool,
        on_progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        check_reviews(reviews)?;
        if path == Path::new("-") {
            return Err(Error::BadRequest(
                "a team server imports a file, not standard input: a file whose ids the server \
                 already has is read twice"
                    .into(),
            ));
        }
        if !self.may_add_items()? {
            return Err(Error::Forbidden(format!(
                "{} may not import onto {}: the schema's owner imports (vetted --db \
                 postgres://OWNER@HOST/DATABASE import FILE); ask your administrator",
                self.reviewer, self.server
            )));
        }
        // A file found to hold a stored id is read again from its start (the merging path):
        // the progress does not go back, it waits until the second reading passes the first
        // (in bytes and in items: bytes are counted a buffer at a time).
        let mut furthest = (0, 0);
        let mut forward = |p: ImportProgress| {
            if p.bytes_read >= furthest.0 && p.items >= furthest.1 {
                furthest = (p.bytes_read, p.items);
                on_progress(p);
            }
        };
        match self.import_new(path, reviews as i32, cancel, &mut forward) {
            Err(Error::Duplicate(_)) => self.import_merging(path, reviews, cancel, &mut forward),
            done => done,
        }
    }

    /// The staging path: every line into a temporary table, then merged.
    fn import_merging(
        &mut self,
        path: &Path,
        reviews: u32,
        cancel: &AtomicBool,
        on_progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let bytes_total = std::fs::metadata(path).ok().map(|m| m.len());
        let (mut items, mut read) = (0, 0);
        let server = self.server.clone();
        let failed = |e| server_error(&server, e);
        let mut tx = self.client.transaction().map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
            .map_err(failed)?;
        tx.batch_execute(
            "CREATE TEMP TABLE staged_items (
                 line bigint, external_id text, kind text, domain text, model text, title text,
                 payload text, vetting text, metadata text, content_hash text, evidence text,
                 search_text text
             ) ON COMMIT DROP",
        )
        .map_err(failed)?;
        let mut copy = tx.copy_in("COPY staged_items FROM STDIN").map_err(failed)?;
        let mut row = Vec::with_capacity(4096);
        let report = read_for_server(path, &mut |line, item, bytes_read| {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            (items, read) = (items + 1, bytes_read);
            if items % BATCH_ITEMS as u64 == 0 {
                on_progress(ImportProgress {
                    items,
                    bytes_read,
                    bytes_total,
                });
            }
            row.clear();
            staged_row(&mut row, line, &item);
            copy.write_all(&row)
                .map_err(|e| Error::io(format!("{server} (COPY)"), e))
        })?;
        copy.finish().map_err(failed)?;
        // The whole file is staged: the merge that follows has no figures of its own.
        on_progress(ImportProgress {
            items,
            bytes_read: bytes_total.unwrap_or(read),
            bytes_total,
        });
        let clashes = tx
            .query(
                "SELECT s.line, s.external_id FROM staged_items s
                   JOIN items i ON i.external_id = s.external_id
                  WHERE i.content_hash <> s.content_hash
                  ORDER BY s.line LIMIT $1",
                &[&LISTED_CLASHES],
            )
            .map_err(failed)?;
        if !clashes.is_empty() {
            let mut problems = Problems::default();
            for clash in clashes {
                let line: i64 = clash.get(0);
                let id: String = clash.get(1);
                problems.push(
                    line as u64,
                    format!(
                        "{}:{line}: id: an item '{id}' already exists with different content",
                        report.source
                    ),
                );
            }
            return problems.into_result().map(|()| report);
        }
        let reviews = reviews as i32;
        let new: i64 = tx
            .query_one(
                "WITH new AS (
                     INSERT INTO items (external_id, kind, domain, model, title, payload, vetting,
                                        metadata, content_hash, required_reviews, created_at,
                                        updated_at, search_text)
                     SELECT s.external_id, s.kind, s.domain, s.model, s.title, s.payload,
                            s.vetting, s.metadata, s.content_hash, $1, now_text(), now_text(),
                            s.search_text
                       FROM staged_items s
                      WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.external_id = s.external_id)
                      ORDER BY s.line
                     RETURNING id, external_id),
                 passages AS (
                     INSERT INTO evidence (item_id, position, passage_id, title, text, source)
                     SELECT new.id, e.n - 1, e.v ->> 'id', e.v ->> 'title', e.v ->> 'text',
                            e.v ->> 'source'
                       FROM new JOIN staged_items s ON s.external_id = new.external_id,
                            jsonb_array_elements(s.evidence::jsonb) WITH ORDINALITY AS e (v, n)
                     RETURNING 1)
                 SELECT count(*) FROM new",
                &[&reviews],
            )
            .map_err(failed)?
            .get(0);
        tx.commit().map_err(failed)?;
        let new = new as usize;
        Ok(ImportReport {
            already_present: report.already_present + report.new - new,
            new,
            ..report
        })
    }
}

/// One row of `staged_items` in COPY's text format.
fn staged_row(row: &mut Vec<u8>, line: u64, prepared: &PreparedItem) {
    let item = &prepared.item;
    let evidence = item
        .body
        .question_and_evidence()
        .map(|(_, evidence)| serde_json::to_string(evidence).expect("evidence serializes"))
        .unwrap_or_else(|| "[]".to_owned());
    let line = line.to_string();
    let search_text = prepared.search_text();
    let fields = [
        Some(line.as_str()),
        Some(item.external_id.as_str()),
        Some(item.body.kind().as_str()),
        Some(item.domain.as_str()),
        Some(item.model.as_str()),
        Some(prepared.title()),
        Some(prepared.payload()),
        prepared.vetting(),
        Some(prepared.metadata()),
        Some(item.content_hash.as_str()),
        Some(evidence.as_str()),
        Some(search_text.as_str()),
    ];
    super::fresh_import::row(row, &fields);
}

/// A field in COPY's text format: `\N` for NULL, backslash, tab, newline and carriage return
/// escaped.
pub(super) fn copy_text(out: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for &b in value.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// The overlap k an item added to the server may have: 1 to 10 distinct reviewers (the
/// schema's `items.required_reviews` check); `BadRequest` otherwise.
pub(super) fn check_reviews(reviews: u32) -> Result<()> {
    match reviews {
        1..=10 => Ok(()),
        _ => Err(Error::BadRequest(format!(
            "an item needs 1 to 10 independent reviews, not {reviews}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::copy_text;

    #[test]
    fn copy_text_escapes_what_copy_reads_as_structure() {
        let mut out = Vec::new();
        copy_text(&mut out, Some("a\\b\tc\nd\re"));
        assert_eq!(
            out, b"a\\\\b\\tc\\nd\\re",
            "every separator and the escape are escaped"
        );
        out.clear();
        copy_text(&mut out, None);
        assert_eq!(out, b"\\N", "NULL is COPY's \\N");
    }
}
