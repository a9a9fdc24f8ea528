//! The database schema, versioned with `PRAGMA user_version`. Each migration runs in its
//! own transaction together with the version bump, so a crash never leaves a half-migrated
//! file.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: documents as incremental chunks plus one compacted snapshot; workspace settings.
    "CREATE TABLE docs (
        id   TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL
     );
     CREATE INDEX docs_by_kind ON docs(kind);
     CREATE TABLE chunks (
        doc_id TEXT NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
        seq    INTEGER NOT NULL,
        data   BLOB NOT NULL,
        PRIMARY KEY (doc_id, seq)
     );
     CREATE TABLE snapshots (
        doc_id   TEXT PRIMARY KEY NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
        data     BLOB NOT NULL,
        upto_seq INTEGER NOT NULL
     );
     CREATE TABLE meta (
        key   TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL
     );",
    // 2: a derived read model per document (see `views.rs`). `seq` is the document's last
    // sequence number the view was computed at; the view is usable only while it still is.
    "CREATE TABLE doc_views (
        doc_id  TEXT PRIMARY KEY NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        summary BLOB NOT NULL,
        view    BLOB NOT NULL
     );",
];

/// Our tables, each with the schema version that introduced it.
const TABLES: &[(&str, i64)] = &[
    ("docs", 1),
    ("chunks", 1),
    ("snapshots", 1),
    ("meta", 1),
    ("doc_views", 2),
];

/// The schema version this build writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses files from a newer Hearth before anything is written to them.
pub(crate) fn check_not_too_new(conn: &Connection) -> Result<i64> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            supported: LATEST,
        });
    }
    if found < 0 {
        return Err(StoreError::Corrupt("negative schema version".into()));
    }
    Ok(found)
}

/// Brings the schema up to `LATEST`.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let mut current = check_not_too_new(conn)?;
    while current < LATEST {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        current = version(&tx)?;
        if let Some(sql) = usize::try_from(current)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
        {
            tx.execute_batch(sql)?;
            current += 1;
            tx.pragma_update(None, "user_version", current)?;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Checks that a database we did not create (a restored backup) is a Hearth workspace
/// with every table its schema version should have (an older backup is migrated when the
/// restored workspace is opened).
pub(crate) fn check_tables(conn: &Connection) -> Result<()> {
    let found = check_not_too_new(conn)?;
    if found < 1 {
        return Err(StoreError::Corrupt(
            "the database is not a Hearth workspace".into(),
        ));
    }
    for table in TABLES
        .iter()
        .filter(|(_, since)| *since <= found)
        .map(|(name, _)| *name)
    {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if n != 1 {
            return Err(StoreError::Corrupt(
                "the database is not a Hearth workspace".into(),
            ));
        }
    }
    Ok(())
}
