//! The one error type of hearth-store.
//!
//! Messages never contain document content, passphrases, keys or paths (a path can hold a
//! person's name), so they are safe to show and to log.

use std::io;

use rusqlite::ErrorCode;
use thiserror::Error;

/// Everything that can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The passphrase does not unwrap the data key (AEAD tag failure).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The directory holds no workspace.
    #[error("no workspace in this directory")]
    NotFound,
    /// `create` or `restore` (without `force`) found an existing workspace.
    #[error("a workspace already exists in this directory")]
    AlreadyExists,
    /// `backup` (without `force`) found an existing output file.
    #[error("the backup file already exists")]
    OutputExists,
    /// The key envelope, database or backup file is damaged, truncated or not ours.
    #[error("workspace data is damaged or unreadable: {0}")]
    Corrupt(String),
    /// The database schema is newer than this build understands.
    #[error(
        "the workspace was written by a newer version of Hearth \
         (schema {found}, this version supports up to {supported})"
    )]
    TooNew { found: i64, supported: i64 },
    /// A caller passed a value the store refuses (e.g. compacting past the last chunk).
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// Argon2 parameters out of the accepted range.
    #[error("invalid key-derivation parameters: {0}")]
    InvalidKdfParams(&'static str),
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Rng,
    /// A file-system operation failed; `op` says which (never a path).
    #[error("i/o error while {op}: {source}")]
    Io {
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// Any other SQLite error (messages name tables/columns, never values).
    #[error("database error: {0}")]
    Database(#[source] rusqlite::Error),
}

/// Result alias of hearth-store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            // With SQLCipher a page that fails its HMAC or cannot be decrypted shows up as
            // NOTADB (page 1) or CORRUPT (any other page).
            Some(ErrorCode::NotADatabase) => StoreError::Corrupt(
                "the database cannot be decrypted with its key (damaged or not a Hearth file)"
                    .into(),
            ),
            Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt("the database failed an integrity check".into())
            }
            _ => StoreError::Database(e),
        }
    }
}

/// Attaches an operation name to an `io::Error`.
pub(crate) trait IoContext<T> {
    fn ctx(self, op: &'static str) -> Result<T>;
}

impl<T> IoContext<T> for std::result::Result<T, io::Error> {
    fn ctx(self, op: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Io { op, source })
    }
}
