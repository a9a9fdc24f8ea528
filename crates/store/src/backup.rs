//! Backup to one file and restore from it.
//!
//! Container format (all integers little-endian):
//! `HEARTHBK` | u32 version (1) | u32 envelope length | key envelope JSON |
//! u64 database length | encrypted SQLCipher database bytes. Nothing follows.
//!
//! The database part is a page copy made with SQLite's online backup API in a single step,
//! i.e. inside one read transaction on the source: consistent even while another process
//! writes (WAL readers see a snapshot). The copy is keyed with the same raw data key, so
//! the backup is exactly as protected as the workspace: the envelope inside it needs the
//! passphrase that was current when the backup was taken.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use crate::connection::{open_keyed, verify_thoroughly};
use crate::error::{IoContext, Result, StoreError};
use crate::keys::{DataKey, KeyEnvelope, random_bytes};
use crate::store::Store;
use crate::{fsutil, hex, layout, schema};

const MAGIC: &[u8; 8] = b"HEARTHBK";
const VERSION: u32 = 1;
/// An envelope is a few hundred bytes; anything huge is not ours.
const MAX_ENVELOPE_LEN: usize = 64 * 1024;
/// Unencrypted SQLite files start with this; an encrypted one must not.
const SQLITE_PLAIN_HEADER: &[u8] = b"SQLite format 3\0";

/// Removes temporary files on every exit path, success included (by then they are gone
/// or renamed, and removing a missing file is a no-op).
struct TempFiles(Vec<PathBuf>);

impl TempFiles {
    /// A database path plus the companions SQLite may create next to it.
    fn db(path: &Path) -> Vec<PathBuf> {
        ["", "-journal", "-wal", "-shm"]
            .iter()
            .map(|suffix| {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                PathBuf::from(p)
            })
            .collect()
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

impl Store {
    /// Writes a consistent encrypted copy of the workspace to `out` as one file. Refuses
    /// with `OutputExists` if `out` exists, unless `force`. On failure no partial `out`
    /// is left (written to a temporary file next to it, fsynced, then renamed).
    pub fn backup(&self, out: &Path, force: bool) -> Result<()> {
        if out.exists() && !force {
            return Err(StoreError::OutputExists);
        }
        let parent = fsutil::parent_of(out);
        let mut tag = [0u8; 8];
        random_bytes(&mut tag)?;
        let tag = hex::encode(&tag);
        let tmp_db = parent.join(format!(".hearth-backup-{tag}.db"));
        let tmp_out = parent.join(format!(".hearth-backup-{tag}.tmp"));
        let mut cleanup = TempFiles(TempFiles::db(&tmp_db));
        cleanup.0.push(tmp_out.clone());

        copy_database(&self.conn, &self.key, &tmp_db)?;
        let db_bytes = fs::read(&tmp_db).ctx("reading the database copy")?;
        if db_bytes.starts_with(SQLITE_PLAIN_HEADER) {
            // Never expected; refuse rather than write plaintext.
            return Err(StoreError::Corrupt(
                "the database copy is not encrypted".into(),
            ));
        }
        let envelope = KeyEnvelope::load(&self.dir)?;
        let container = encode_container(&envelope.to_json(), &db_bytes)?;
        fsutil::write_synced(&tmp_out, &container)?;
        if out.exists() && !force {
            return Err(StoreError::OutputExists);
        }
        fs::rename(&tmp_out, out).ctx("renaming the backup into place")?;
        fsutil::sync_dir(parent)
    }

    /// Replaces (or creates) the workspace in `dir` with the backup `from`.
    ///
    /// Everything is checked before anything in `dir` is replaced: the container parses,
    /// `passphrase` unwraps its key (`WrongPassphrase` otherwise), the database copy
    /// decrypts and passes `cipher_integrity_check` and `integrity_check` and has our
    /// schema. Then `hearth.db` and `key.json` are swapped in; a crash during the swap is
    /// completed by the next `open`. Refuses with `AlreadyExists` if `dir` holds a
    /// workspace, unless `force`. Every `Store` on `dir` must be closed first.
    pub fn restore(dir: &Path, from: &Path, passphrase: &str, force: bool) -> Result<()> {
        if Store::exists(dir) && !force {
            return Err(StoreError::AlreadyExists);
        }
        let bytes = fs::read(from).ctx("reading the backup file")?;
        let (envelope_json, db_bytes) = decode_container(&bytes)?;
        let envelope = KeyEnvelope::from_json(envelope_json)?;
        let key = envelope.unwrap(passphrase)?;

        fs::create_dir_all(dir).ctx("creating the workspace directory")?;
        recover_interrupted_restore(dir)?;
        let staged_db = dir.join(layout::STAGED_DB);
        let cleanup = TempFiles(TempFiles::db(&staged_db));
        drop(TempFiles(TempFiles::db(&staged_db))); // stale leftovers of an earlier attempt
        fsutil::write_synced(&staged_db, db_bytes)?;
        check_staged(&staged_db, &key)?;
        // Commit point: once the staged envelope exists, the restore will be completed.
        envelope.write_atomic(&dir.join(layout::STAGED_KEY))?;
        // Keep the staged db (it is about to be renamed); drop only its companions.
        let mut companions = cleanup;
        companions.0.retain(|p| p != &staged_db);
        drop(companions);
        finish_restore(dir)
    }
}

/// Copies `src` into a new SQLCipher file at `dest` keyed with `key`, in one backup step.
fn copy_database(src: &Connection, key: &DataKey, dest: &Path) -> Result<()> {
    let mut dst = open_keyed(dest, key, true)?;
    {
        let backup = Backup::new(src, &mut dst)?;
        let mut attempts = 0;
        loop {
            // -1: all pages in one step, so the source is read in a single transaction.
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    attempts += 1;
                    if attempts > 100 {
                        return Err(StoreError::Database(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the workspace stayed locked during backup".into()),
                        )));
                    }
                    thread::sleep(Duration::from_millis(50));
                }
                _ => {}
            }
        }
    }
    dst.close().map_err(|(_, e)| StoreError::from(e))?;
    fsutil::sync_dir(fsutil::parent_of(dest))
}

/// Opens a staged restore copy and checks it thoroughly, then closes it.
fn check_staged(path: &Path, key: &DataKey) -> Result<()> {
    let conn = open_keyed(path, key, false)?;
    verify_thoroughly(&conn)?;
    schema::check_not_too_new(&conn)?;
    schema::check_tables(&conn)?;
    conn.close().map_err(|(_, e)| StoreError::from(e))
}

/// Swaps a staged restore into place. Idempotent, so it can be re-run after a crash.
fn finish_restore(dir: &Path) -> Result<()> {
    // Stale WAL frames of the old database would be replayed into the new one.
    fsutil::remove_if_exists(&dir.join(layout::DB_WAL))?;
    fsutil::remove_if_exists(&dir.join(layout::DB_SHM))?;
    let staged_db = dir.join(layout::STAGED_DB);
    if staged_db.exists() {
        fs::rename(&staged_db, dir.join(layout::DB_FILE)).ctx("moving the restored database")?;
    }
    fs::rename(dir.join(layout::STAGED_KEY), dir.join(layout::KEY_FILE))
        .ctx("moving the restored key envelope")?;
    fsutil::sync_dir(dir)
}

/// Completes a restore that passed its commit point before a crash, or discards one that
/// did not. Does nothing (touches nothing) in the normal case.
pub(crate) fn recover_interrupted_restore(dir: &Path) -> Result<()> {
    if dir.join(layout::STAGED_KEY).exists() {
        return finish_restore(dir);
    }
    let staged_db = dir.join(layout::STAGED_DB);
    if staged_db.exists() {
        drop(TempFiles(TempFiles::db(&staged_db)));
        fsutil::sync_dir(dir)?;
    }
    Ok(())
}

fn encode_container(envelope: &[u8], db: &[u8]) -> Result<Vec<u8>> {
    let env_len = u32::try_from(envelope.len())
        .map_err(|_| StoreError::InvalidArgument("key envelope too large"))?;
    let mut out = Vec::with_capacity(8 + 4 + 4 + envelope.len() + 8 + db.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&env_len.to_le_bytes());
    out.extend_from_slice(envelope);
    out.extend_from_slice(&(db.len() as u64).to_le_bytes());
    out.extend_from_slice(db);
    Ok(out)
}

/// Splits a container into (envelope JSON, database bytes); any malformation is `Corrupt`.
fn decode_container(bytes: &[u8]) -> Result<(&[u8], &[u8])> {
    let bad = |what: &str| StoreError::Corrupt(format!("backup file: {what}"));
    let mut rest = bytes;
    let mut take = |n: usize| -> Result<&[u8]> {
        if rest.len() < n {
            return Err(bad("truncated"));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    if take(MAGIC.len())? != MAGIC {
        return Err(bad("not a Hearth backup"));
    }
    let version = u32::from_le_bytes(take(4)?.try_into().map_err(|_| bad("truncated"))?);
    if version != VERSION {
        return Err(bad("unsupported version"));
    }
    let env_len = u32::from_le_bytes(take(4)?.try_into().map_err(|_| bad("truncated"))?);
    let env_len = usize::try_from(env_len).map_err(|_| bad("bad envelope length"))?;
    if env_len > MAX_ENVELOPE_LEN {
        return Err(bad("bad envelope length"));
    }
    let envelope = take(env_len)?;
    let db_len = u64::from_le_bytes(take(8)?.try_into().map_err(|_| bad("truncated"))?);
    let db_len = usize::try_from(db_len).map_err(|_| bad("bad database length"))?;
    let db = take(db_len)?;
    if !rest.is_empty() {
        return Err(bad("trailing bytes"));
    }
    if db.starts_with(SQLITE_PLAIN_HEADER) {
        return Err(bad("the database copy is not encrypted"));
    }
    Ok((envelope, db))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KdfParams;
    use rusqlite::TransactionBehavior;

    #[test]
    fn container_round_trip_and_truncation() -> Result<()> {
        let c = encode_container(b"{}", b"dbdbdb")?;
        assert_eq!(decode_container(&c)?, (&b"{}"[..], &b"dbdbdb"[..]));
        for cut in 0..c.len() {
            assert!(matches!(
                decode_container(&c[..cut]),
                Err(StoreError::Corrupt(_))
            ));
        }
        Ok(())
    }

    #[test]
    fn interrupted_restore_is_completed_or_discarded_by_open() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| StoreError::Io {
            op: "tempdir",
            source: e,
        })?;
        let src = tmp.path().join("src");
        let store = Store::create(&src, "new", KdfParams::fast_for_tests())?;
        store.append_chunk("d", "case", b"restored")?;
        drop(store);

        let dir = tmp.path().join("ws");
        let old = Store::create(&dir, "old", KdfParams::fast_for_tests())?;
        old.append_chunk("d", "case", b"old")?;
        drop(old);

        // Crash after staging the db but before the commit point: discarded.
        fs::copy(src.join(layout::DB_FILE), dir.join(layout::STAGED_DB)).map_err(|e| {
            StoreError::Io {
                op: "copy",
                source: e,
            }
        })?;
        let s = Store::open(&dir, "old")?;
        assert!(!dir.join(layout::STAGED_DB).exists());
        assert_eq!(s.load("d")?.map(|l| l.concat()), Some(b"old".to_vec()));
        drop(s);

        // Crash after the commit point, before any rename: completed.
        fs::copy(src.join(layout::DB_FILE), dir.join(layout::STAGED_DB)).map_err(|e| {
            StoreError::Io {
                op: "copy",
                source: e,
            }
        })?;
        fs::copy(src.join(layout::KEY_FILE), dir.join(layout::STAGED_KEY)).map_err(|e| {
            StoreError::Io {
                op: "copy",
                source: e,
            }
        })?;
        assert!(Store::exists(&dir));
        let s = Store::open(&dir, "new")?;
        assert!(!dir.join(layout::STAGED_KEY).exists());
        assert_eq!(s.load("d")?.map(|l| l.concat()), Some(b"restored".to_vec()));
        Ok(())
    }

    /// A second connection holds an open write transaction with uncommitted changes; the
    /// backup must neither block nor include them.
    #[test]
    fn backup_during_open_write_transaction() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| StoreError::Io {
            op: "tempdir",
            source: e,
        })?;
        let dir = tmp.path().join("ws");
        let store = Store::create(&dir, "pw", KdfParams::fast_for_tests())?;
        store.append_chunk("d1", "case", b"committed")?;

        let other = Store::open(&dir, "pw")?;
        let tx = rusqlite::Transaction::new_unchecked(&other.conn, TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO chunks(doc_id, seq, data) VALUES ('d1', 99, x'00')",
            [],
        )?;

        let out = tmp.path().join("b.hearthbk");
        store.backup(&out, false)?;
        drop(tx);

        let restored = tmp.path().join("restored");
        Store::restore(&restored, &out, "pw", false)?;
        let r = Store::open(&restored, "pw")?;
        let loaded = r.load("d1")?.ok_or(StoreError::NotFound)?;
        assert_eq!(loaded.chunks, vec![b"committed".to_vec()]);
        Ok(())
    }
}
