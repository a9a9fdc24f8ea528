//! Documents as opaque byte chunks: incremental changes appended with a per-document
//! sequence number, and one compacted snapshot that replaces a prefix of them.
//! Plus the small `meta` key/value table for workspace settings.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::{Result, StoreError};
use crate::store::Store;

/// A document as stored: the latest snapshot (if any) and the chunks written after it.
/// Loading the snapshot and then each chunk, in order, rebuilds the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The document's kind (e.g. "case", "team").
    pub kind: String,
    /// The compacted save, if the document was ever compacted.
    pub snapshot: Option<Vec<u8>>,
    /// The sequence number the snapshot covers (0 without a snapshot).
    pub snapshot_upto_seq: u64,
    /// Chunks with `seq > snapshot_upto_seq`, in `seq` order.
    pub chunks: Vec<Vec<u8>>,
    /// The highest sequence number written so far: pass it to `compact`, and as
    /// `base_seq` to `append_chunk_with_view` for the next edit of this document.
    pub last_seq: u64,
}

impl Loaded {
    /// The snapshot followed by the chunks, in load order.
    pub fn parts(&self) -> impl Iterator<Item = &[u8]> {
        self.snapshot
            .as_deref()
            .into_iter()
            .chain(self.chunks.iter().map(Vec::as_slice))
    }

    /// All parts concatenated into one buffer.
    pub fn concat(&self) -> Vec<u8> {
        self.parts().flatten().copied().collect()
    }
}

/// An immediate transaction: takes the write lock up front, so the busy timeout applies
/// instead of a deadlock-style `SQLITE_BUSY` when upgrading a read to a write.
pub(crate) fn write_tx(conn: &Connection) -> Result<Transaction<'_>> {
    Ok(Transaction::new_unchecked(
        conn,
        TransactionBehavior::Immediate,
    )?)
}

fn ensure_doc(tx: &Connection, id: &str, kind: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO docs(id, kind) VALUES (?1, ?2) ON CONFLICT(id) DO NOTHING",
        params![id, kind],
    )?;
    let stored: String = tx.query_row("SELECT kind FROM docs WHERE id = ?1", [id], |r| r.get(0))?;
    if stored != kind {
        return Err(StoreError::InvalidArgument(
            "the document already exists with another kind",
        ));
    }
    Ok(())
}

/// Highest sequence number used by the document (chunks or snapshot), 0 if none.
/// Sequence numbers are never reused, even after compaction deleted their chunks.
pub(crate) fn last_seq(conn: &Connection, id: &str) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT max(
            coalesce((SELECT max(seq) FROM chunks WHERE doc_id = ?1), 0),
            coalesce((SELECT upto_seq FROM snapshots WHERE doc_id = ?1), 0))",
        [id],
        |r| r.get(0),
    )?;
    u64::try_from(n).map_err(|_| StoreError::Corrupt("negative sequence number".into()))
}

pub(crate) fn append_in(tx: &Connection, id: &str, kind: &str, bytes: &[u8]) -> Result<u64> {
    ensure_doc(tx, id, kind)?;
    let seq = last_seq(tx, id)? + 1;
    let seq_sql =
        i64::try_from(seq).map_err(|_| StoreError::InvalidArgument("sequence number overflow"))?;
    tx.execute(
        "INSERT INTO chunks(doc_id, seq, data) VALUES (?1, ?2, ?3)",
        params![id, seq_sql, bytes],
    )?;
    Ok(seq)
}

pub(crate) fn to_sql_seq(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| StoreError::InvalidArgument("sequence number too large"))
}

impl Store {
    /// Registers document `id` with `kind` (no-op if it exists with that kind).
    pub fn put_doc_kind(&self, id: &str, kind: &str) -> Result<()> {
        let tx = write_tx(&self.conn)?;
        ensure_doc(&tx, id, kind)?;
        Ok(tx.commit()?)
    }

    /// Appends one chunk to document `id` (created with `kind` on first append) and
    /// returns its sequence number. Durable when this returns (WAL, `synchronous=FULL`).
    pub fn append_chunk(&self, id: &str, kind: &str, bytes: &[u8]) -> Result<u64> {
        let tx = write_tx(&self.conn)?;
        let seq = append_in(&tx, id, kind, bytes)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Appends chunks to several documents in ONE transaction (all or nothing): an edit
    /// spanning documents is never half-saved. Returns the sequence numbers in order.
    ///
    /// Each returned `seq` is the document's last sequence number + 1, read inside the
    /// same write transaction: so `seq - 1` is exactly what the document was at just
    /// before this chunk (for a second chunk of one document in the batch, the first
    /// one's). A caller that knows its copy equals the stored document at `base` knows
    /// its copy plus the chunk is what is stored at `seq` if and only if `seq - 1 ==
    /// base`; otherwise another writer appended in between.
    pub fn append_chunks(&self, batch: &[(&str, &str, &[u8])]) -> Result<Vec<u64>> {
        let tx = write_tx(&self.conn)?;
        let seqs = batch
            .iter()
            .map(|(id, kind, bytes)| append_in(&tx, id, kind, bytes))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(seqs)
    }

    /// Loads a document: `None` if it does not exist.
    pub fn load(&self, id: &str) -> Result<Option<Loaded>> {
        // One read transaction so a concurrent compaction cannot be seen half-done.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?;
        let Some(kind) = tx
            .query_row("SELECT kind FROM docs WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
        else {
            return Ok(None);
        };
        let snap: Option<(Vec<u8>, i64)> = tx
            .query_row(
                "SELECT data, upto_seq FROM snapshots WHERE doc_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let upto = snap.as_ref().map_or(0, |(_, u)| *u);
        let mut stmt =
            tx.prepare("SELECT data FROM chunks WHERE doc_id = ?1 AND seq > ?2 ORDER BY seq")?;
        let chunks = stmt
            .query_map(params![id, upto], |r| r.get::<_, Vec<u8>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let last_seq = last_seq(&tx, id)?;
        tx.finish()?;
        Ok(Some(Loaded {
            kind,
            snapshot: snap.as_ref().map(|(d, _)| d.clone()),
            snapshot_upto_seq: u64::try_from(upto)
                .map_err(|_| StoreError::Corrupt("negative sequence number".into()))?,
            chunks,
            last_seq,
        }))
    }

    /// Ids of all documents of `kind`, sorted.
    pub fn list_docs(&self, kind: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM docs WHERE kind = ?1 ORDER BY id")?;
        let ids = stmt
            .query_map([kind], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// Number of chunks stored for `id` (not covered by a snapshot). 0 if unknown.
    pub fn chunk_count(&self, id: &str) -> Result<u64> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM chunks WHERE doc_id = ?1", [id], |r| {
                    r.get(0)
                })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Replaces the document's snapshot with `snapshot` (which must contain everything up
    /// to and including chunk `upto_seq`) and deletes those chunks, in ONE transaction: a
    /// crash leaves either the old state or the new one.
    ///
    /// Refuses an unknown document, `upto_seq` beyond the last chunk, or below the
    /// current snapshot (which would lose content).
    ///
    /// The document's last sequence number is unchanged (the snapshot's `upto_seq` takes
    /// over from the deleted chunks), so a view that was current stays current.
    pub fn compact(&self, id: &str, snapshot: &[u8], upto_seq: u64) -> Result<()> {
        let tx = write_tx(&self.conn)?;
        let exists: Option<i64> = tx
            .query_row("SELECT 1 FROM docs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::InvalidArgument("no such document"));
        }
        if upto_seq > last_seq(&tx, id)? {
            return Err(StoreError::InvalidArgument(
                "compaction past the last chunk",
            ));
        }
        let current: Option<i64> = tx
            .query_row(
                "SELECT upto_seq FROM snapshots WHERE doc_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let upto = to_sql_seq(upto_seq)?;
        if current.is_some_and(|c| upto < c) {
            return Err(StoreError::InvalidArgument(
                "compaction older than the current snapshot",
            ));
        }
        tx.execute(
            "INSERT INTO snapshots(doc_id, data, upto_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT(doc_id) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq",
            params![id, snapshot, upto],
        )?;
        tx.execute(
            "DELETE FROM chunks WHERE doc_id = ?1 AND seq <= ?2",
            params![id, upto],
        )?;
        Ok(tx.commit()?)
    }

    /// Deletes a document with its chunks, snapshot and view. Returns whether it existed.
    pub fn delete_doc(&self, id: &str) -> Result<bool> {
        let tx = write_tx(&self.conn)?;
        tx.execute("DELETE FROM doc_views WHERE doc_id = ?1", [id])?;
        tx.execute("DELETE FROM chunks WHERE doc_id = ?1", [id])?;
        tx.execute("DELETE FROM snapshots WHERE doc_id = ?1", [id])?;
        let n = tx.execute("DELETE FROM docs WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Reads a workspace setting.
    pub fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Writes (or replaces) a workspace setting, durably.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{KdfParams, Store};

    #[test]
    fn an_append_reports_whether_another_writer_came_first() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::create(dir.path(), "pw", KdfParams::fast_for_tests()).unwrap();
        let key = crate::KeyEnvelope::load(dir.path())
            .unwrap()
            .unwrap("pw")
            .unwrap();
        let b = Store::open_with_key(dir.path(), &key).unwrap();
        let base = a.append_chunk("d", "case", b"one").unwrap();
        // Nobody else wrote: the chunk follows the base directly.
        let seqs = a
            .append_chunks(&[("d", "case", b"two"), ("d", "case", b"three")])
            .unwrap();
        assert_eq!(seqs, vec![base + 1, base + 2]);
        // Another connection appends between our read and our write.
        b.append_chunk("d", "case", b"other").unwrap();
        let seqs = a.append_chunks(&[("d", "case", b"four")]).unwrap();
        assert_ne!(
            seqs[0] - 1,
            base + 2,
            "the other writer's chunk is in between"
        );
        assert_eq!(seqs[0], base + 4);
    }
}
