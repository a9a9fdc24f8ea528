//! Opening a SQLCipher connection with the raw data key and the pragmas every connection
//! needs. Kept in one place so no code path can forget `cipher_log_level` or the key.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Result, StoreError};
use crate::keys::DataKey;

/// How long a statement waits for another process (e.g. a `backup` run) to release a lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens `path` and keys it. Does not read or write the file yet: SQLCipher only checks
/// the key at the first page read, which is `verify_readable`'s job.
pub(crate) fn open_keyed(path: &Path, key: &DataKey, create: bool) -> Result<Connection> {
    initialise_sqlcipher()?;
    // No SQLITE_OPEN_URI: a directory name must never be parsed as options.
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // SQLCipher logs to stderr at WARN by default (e.g. "HMAC check failed for pgno=1").
    // This is a process-wide setting; it must come before the key.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    // Drop SQLite's message: a syntax error would quote the offending token (the key).
    conn.execute_batch(&key.key_pragma()).map_err(|e| {
        let code = e
            .sqlite_error_code()
            .unwrap_or(rusqlite::ErrorCode::Unknown);
        StoreError::Database(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: 0,
            },
            Some("could not apply the database key".into()),
        ))
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Runs SQLite's one-time initialisation, SQLCipher's included, before the first open.
///
/// SQLite sets its "initialised" flag before it runs SQLCipher's set-up (the
/// `SQLITE_EXTRA_INIT` hook), so a second thread opening its first connection in that
/// moment goes straight on, and its `PRAGMA key` is refused because SQLCipher is not ready
/// yet. The desktop opens the workspace and a sync session at once, and the tests open
/// many stores in parallel; a `OnceLock` makes every other opener wait until both have
/// finished.
fn initialise_sqlcipher() -> Result<()> {
    static INITIALISED: OnceLock<std::ffi::c_int> = OnceLock::new();
    // SAFETY: `sqlite3_initialize` takes no arguments and is documented as safe to call
    // from any thread, any number of times.
    let rc = *INITIALISED.get_or_init(|| unsafe { rusqlite::ffi::sqlite3_initialize() });
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(StoreError::Database(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rc),
            Some("could not initialise SQLCipher".into()),
        )))
    }
}

/// Proves the key decrypts the file and the b-trees are sound, without writing anything.
/// `quick_check` reads every page in use, so truncation or a damaged page is caught here,
/// at unlock, instead of in the middle of a social worker's edit.
pub(crate) fn verify_readable(conn: &Connection) -> Result<()> {
    let _: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(corrupt_on_open)?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(corrupt_on_open)?;
    if verdict != "ok" {
        return Err(StoreError::Corrupt(
            "the database failed its integrity check".into(),
        ));
    }
    Ok(())
}

/// Full check used on restore: every page's HMAC and the complete b-tree check.
pub(crate) fn verify_thoroughly(conn: &Connection) -> Result<()> {
    verify_readable(conn)?;
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let mut rows = stmt.query([]).map_err(corrupt_on_open)?;
    // SQLCipher returns one row per bad page and no rows when all is well.
    if rows.next().map_err(corrupt_on_open)?.is_some() {
        return Err(StoreError::Corrupt(
            "a database page failed its HMAC check".into(),
        ));
    }
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(corrupt_on_open)?;
    if verdict != "ok" {
        return Err(StoreError::Corrupt(
            "the database failed its integrity check".into(),
        ));
    }
    Ok(())
}

/// While opening, any SQLite error reading the file means we cannot trust it; I/O errors
/// (e.g. a full disk) and lock timeouts keep their own meaning.
fn corrupt_on_open(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(
            DatabaseBusy | DatabaseLocked | SystemIoFailure | DiskFull | CannotOpen | OutOfMemory,
        ) => StoreError::Database(e),
        _ => match StoreError::from(e) {
            StoreError::Database(_) => StoreError::Corrupt("the database cannot be read".into()),
            other => other,
        },
    }
}

/// Settings for a live workspace connection. Runs after `verify_readable` because
/// switching to WAL writes the header.
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt("could not enable WAL mode".into()));
    }
    // FULL: a commit is on disk (WAL fsynced) when `append_chunk` returns.
    // temp_store MEMORY: sorts and temp tables never touch disk, encrypted or not.
    // cache_size: keep up to 64 MiB of decrypted pages, so a caseload read twice (the
    // list, then each case) is decrypted once; a whole demo team of 500 cases fits.
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(())
}
