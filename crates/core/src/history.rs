//! Change history ("who changed it, when"), read from a document's own change
//! metadata: every commit carries an action name as its message and a time in ms
//! (see `CaseDoc::commit`), and its actor id starts with the 16 bytes of the writing
//! device. The team document's `devices` map links a device to a member, so each
//! change maps back to a member of the roster; a device the roster does not know gives
//! no member ("unknown device").
//!
//! [`record_history`] keeps the changes that touched one record (a person, meeting,
//! rating, plan, review, supervision record, ... named by its id): a change touches a
//! record when one of the patches it makes (Automerge's diff from the change's
//! dependencies to the change) puts, deletes or edits the map entry keyed by the
//! record's id or anything inside it. That diff scans the document once per change,
//! so it is meant for one record at a time, not for lists.

use automerge::{AutoCommit, ChangeHash, Patch, PatchAction, Prop};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::MemberId;
use crate::case::CaseDoc;
use crate::team::{DeviceId, TeamView};

/// One change of a document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The time the writing device gave the change.
    pub at: DateTime<Utc>,
    /// The action name (e.g. `meeting.add`), never case content.
    pub action: String,
    /// The member whose device wrote it; `None` for a device the roster does not know.
    pub member: Option<MemberId>,
    pub member_name: Option<String>,
    /// The device's id (32 hex digits), or the whole actor id when it is too short to
    /// hold one.
    pub device: String,
}

/// Every change of `doc`, oldest first: by time, and changes with the same time in
/// the document's causal order.
pub fn history(doc: &mut AutoCommit, team: &TeamView) -> Vec<HistoryEntry> {
    let mut out = history_unsorted(doc, team);
    // Stable: equal times keep the causal order `get_changes_meta` gives.
    out.sort_by_key(|e| e.at);
    out
}

/// Every change in the document's causal order.
fn history_unsorted(doc: &mut AutoCommit, team: &TeamView) -> Vec<HistoryEntry> {
    doc.get_changes_meta(&[])
        .into_iter()
        .map(|c| {
            let member = team.member_of_actor(&c.actor);
            HistoryEntry {
                at: DateTime::from_timestamp_millis(c.timestamp).unwrap_or_default(),
                action: c.message.as_deref().unwrap_or("").to_string(),
                member: member.map(|m| m.id.clone()),
                member_name: member.map(|m| m.name.clone()),
                device: DeviceId::of_actor(&c.actor)
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_else(|| c.actor.to_hex_string()),
            }
        })
        .collect()
}

/// The changes of `doc` that touched the record with id `record`, oldest first.
pub fn record_history(doc: &mut AutoCommit, team: &TeamView, record: &str) -> Vec<HistoryEntry> {
    let record = record.trim();
    let changes: Vec<(ChangeHash, Vec<ChangeHash>)> = doc
        .get_changes_meta(&[])
        .into_iter()
        .map(|c| (c.hash, c.deps))
        .collect();
    let touched: std::collections::HashSet<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, (hash, deps))| doc.diff(deps, &[*hash]).iter().any(|p| touches(p, record)))
        .map(|(i, _)| i)
        .collect();
    let mut all: Vec<(usize, HistoryEntry)> = history_unsorted(doc, team)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| touched.contains(i))
        .collect();
    all.sort_by_key(|(_, e)| e.at);
    all.into_iter().map(|(_, e)| e).collect()
}

fn touches(patch: &Patch, record: &str) -> bool {
    let is = |p: &Prop| matches!(p, Prop::Map(k) if k == record);
    if patch.path.iter().any(|(_, p)| is(p)) {
        return true;
    }
    match &patch.action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => key == record,
        PatchAction::Increment { prop, .. } => is(prop),
        _ => false,
    }
}

impl CaseDoc {
    /// The case's change history (see [`history`]).
    pub fn history(&mut self, team: &TeamView) -> Vec<HistoryEntry> {
        history(&mut self.doc, team)
    }

    /// The changes that touched one record of the case (see [`record_history`]).
    pub fn record_history(&mut self, team: &TeamView, record: &str) -> Vec<HistoryEntry> {
        record_history(&mut self.doc, team, record)
    }
}
