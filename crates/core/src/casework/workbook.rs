//! The Family Safeguarding workbook (seed 003, FS:155-182): ten sections in a fixed
//! order, each holding attributed entries written by the team's practitioners. The
//! social worker, as "reflective author", finalises the workbook: that sign-off is
//! the parenting assessment produced from it.
//!
//! Rules:
//! - any practitioner writes an entry, in any section (the seed gives no mapping of
//!   section to discipline, so "their own area" is their own entries: each entry
//!   carries its author and the author's discipline at the time, and only the author
//!   edits or finalises it);
//! - a finalised entry is never edited (refused: write a new entry instead); a change
//!   merged in from another copy shows as amended after sign-off, and its author may
//!   finalise it again;
//! - the workbook is finalised only when every entry is finalised; entries written
//!   afterwards show the workbook as amended after sign-off (naming them) until a
//!   social worker finalises it again; earlier sign-offs stay in its history.

use automerge::hydrate::{Map, Value as AmValue};
use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::signoff::{self, SignOff, SignOffStatus, read_signoffs, write_signoff};
use crate::case::CaseDoc;
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_str_list, put_text, update_text};
use crate::hydrated::{entries, int_of, map_of, str_list_of, str_of, text_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{CoreError, MemberId, MemberRole, PersonId, WorkbookEntryId};

closed_list!(
    /// A section of the workbook, in the workbook's order.
    WorkbookSection, "workbook section" {
        CaseWorkerSummary => "case-worker-summary",
        KeyInformation => "key-information",
        Module1 => "module-1",
        Module2 => "module-2",
        Module3 => "module-3",
        Module4 => "module-4",
        Module5 => "module-5",
        Module6 => "module-6",
        Module7 => "module-7",
        Module8 => "module-8",
    }
);

impl WorkbookSection {
    /// The section's title as the workbook prints it.
    pub fn title(self) -> &'static str {
        match self {
            WorkbookSection::CaseWorkerSummary => "Case Worker Summary",
            WorkbookSection::KeyInformation => "Key Information",
            WorkbookSection::Module1 => "Why are we involved?",
            WorkbookSection::Module2 => "Parental/family history",
            WorkbookSection::Module3 => {
                "Parents' understanding of the impact of their behaviour on their child(ren)"
            }
            WorkbookSection::Module4 => "Direct work with children",
            WorkbookSection::Module5 => "Parenting capacity part 1",
            WorkbookSection::Module6 => "Parenting capacity part 2",
            WorkbookSection::Module7 => "Analysis & recommendations",
            WorkbookSection::Module8 => "Comments and views",
        }
    }
}

closed_list!(
    /// What kind of writing an entry is, so a reader can tell fact from opinion.
    EntryKind, "entry kind" {
        Fact => "fact",
        Reflection => "reflection",
        Analysis => "analysis",
        Hypothesis => "hypothesis",
    }
);

/// A new workbook entry.
pub struct NewEntry {
    pub id: WorkbookEntryId,
    pub section: WorkbookSection,
    pub kind: EntryKind,
    /// The date the entry is written for (not in the future).
    pub date: NaiveDate,
    /// Whom it is about (people of the case); empty for the whole family.
    pub about: Vec<PersonId>,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EntryView {
    pub id: WorkbookEntryId,
    pub section: WorkbookSection,
    pub author: MemberId,
    /// The author's role (discipline) when they wrote it.
    pub role: MemberRole,
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub about: Vec<PersonId>,
    pub text: String,
    pub added_at: DateTime<Utc>,
    pub status: SignOffStatus,
    /// The latest sign-off (its content is the signed text), if finalised.
    pub finalised: Option<SignOff>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SectionView {
    pub id: WorkbookSection,
    pub title: String,
    /// By date, then in the order written.
    pub entries: Vec<EntryView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WorkbookView {
    /// Every section, in the workbook's order, even when empty.
    pub sections: Vec<SectionView>,
    pub status: SignOffStatus,
    /// The latest sign-off of the whole workbook.
    pub finalised: Option<SignOff>,
    /// Every sign-off of the whole workbook, oldest first.
    pub sign_offs: Vec<SignOff>,
}

impl WorkbookView {
    pub fn entry(&self, id: &WorkbookEntryId) -> Option<&EntryView> {
        self.entries().find(|e| &e.id == id)
    }

    /// Every entry, section by section.
    pub fn entries(&self) -> impl Iterator<Item = &EntryView> {
        self.sections.iter().flat_map(|s| s.entries.iter())
    }
}

impl EntryView {
    /// What an entry's sign-off covers.
    fn content(&self) -> Value {
        entry_content(
            self.section,
            &self.author,
            self.role,
            self.date,
            self.kind,
            &self.about,
            &self.text,
        )
    }
}

fn entry_content(
    section: WorkbookSection,
    author: &MemberId,
    role: MemberRole,
    date: NaiveDate,
    kind: EntryKind,
    about: &[PersonId],
    text: &str,
) -> Value {
    let mut about: Vec<&str> = about.iter().map(PersonId::as_str).collect();
    about.sort_unstable();
    json!({
        "section": section.as_str(),
        "author": author.as_str(),
        "role": role.as_str(),
        "date": date.to_string(),
        "kind": kind.as_str(),
        "about": about,
        "text": text,
    })
}

/// What the workbook's sign-off covers: every entry, by id.
fn workbook_content<'a>(entries: impl Iterator<Item = &'a EntryView>) -> Value {
    Value::Object(entries.map(|e| (e.id.to_string(), e.content())).collect())
}

impl CaseDoc {
    /// Writes a new entry in the workbook; returns its id.
    pub fn write_workbook_entry(
        &mut self,
        new: NewEntry,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<WorkbookEntryId, CoreError> {
        let actor = permissions::actor(team, by, Action::WriteWorkbookEntry)?;
        permissions::check(Action::WriteWorkbookEntry, actor)?;
        not_in_future(new.date, today)?;
        let text = super::required_narrative("entry", &new.text)?;
        let people = self.people()?;
        let mut about: Vec<String> = Vec::new();
        for id in &new.about {
            if !people.iter().any(|p| &p.id == id) {
                return Err(CoreError::NotInCase(format!(
                    "person {id} is not in this case"
                )));
            }
            if !about.iter().any(|a| a == id.as_str()) {
                about.push(id.to_string());
            }
        }
        if let Some(wb) = obj_at(&self.doc, &ROOT, "workbook")
            && let Some(es) = obj_at(&self.doc, &wb, "entries")
            && obj_at(&self.doc, &es, new.id.as_str()).is_some()
        {
            return Err(CoreError::Invalid(
                "that workbook entry id is already used".into(),
            ));
        }

        let wb = self.map_or_create(&ROOT, "workbook")?;
        let es = self.map_or_create(&wb, "entries")?;
        let e = self
            .doc
            .put_object(&es, new.id.as_str(), automerge::ObjType::Map)?;
        self.doc.put(&e, "section", new.section.as_str())?;
        self.doc.put(&e, "author", by.as_str())?;
        self.doc.put(&e, "role", actor.role.as_str())?;
        self.doc.put(&e, "date", new.date.to_string())?;
        self.doc.put(&e, "kind", new.kind.as_str())?;
        put_str_list(&mut self.doc, &e, "about", &about)?;
        put_text(&mut self.doc, &e, "text", &text)?;
        self.doc.put(&e, "added_at", now.timestamp_millis())?;
        self.commit("workbook.entry-write", now);
        Ok(new.id)
    }

    /// Replaces an entry's text by the smallest edit, so two people's concurrent edits
    /// of different parts both survive a merge. Only the author, only while the entry
    /// is not finalised.
    pub fn edit_workbook_entry(
        &mut self,
        id: &WorkbookEntryId,
        text: &str,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::EditOwnEntry)?;
        let entry = self.workbook_entry(id)?;
        permissions::check_author(Action::EditOwnEntry, actor, &entry.author)?;
        if entry.status.is_finalised() {
            return Err(CoreError::Invalid(
                "the entry is finalised and cannot be edited; write a new entry instead".into(),
            ));
        }
        let text = super::required_narrative("entry", text)?;
        let e = self.workbook_entry_obj(id)?;
        update_text(&mut self.doc, &e, "text", &text)?;
        self.commit("workbook.entry-edit", now);
        Ok(())
    }

    /// Finalises an entry (its author only). An entry changed after its sign-off (by a
    /// merge) may be finalised again; one already signed as it stands may not.
    pub fn finalise_workbook_entry(
        &mut self,
        id: &WorkbookEntryId,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::FinaliseOwnEntry)?;
        let entry = self.workbook_entry(id)?;
        permissions::check_author(Action::FinaliseOwnEntry, actor, &entry.author)?;
        if entry.status == SignOffStatus::Signed {
            return Err(CoreError::Invalid("the entry is already finalised".into()));
        }
        let signoff = SignOff::sign(&entry.content(), actor, now);
        let e = self.workbook_entry_obj(id)?;
        write_signoff(&mut self.doc, &e, &signoff)?;
        self.commit("workbook.entry-finalise", now);
        Ok(())
    }

    /// Finalises the workbook (a social worker): signs every entry as it stands. Refused
    /// while the workbook is empty, while any entry is not finalised by its author, or
    /// when nothing changed since the last sign-off.
    pub fn finalise_workbook(
        &mut self,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::FinaliseWorkbook)?;
        permissions::check(Action::FinaliseWorkbook, actor)?;
        let view = self.workbook()?;
        if view.entries().next().is_none() {
            return Err(CoreError::Invalid("the workbook has no entries yet".into()));
        }
        let drafts = view
            .entries()
            .filter(|e| e.status != SignOffStatus::Signed)
            .count();
        if drafts > 0 {
            return Err(CoreError::Invalid(format!(
                "{drafts} workbook entries are not finalised; their authors must finalise them first"
            )));
        }
        if view.status == SignOffStatus::Signed {
            return Err(CoreError::Invalid(
                "the workbook is already finalised as it stands".into(),
            ));
        }
        let signoff = SignOff::sign(&workbook_content(view.entries()), actor, now);
        let wb = self.map_or_create(&ROOT, "workbook")?;
        write_signoff(&mut self.doc, &wb, &signoff)?;
        self.commit("workbook.finalise", now);
        Ok(())
    }

    /// The workbook, read in one pass: every section in order, entries by date.
    pub fn workbook(&self) -> Result<WorkbookView, CoreError> {
        let root = self.hydrate_optional("workbook")?.unwrap_or_default();
        let mut all: Vec<EntryView> = map_of(&root, "entries")
            .map(|es| entries(es).filter_map(|(k, e)| read_entry(k, e)).collect())
            .unwrap_or_default();
        all.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
        let sign_offs = read_signoffs(&root);
        let status = signoff::status(&sign_offs, &workbook_content(all.iter()));
        let sections = WorkbookSection::ALL
            .iter()
            .map(|&s| SectionView {
                id: s,
                title: s.title().into(),
                entries: all.iter().filter(|e| e.section == s).cloned().collect(),
            })
            .collect();
        Ok(WorkbookView {
            sections,
            status,
            finalised: sign_offs.last().cloned(),
            sign_offs,
        })
    }

    fn workbook_entry_obj(&self, id: &WorkbookEntryId) -> Result<automerge::ObjId, CoreError> {
        obj_at(&self.doc, &ROOT, "workbook")
            .and_then(|wb| obj_at(&self.doc, &wb, "entries"))
            .and_then(|es| obj_at(&self.doc, &es, id.as_str()))
            .ok_or_else(|| CoreError::NotInCase(format!("workbook entry {id} is not in this case")))
    }

    /// One entry, read without reading the others.
    fn workbook_entry(&self, id: &WorkbookEntryId) -> Result<EntryView, CoreError> {
        let obj = self.workbook_entry_obj(id)?;
        match self.doc.hydrate(&obj, None)? {
            AmValue::Map(m) => read_entry(id.as_str(), &m),
            _ => None,
        }
        .ok_or_else(|| CoreError::Document(format!("workbook entry {id} is damaged")))
    }
}

/// An entry that does not parse (written by a newer or damaged device) is skipped.
fn read_entry(key: &str, e: &Map) -> Option<EntryView> {
    let section: WorkbookSection = str_of(e, "section")?.parse().ok()?;
    let author: MemberId = str_of(e, "author")?.parse().ok()?;
    let role: MemberRole = str_of(e, "role")?.parse().ok()?;
    let date: NaiveDate = str_of(e, "date")?.parse().ok()?;
    let kind: EntryKind = str_of(e, "kind")?.parse().ok()?;
    let about: Vec<PersonId> = str_list_of(e, "about")
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let text = text_of(e, "text").unwrap_or_default();
    let sign_offs = read_signoffs(e);
    let current = entry_content(section, &author, role, date, kind, &about, &text);
    Some(EntryView {
        id: key.parse().ok()?,
        section,
        author,
        role,
        date,
        kind,
        about,
        text,
        added_at: DateTime::from_timestamp_millis(int_of(e, "added_at").unwrap_or(0))?,
        status: signoff::status(&sign_offs, &current),
        finalised: sign_offs.last().cloned(),
    })
}
