//! A case's change history: who changed it (member, through the roster's devices),
//! when, and with which action (see `hearth_core::history`).

use hearth_core::CaseId;
use hearth_core::history::HistoryEntry;

use crate::error::Result;
use crate::workspace::Workspace;

impl Workspace {
    /// Every change of the case, oldest first; with `record` (the id of a person,
    /// meeting, rating, plan, review, supervision record, ...), only the changes that
    /// touched that record.
    pub fn history(&self, case: &str, record: Option<&str>) -> Result<Vec<HistoryEntry>> {
        let case: CaseId = case.parse()?;
        let team = self.team.view()?;
        let (mut doc, _) = self.load_case(&case)?;
        Ok(match record {
            Some(r) => doc.record_history(&team, r),
            None => doc.history(&team),
        })
    }
}
