//! Backup and restore of a whole workspace as one encrypted file.

use std::path::Path;

use hearth_store::Store;

use crate::error::{ApiError, Result};
use crate::workspace::Workspace;

impl Workspace {
    /// Writes a consistent encrypted copy to `out` (refuses to overwrite without `force`).
    pub fn backup(&self, out: &Path, force: bool) -> Result<()> {
        Ok(self.store.backup(out, force)?)
    }
}

/// Replaces the workspace in `dir` with the backup in `from`, after checking the backup
/// opens with `passphrase` and passes an integrity check. Nothing changes on failure.
pub fn restore(dir: &Path, from: &Path, passphrase: &str, force: bool) -> Result<()> {
    if !from.exists() {
        return Err(ApiError::Io(format!(
            "no backup file at {}",
            from.display()
        )));
    }
    Ok(Store::restore(dir, from, passphrase, force)?)
}
