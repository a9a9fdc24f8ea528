//! `Store`: an unlocked workspace directory (`hearth.db` + `key.json`).

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::connection::{configure, open_keyed, verify_readable};
use crate::error::{IoContext, Result, StoreError};
use crate::keys::{DataKey, KdfParams, KeyEnvelope};
use crate::{fsutil, layout, schema};

/// An open, unlocked workspace. Holds one SQLCipher connection; `Send` but not `Sync`
/// (wrap it in a `Mutex` to share between threads). Other processes may open the same
/// directory at the same time (SQLite locking, WAL, 5 s busy timeout).
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) dir: PathBuf,
    pub(crate) key: DataKey,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(..)")
    }
}

impl Store {
    /// Whether `dir` holds a workspace (or the remains of one): when true, `create`
    /// refuses and `open` is the right call.
    pub fn exists(dir: &Path) -> bool {
        layout::any_workspace_file(dir)
    }

    /// Creates a new workspace in `dir` (created if missing) with a fresh random data key
    /// wrapped under `passphrase`. Refuses with `AlreadyExists` if any workspace file is
    /// there.
    pub fn create(dir: &Path, passphrase: &str, params: KdfParams) -> Result<Store> {
        fs::create_dir_all(dir).ctx("creating the workspace directory")?;
        if Self::exists(dir) {
            return Err(StoreError::AlreadyExists);
        }
        let key = DataKey::generate()?;
        let envelope = KeyEnvelope::wrap(&key, passphrase, params)?;
        let db = dir.join(layout::DB_FILE);
        // The envelope goes last, so a crash never leaves a key.json without its database.
        let conn = Self::init_database(&db, &key)
            .and_then(|conn| {
                envelope.write_atomic(&dir.join(layout::KEY_FILE))?;
                fsutil::sync_dir(dir)?;
                Ok(conn)
            })
            .inspect_err(|_| {
                // We checked nothing was there, so everything named hearth.db* is ours.
                // (A crash instead of an error leaves an empty, keyless database, which
                // `exists` reports so nothing overwrites it silently.)
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut p = db.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = fs::remove_file(PathBuf::from(p));
                }
            })?;
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
            key,
        })
    }

    fn init_database(db: &Path, key: &DataKey) -> Result<Connection> {
        let mut conn = open_keyed(db, key, true)?;
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        Ok(conn)
    }

    /// Unlocks the workspace in `dir`: `KeyEnvelope::load`, `KeyEnvelope::unwrap` (the slow
    /// Argon2id step) and `Store::open_with_key`.
    ///
    /// Errors: `NotFound`, `WrongPassphrase` (nothing on disk touched), `Corrupt`
    /// (envelope unparseable, or the database does not decrypt or fails its quick check;
    /// the file is left as it was), `TooNew`.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Store> {
        crate::backup::recover_interrupted_restore(dir)?;
        let envelope = match KeyEnvelope::load(dir) {
            Err(StoreError::NotFound) if dir.join(layout::DB_FILE).exists() => {
                return Err(StoreError::Corrupt(
                    "the key envelope (key.json) is missing".into(),
                ));
            }
            other => other?,
        };
        let key = envelope.unwrap(passphrase)?;
        Self::open_with_key(dir, &key)
    }

    /// Opens the database with an already unwrapped data key (no KDF). Verifies the key
    /// and runs `PRAGMA quick_check` before anything is written, then enables WAL and
    /// brings the schema up to date.
    pub fn open_with_key(dir: &Path, key: &DataKey) -> Result<Store> {
        let db = dir.join(layout::DB_FILE);
        if !db.exists() {
            return Err(if dir.join(layout::KEY_FILE).exists() {
                StoreError::Corrupt("the database file (hearth.db) is missing".into())
            } else {
                StoreError::NotFound
            });
        }
        let mut conn = open_keyed(&db, key, false)?;
        verify_readable(&conn)?;
        // `create` always leaves version >= 1. Version 0 means an empty or foreign file,
        // which SQLite would happily initialise: refuse before anything is written.
        if schema::check_not_too_new(&conn)? == 0 {
            return Err(StoreError::Corrupt(
                "the database is not a Hearth workspace".into(),
            ));
        }
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
            key: key.clone(),
        })
    }

    /// Re-wraps the same data key under `new` (no re-encryption of the database). `old`
    /// must unwrap the envelope currently on disk, else `WrongPassphrase` and no change.
    pub fn change_passphrase(&self, old: &str, new: &str, params: KdfParams) -> Result<()> {
        let current = KeyEnvelope::load(&self.dir)?;
        let key = current.unwrap(old)?;
        if !key.same_as(&self.key) {
            return Err(StoreError::Corrupt(
                "key.json does not belong to this database".into(),
            ));
        }
        KeyEnvelope::wrap(&key, new, params)?.write_atomic(&self.dir.join(layout::KEY_FILE))
    }

    /// The workspace directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn)
    }
}
