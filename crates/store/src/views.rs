//! A derived read model per document: a small `summary` blob (for lists) and a bigger
//! `view` blob (the full typed view), both computed by the caller from the document.
//!
//! The document (snapshot + chunks) stays the only truth. A view row records the
//! document's last sequence number (`Loaded::last_seq`) it was computed at, and is usable
//! only while that is still the document's last sequence number: any later append makes
//! it stale without touching it, compaction keeps it current (it does not change the last
//! sequence number), and deleting the document deletes it. The last sequence number never
//! goes back for a document, so a stale view can never become current again by accident.

use rusqlite::{Connection, OptionalExtension, params};

use crate::documents::{append_in, last_seq, to_sql_seq, write_tx};
use crate::error::{Result, StoreError};
use crate::store::Store;

/// One entry of `Store::append_chunks_with_views`: a chunk to append plus the view the
/// caller computed from its document with that chunk applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkWithView {
    /// The document id.
    pub id: String,
    /// The document's kind (the document is created with it on first append).
    pub kind: String,
    /// The chunk to append.
    pub bytes: Vec<u8>,
    /// The document's last sequence number the caller's document was at before this
    /// change (`Loaded::last_seq`, or 0 for a new document).
    pub base_seq: u64,
    /// The summary blob computed from the document including this chunk.
    pub summary: Vec<u8>,
    /// The view blob computed from the document including this chunk.
    pub view: Vec<u8>,
}

/// The document's last sequence number as an SQL expression over a column `d.id`.
const LAST_SEQ_OF_D: &str = "max(
    coalesce((SELECT max(seq) FROM chunks WHERE doc_id = d.id), 0),
    coalesce((SELECT upto_seq FROM snapshots WHERE doc_id = d.id), 0))";

fn seq_from_sql(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt("negative sequence number".into()))
}

fn upsert_view(tx: &Connection, id: &str, seq: u64, summary: &[u8], view: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT INTO doc_views(doc_id, seq, summary, view) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(doc_id) DO UPDATE
         SET seq = excluded.seq, summary = excluded.summary, view = excluded.view",
        params![id, to_sql_seq(seq)?, summary, view],
    )?;
    Ok(())
}

/// Appends the chunk, then stores the view if the caller's document was current
/// (`base_seq` was the last sequence number), else drops the document's view.
fn append_with_view_in(
    tx: &Connection,
    id: &str,
    kind: &str,
    bytes: &[u8],
    base_seq: u64,
    summary: &[u8],
    view: &[u8],
) -> Result<u64> {
    let seq = append_in(tx, id, kind, bytes)?;
    // `append_in` used the last sequence number + 1.
    if seq - 1 == base_seq {
        upsert_view(tx, id, seq, summary, view)?;
    } else {
        tx.execute("DELETE FROM doc_views WHERE doc_id = ?1", [id])?;
    }
    Ok(seq)
}

impl Store {
    /// Appends a chunk exactly like `append_chunk` (durable on return, returns the new
    /// sequence number) and, in the same transaction, stores the document's view.
    ///
    /// `base_seq` is the last sequence number of the document the caller changed and
    /// computed `summary`/`view` from (`Loaded::last_seq`; 0 for a new document). If it is
    /// still the document's last sequence number, the view covers everything and is stored
    /// at the new sequence number. Otherwise someone else appended meanwhile, the view
    /// would miss that change, and the document's view is deleted instead; the chunk is
    /// appended either way.
    pub fn append_chunk_with_view(
        &self,
        id: &str,
        kind: &str,
        bytes: &[u8],
        base_seq: u64,
        summary: &[u8],
        view: &[u8],
    ) -> Result<u64> {
        let tx = write_tx(&self.conn)?;
        let seq = append_with_view_in(&tx, id, kind, bytes, base_seq, summary, view)?;
        tx.commit()?;
        Ok(seq)
    }

    /// `append_chunk_with_view` for several documents in ONE transaction (all or nothing,
    /// views included). Returns the new sequence numbers in order.
    pub fn append_chunks_with_views(&self, batch: &[ChunkWithView]) -> Result<Vec<u64>> {
        let tx = write_tx(&self.conn)?;
        let seqs = batch
            .iter()
            .map(|c| {
                append_with_view_in(
                    &tx, &c.id, &c.kind, &c.bytes, c.base_seq, &c.summary, &c.view,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(seqs)
    }

    /// The document's last sequence number (the same as `Loaded::last_seq`), or `None`
    /// for an unknown document. One indexed query: cheap enough to check whether an
    /// in-memory copy of the document is still current.
    pub fn last_seq(&self, id: &str) -> Result<Option<u64>> {
        let sql = format!("SELECT {LAST_SEQ_OF_D} FROM docs d WHERE d.id = ?1");
        let n: Option<i64> = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?;
        n.map(seq_from_sql).transpose()
    }

    /// Every document of `kind` with its last sequence number, in id order: one query
    /// to tell which in-memory derived data is still current.
    pub fn doc_seqs(&self, kind: &str) -> Result<Vec<(String, u64)>> {
        let sql =
            format!("SELECT d.id, {LAST_SEQ_OF_D} FROM docs d WHERE d.kind = ?1 ORDER BY d.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map([kind], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, n)| Ok((id, seq_from_sql(n)?)))
            .collect()
    }

    /// The document's view blob if it was computed at the document's current last
    /// sequence number; `None` if it is stale or missing (or the document is unknown):
    /// then rebuild it from `load` and store it with `put_view`.
    pub fn load_view(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let sql = format!(
            "SELECT v.view FROM docs d JOIN doc_views v ON v.doc_id = d.id
             WHERE d.id = ?1 AND v.seq = {LAST_SEQ_OF_D}"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Stores a rebuilt view computed at sequence number `seq` (`Loaded::last_seq` of the
    /// load it was computed from), only if that is still the document's last sequence
    /// number. Returns whether it was stored (`false`: the document changed meanwhile or
    /// does not exist; the view was not stored).
    pub fn put_view(&self, id: &str, seq: u64, summary: &[u8], view: &[u8]) -> Result<bool> {
        let tx = write_tx(&self.conn)?;
        let exists: Option<i64> = tx
            .query_row("SELECT 1 FROM docs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        if exists.is_none() || last_seq(&tx, id)? != seq {
            return Ok(false);
        }
        upsert_view(&tx, id, seq, summary, view)?;
        tx.commit()?;
        Ok(true)
    }

    /// Every document of `kind`, sorted by id, with its summary if its view is current
    /// (else `None`: rebuild from the document). One query.
    pub fn list_summaries(&self, kind: &str) -> Result<Vec<(String, Option<Vec<u8>>)>> {
        let sql = format!(
            "SELECT d.id, CASE WHEN v.seq = {LAST_SEQ_OF_D} THEN v.summary END
             FROM docs d LEFT JOIN doc_views v ON v.doc_id = d.id
             WHERE d.kind = ?1 ORDER BY d.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KdfParams;
    use std::path::Path;

    fn tempdir() -> Result<tempfile::TempDir> {
        tempfile::tempdir().map_err(|e| StoreError::Io {
            op: "tempdir",
            source: e,
        })
    }

    fn table_exists(store: &Store, name: &str) -> Result<bool> {
        let n: i64 = store.conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        Ok(n == 1)
    }

    /// A workspace at `dir` turned back into a schema-1 file (as written before views
    /// existed), with one document holding two chunks. Still open.
    fn v1_store(dir: &Path) -> Result<Store> {
        let store = Store::create(dir, "pw", KdfParams::fast_for_tests())?;
        store.append_chunk("d", "case", b"a")?;
        store.append_chunk("d", "case", b"b")?;
        store.conn.execute_batch(
            "BEGIN IMMEDIATE;
             DROP TABLE doc_views;
             PRAGMA user_version = 1;
             COMMIT;",
        )?;
        assert_eq!(store.schema_version()?, 1);
        assert!(!table_exists(&store, "doc_views")?);
        Ok(store)
    }

    #[test]
    fn schema_1_workspace_migrates_on_open() -> Result<()> {
        let tmp = tempdir()?;
        let dir = tmp.path().join("ws");
        drop(v1_store(&dir)?);

        let store = Store::open(&dir, "pw")?;
        assert_eq!(store.schema_version()?, crate::schema::LATEST);
        assert_eq!(store.schema_version()?, 2);
        assert!(table_exists(&store, "doc_views")?);
        let loaded = store.load("d")?.ok_or(StoreError::NotFound)?;
        assert_eq!(loaded.concat(), b"ab");
        assert_eq!(loaded.last_seq, 2);
        // No view yet after migration: rebuilt by the caller and stored.
        assert_eq!(store.load_view("d")?, None);
        assert_eq!(store.list_summaries("case")?, vec![("d".to_string(), None)]);
        assert!(store.put_view("d", 2, b"s", b"v")?);
        assert_eq!(store.load_view("d")?, Some(b"v".to_vec()));
        let seq = store.append_chunk_with_view("d", "case", b"c", 2, b"s3", b"v3")?;
        assert_eq!(seq, 3);
        assert_eq!(store.load_view("d")?, Some(b"v3".to_vec()));
        drop(store);

        // Reopening an up-to-date workspace runs no migration and keeps the view.
        let store = Store::open(&dir, "pw")?;
        assert_eq!(store.schema_version()?, 2);
        assert_eq!(store.load_view("d")?, Some(b"v3".to_vec()));
        Ok(())
    }

    #[test]
    fn schema_1_backup_restores_and_migrates() -> Result<()> {
        let tmp = tempdir()?;
        let store = v1_store(&tmp.path().join("ws"))?;
        let out = tmp.path().join("old.hearthbk");
        store.backup(&out, false)?;
        drop(store);

        let target = tmp.path().join("restored");
        Store::restore(&target, &out, "pw", false)?;
        let r = Store::open(&target, "pw")?;
        assert_eq!(r.schema_version()?, 2);
        assert!(table_exists(&r, "doc_views")?);
        assert_eq!(r.load("d")?.map(|l| l.concat()), Some(b"ab".to_vec()));
        Ok(())
    }

    #[test]
    fn restore_refuses_schema_2_backup_without_doc_views() -> Result<()> {
        let tmp = tempdir()?;
        let dir = tmp.path().join("ws");
        let store = Store::create(&dir, "pw", KdfParams::fast_for_tests())?;
        store.append_chunk("d", "case", b"a")?;
        store.conn.execute_batch("DROP TABLE doc_views;")?;
        let out = tmp.path().join("bad.hearthbk");
        store.backup(&out, false)?;
        drop(store);
        let target = tmp.path().join("restored");
        assert!(matches!(
            Store::restore(&target, &out, "pw", false),
            Err(StoreError::Corrupt(_))
        ));
        assert!(!Store::exists(&target));
        Ok(())
    }

    #[test]
    fn list_summaries_is_one_indexed_query() -> Result<()> {
        let tmp = tempdir()?;
        let store = Store::create(&tmp.path().join("ws"), "pw", KdfParams::fast_for_tests())?;
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT d.id, CASE WHEN v.seq = {LAST_SEQ_OF_D} THEN v.summary END
             FROM docs d LEFT JOIN doc_views v ON v.doc_id = d.id
             WHERE d.kind = ?1 ORDER BY d.id"
        );
        let mut stmt = store.conn.prepare(&sql)?;
        let plan = stmt
            .query_map(["case"], |r| r.get::<_, String>(3))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Every table is reached through an index: no full scan, in particular none of
        // chunks per document.
        assert!(
            plan.iter().any(|l| l.starts_with("SEARCH chunks")),
            "{plan:?}"
        );
        assert!(plan.iter().all(|l| !l.starts_with("SCAN")), "{plan:?}");
        Ok(())
    }
}
