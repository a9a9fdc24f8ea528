//! Family Safeguarding casework (seed 003): the workbook, case supervision records,
//! stages of change, the chronology, the consent register and plans, kept in the case
//! document beside people, meetings and ratings.
//!
//! Schema additions (each top-level map is created on first write: older documents
//! lack them and read as empty):
//! ```text
//! { workbook: { entries: { <entry-id>: { section, author, role, date: "YYYY-MM-DD", kind,
//!                                        about: [person-id], text: text, added_at: ms,
//!                                        signoffs: [sign-off] } },
//!               signoffs: [sign-off] },
//!   supervisions: { <supervision-id>: { date, chair, attended: [member-id],
//!                                       sent_summary: [member-id],
//!                                       progress: { <member-id>: text },
//!                                       cycle_of_change: text, child_views: text,
//!                                       parent_views: text, impact: text, plan: text,
//!                                       decisions: [ { decision: text, reason: text } ],
//!                                       rag?, added_by, added_at,
//!                                       signoffs: [sign-off],
//!                                       amendments: [ { by, at: ms, reason } ] } },
//!   stages: { <stage-entry-id>: { person, problem, stage, date, quote?, by, added_at } },
//!   chronology: { <event-id>: { date, what: text, source?, impact: text, by, added_at } },
//!   consent: { <consent-id>: { kind: "status" | "shared-without-consent", person, purpose,
//!                              status?: given|refused|withdrawn, basis?: text, date,
//!                              by, added_at } },
//!   plans: { <plan-id>: { date, review_date, child_views: text,
//!                         goals: [ { goal: text, actions: [str], who_helps: text,
//!                                    success: text } ],
//!                         risks: [ { risk: text, managed: text } ], by, added_at,
//!                         reviews: { <review-id>: { date, attended_people: [person-id],
//!                                                   attended_members: [member-id],
//!                                                   progress: [ { goal: int (1 = first),
//!                                                                 progress: text } ],
//!                                                   changes: text, next_review,
//!                                                   by, added_at } } } } }
//!   closures: { <episode-id>: { decision?: { date, reason: text, by, added_at },
//!                               summary?: { reason: text, what_changed: text,
//!                                           goals_achieved: text,
//!                                           goal_refs: [ { plan: plan-id, goal: int } ],
//!                                           sustainability_plan: text, signposting: text,
//!                                           child_views: text, family_views: text,
//!                                           outcomes: JSON, outcomes_at: ms, by, added_at,
//!                                           edited_by?, edited_at?,
//!                                           signoffs: [sign-off] },
//!                               letters?: { family?: text,
//!                                           children: { <person-id>: text },
//!                                           by, saved_at } } }
//! (see `closure.rs`; signing the summary closes the episode in the same commit)
//! sign-off = { by: member-id, role, at: ms, hash: hex SHA-256, content: canonical JSON }
//! ```
//! Who may do what is decided in [`crate::permissions`]; every edit asks it first,
//! then validates everything, then writes and commits once with an action name.
//! A finalised record keeps the signed content as a scalar beside its sign-off, so a
//! later change (made here or merged in from another copy) shows as "amended after
//! sign-off" with what changed, and the signed version stays readable.

/// A closed list with a kebab-case spelling: the same macro as `crate::vocabulary`,
/// under the name the casework modules use.
macro_rules! closed_list {
    ($($list:tt)*) => {
        crate::vocabulary::vocabulary!($($list)*);
    };
}

mod chronology;
mod closure;
mod consent;
mod plans;
mod signoff;
mod stages;
mod supervision;
mod workbook;

pub use chronology::{ChronologyEvent, ChronologySource, NewChronologyEvent};
pub use closure::{
    AchievedGoal, ChangeWord, ChildLetter, ClosingSummaryFields, ClosingSummaryView,
    ClosureDecision, ClosureLetters, ClosureMilestones, ClosureView, GoalRef, LetterRecipient,
    LetterSender, OutcomeLine, SavedLetters, closure_letters,
};
pub use consent::{
    ConsentRecord, ConsentRegister, ConsentStatus, CurrentConsent, NewConsent,
    NewShareWithoutConsent, SharedWithoutConsent, purpose_key,
};
pub use plans::{Goal, GoalProgress, PlanFields, PlanReviewView, PlanView, ReviewFields, Risk};
pub use signoff::{SignOff, SignOffStatus, canonical, sha256_hex};
pub use stages::{NewStage, ProblemArea, Stage, StageEntry, StageSeries};
pub use supervision::{Amendment, Decision, Rag, SupervisionFields, SupervisionView};
pub use workbook::{EntryKind, EntryView, NewEntry, SectionView, WorkbookSection, WorkbookView};

use automerge::hydrate::{Map, Value};
use automerge::{ObjId, ObjType, ROOT, ReadDoc, transaction::Transactable};

use crate::CoreError;
use crate::case::CaseDoc;
use crate::doc_access::obj_at;

impl CaseDoc {
    /// The top-level map `key`, hydrated, or `None` when this document has none yet.
    pub(crate) fn hydrate_optional(&self, key: &str) -> Result<Option<Map>, CoreError> {
        let Some(obj) = obj_at(&self.doc, &ROOT, key) else {
            return Ok(None);
        };
        match self.doc.hydrate(&obj, None)? {
            Value::Map(m) => Ok(Some(m)),
            _ => Err(CoreError::Document(format!("{key} is not a map"))),
        }
    }

    /// The map under `key` in `parent`, created on first write.
    pub(crate) fn map_or_create(&mut self, parent: &ObjId, key: &str) -> Result<ObjId, CoreError> {
        match obj_at(&self.doc, parent, key) {
            Some(o) => Ok(o),
            None => Ok(self.doc.put_object(parent, key, ObjType::Map)?),
        }
    }
}

/// Trims a narrative and refuses it empty.
pub(crate) fn required_narrative(what: &str, text: &str) -> Result<String, CoreError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CoreError::Invalid(format!("the {what} is empty")));
    }
    Ok(t.to_string())
}
