//! One Automerge document per case: the family's record across episodes.
//!
//! Schema (version 1), all keyed by random ids so concurrent additions on two devices
//! merge without conflict:
//! ```text
//! { kind: "case", schema: 1, id, allocated_to: member-id, created_at: ms,
//!   family:   { name, reference },
//!   people:   { <person-id>: { name, born?: "YYYY-MM-DD", role, party, added_at } },
//!   episodes: { <episode-id>: { status, referred, opened?, closed?, closing_reason: text } },
//!   meetings: { <meeting-id>: { episode, date, kind, present: [person-id], notes: text, added_at } },
//!   ratings:  { <rating-id>: { meeting, measure, subject, rater, mode, added_at, added_by,
//!                              not_given?: reason,
//!                              versions: [ { items: [tenths], reason?, at, by } ] } } }
//! ```
//! Reading goes through [`CaseView`]; writing through the methods in `edit.rs`, each of
//! which validates everything first and then commits one change (with the time passed
//! in and an action name as message, never case content).

mod edit;
mod outcomes;
mod view;

pub(crate) use edit::required_text;
pub use edit::{NewMeeting, NewPerson, NewRating, RatingGiven};
pub use view::{
    CaseSummary, CaseView, Episode, EpisodeStatus, Family, Meeting, Person, Rating, RatingVersion,
};

use automerge::{ActorId, AutoCommit, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};

use crate::doc_access::{int_at, str_at};
use crate::{CaseId, CoreError, EpisodeId, MemberId};

pub const CASE_SCHEMA: i64 = 1;

/// A case document, held in memory while it is read or edited.
pub struct CaseDoc {
    pub(crate) doc: AutoCommit,
    /// The heads the store already holds: `save_incremental` writes only what came after.
    saved: Vec<automerge::ChangeHash>,
}

/// What a new case needs.
pub struct NewCase {
    pub id: CaseId,
    pub first_episode: EpisodeId,
    pub family_name: String,
    pub reference: Option<String>,
    pub allocated_to: MemberId,
}

impl CaseDoc {
    /// A new case with its first episode open from `today`.
    pub fn create(
        new: NewCase,
        actor: &ActorId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CaseDoc, CoreError> {
        let family_name = edit::required_text("family name", &new.family_name)?;
        let reference = new
            .reference
            .as_deref()
            .map(|r| edit::required_text("reference", r))
            .transpose()?;
        let mut doc = AutoCommit::new().with_actor(actor.clone());
        doc.put(ROOT, "kind", "case")?;
        doc.put(ROOT, "schema", CASE_SCHEMA)?;
        doc.put(ROOT, "id", new.id.as_str())?;
        doc.put(ROOT, "allocated_to", new.allocated_to.as_str())?;
        doc.put(ROOT, "created_at", now.timestamp_millis())?;
        let family = doc.put_object(ROOT, "family", automerge::ObjType::Map)?;
        doc.put(&family, "name", family_name.as_str())?;
        doc.put(&family, "reference", reference.unwrap_or_default().as_str())?;
        for key in ["people", "episodes", "meetings", "ratings"] {
            doc.put_object(ROOT, key, automerge::ObjType::Map)?;
        }
        let mut case = CaseDoc {
            doc,
            saved: Vec::new(),
        };
        case.write_episode_opened(&new.first_episode, today, now)?;
        case.commit("case.create", now);
        Ok(case)
    }

    /// Loads a case from a saved snapshot and/or incremental chunks, in order.
    pub fn load<'a>(
        chunks: impl IntoIterator<Item = &'a [u8]>,
        actor: &ActorId,
    ) -> Result<CaseDoc, CoreError> {
        // One load of the concatenated snapshot and chunks: applying chunks one by one
        // rebuilds the document's indexes for each and is several times slower.
        let bytes: Vec<u8> = chunks.into_iter().flatten().copied().collect();
        let doc = AutoCommit::load(&bytes)?.with_actor(actor.clone());
        let mut case = CaseDoc {
            doc,
            saved: Vec::new(),
        };
        case.saved = case.doc.get_heads();
        if str_at(&case.doc, &ROOT, "kind").as_deref() != Some("case") {
            return Err(CoreError::Document("not a case document".into()));
        }
        match int_at(&case.doc, &ROOT, "schema") {
            Some(v) if v <= CASE_SCHEMA => Ok(case),
            Some(v) => Err(CoreError::Document(format!(
                "case written by a newer Hearth (schema {v}); update this device"
            ))),
            None => Err(CoreError::Document("case without a schema version".into())),
        }
    }

    pub fn id(&self) -> Result<CaseId, CoreError> {
        str_at(&self.doc, &ROOT, "id")
            .ok_or_else(|| CoreError::Document("case without an id".into()))?
            .parse()
    }

    /// Bytes of the changes made since the last save: what the store appends.
    ///
    /// Automerge's own `save_incremental` counts nothing as saved after a `load`, so it
    /// would write the whole history again; this writes only the changes made since
    /// the document was loaded or last saved.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved);
        self.saved = self.doc.get_heads();
        bytes
    }

    /// The whole document, compacted: what the store keeps as a snapshot.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// Merges another copy of the same case (from another device or process).
    pub fn merge(&mut self, other: &mut CaseDoc) -> Result<(), CoreError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// A second in-memory copy (for tests and for a device's view of a peer's copy).
    pub fn fork(&mut self, actor: &ActorId) -> CaseDoc {
        let mut doc = self.doc.fork().with_actor(actor.clone());
        let saved = doc.get_heads();
        CaseDoc { doc, saved }
    }

    /// The underlying document, for sync and history.
    pub fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub(crate) fn commit(&mut self, action: &str, now: DateTime<Utc>) {
        self.doc.commit_with(
            automerge::transaction::CommitOptions::default()
                .with_message(action)
                .with_time(now.timestamp_millis()),
        );
    }
}
