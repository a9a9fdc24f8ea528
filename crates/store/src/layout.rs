//! File names inside a workspace directory. None of them carries personal data.

use std::path::Path;

/// The SQLCipher database.
pub(crate) const DB_FILE: &str = "hearth.db";
/// The key envelope.
pub(crate) const KEY_FILE: &str = "key.json";
/// SQLite's WAL companions of `DB_FILE`.
pub(crate) const DB_WAL: &str = "hearth.db-wal";
pub(crate) const DB_SHM: &str = "hearth.db-shm";
/// A restore in progress: the verified database copy waiting to be renamed into place.
pub(crate) const STAGED_DB: &str = "hearth.db.restoring";
/// A restore in progress: its envelope. Its presence is the restore's commit point.
pub(crate) const STAGED_KEY: &str = "key.json.restoring";

/// Whether `dir` holds (part of) a workspace. Anything that `create` would clobber counts.
pub(crate) fn any_workspace_file(dir: &Path) -> bool {
    [DB_FILE, KEY_FILE, STAGED_KEY]
        .iter()
        .any(|name| dir.join(name).exists())
}
