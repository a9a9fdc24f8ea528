//! The consent register (research §6.1; DEV:101-110, 204-210): consent recorded per
//! family member and purpose ("share with school"), given, refused or withdrawn, each
//! change a new dated record, never an overwrite. The current status of a (person,
//! purpose) is the latest record by date (ties: the one added last). Sharing without
//! consent is recorded as its own event and needs the legal basis in words.
//!
//! Rules:
//! - only practitioners record consent or sharing without consent;
//! - the person is a family member of the case (not a teacher, pedagogue or other
//!   professional);
//! - the purpose is free text, compared ignoring case and repeated spaces;
//! - dates may not lie in the future;
//! - consent can be withdrawn only when it was given on or before that date;
//! - a share without consent needs a non-empty legal basis.

use automerge::hydrate::Map;
use automerge::{ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::chronology::{ChronologySource, Dated, person_label};
use crate::case::{CaseDoc, Person};
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_text};
use crate::hydrated::{entries, int_of, str_of, text_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{ConsentRecordId, CoreError, MemberId, PersonId, PersonRole};

closed_list!(
    /// A family member's consent for one purpose.
    ConsentStatus, "consent status" {
        Given => "given",
        Refused => "refused",
        Withdrawn => "withdrawn",
    }
);

/// A consent status recorded for a person and purpose.
pub struct NewConsent {
    pub id: ConsentRecordId,
    pub person: PersonId,
    pub purpose: String,
    pub status: ConsentStatus,
    pub date: NaiveDate,
}

/// Information shared without the person's consent, and on what legal basis.
pub struct NewShareWithoutConsent {
    pub id: ConsentRecordId,
    pub person: PersonId,
    pub purpose: String,
    /// The legal basis, in words (e.g. "s47 enquiry; informing the family would put the
    /// child at increased risk of significant harm").
    pub basis: String,
    pub date: NaiveDate,
}

/// One consent record of the history.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConsentRecord {
    pub id: ConsentRecordId,
    pub person: PersonId,
    pub purpose: String,
    pub status: ConsentStatus,
    pub date: NaiveDate,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
}

/// A share without consent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SharedWithoutConsent {
    pub id: ConsentRecordId,
    pub person: PersonId,
    pub purpose: String,
    pub basis: String,
    pub date: NaiveDate,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
}

/// The status that counts now for one person and purpose.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CurrentConsent {
    pub person: PersonId,
    /// As typed in the latest record.
    pub purpose: String,
    pub status: ConsentStatus,
    /// The date of the latest record.
    pub date: NaiveDate,
    /// The latest record's id.
    pub record: ConsentRecordId,
}

/// The whole register of a case.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ConsentRegister {
    /// One row per (person, purpose): persons in the order they were added to the case,
    /// then purposes alphabetically.
    pub current: Vec<CurrentConsent>,
    /// Every status record, by date (ties in the order added).
    pub history: Vec<ConsentRecord>,
    /// Every share without consent, by date (ties in the order added).
    pub shared_without_consent: Vec<SharedWithoutConsent>,
}

impl ConsentRegister {
    /// The current status for a person and purpose (purpose compared ignoring case and
    /// repeated spaces).
    pub fn current_for(&self, person: &PersonId, purpose: &str) -> Option<&CurrentConsent> {
        let key = purpose_key(purpose);
        self.current
            .iter()
            .find(|c| &c.person == person && purpose_key(&c.purpose) == key)
    }
}

/// A purpose as compared: lower case, single spaces.
pub fn purpose_key(purpose: &str) -> String {
    purpose
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The purpose as stored: trimmed, single spaces, refused empty.
fn tidy_purpose(purpose: &str) -> Result<String, CoreError> {
    let p = purpose.split_whitespace().collect::<Vec<_>>().join(" ");
    if p.is_empty() {
        return Err(CoreError::Invalid(
            "the purpose of the consent is empty".into(),
        ));
    }
    Ok(p)
}

impl CaseDoc {
    /// The family member `id`, refused when not in the case or a professional.
    fn family_member(&self, id: &PersonId) -> Result<(), CoreError> {
        let people = self.people()?;
        let person = people
            .iter()
            .find(|p| &p.id == id)
            .ok_or_else(|| CoreError::NotInCase(format!("person {id} is not in this case")))?;
        if matches!(
            person.role,
            PersonRole::Teacher | PersonRole::Pedagogue | PersonRole::Professional
        ) {
            return Err(CoreError::Invalid(format!(
                "consent is recorded for family members, not a {}",
                person.role
            )));
        }
        Ok(())
    }

    fn consent_id_free(&self, id: &ConsentRecordId) -> Result<(), CoreError> {
        if obj_at(&self.doc, &ROOT, "consent")
            .and_then(|c| obj_at(&self.doc, &c, id.as_str()))
            .is_some()
        {
            return Err(CoreError::Invalid(
                "that consent record id is already used".into(),
            ));
        }
        Ok(())
    }

    /// Records consent given, refused or withdrawn (a practitioner); returns its id.
    pub fn record_consent(
        &mut self,
        new: NewConsent,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ConsentRecordId, CoreError> {
        let actor = permissions::actor(team, by, Action::RecordConsent)?;
        permissions::check(Action::RecordConsent, actor)?;
        not_in_future(new.date, today)?;
        let purpose = tidy_purpose(&new.purpose)?;
        self.family_member(&new.person)?;
        if new.status == ConsentStatus::Withdrawn {
            let key = purpose_key(&purpose);
            let given = self.consent_register()?.history.iter().any(|r| {
                r.person == new.person
                    && purpose_key(&r.purpose) == key
                    && r.status == ConsentStatus::Given
                    && r.date <= new.date
            });
            if !given {
                return Err(CoreError::Invalid(
                    "consent can only be withdrawn once it has been given for that purpose".into(),
                ));
            }
        }
        self.consent_id_free(&new.id)?;
        let all = self.map_or_create(&ROOT, "consent")?;
        let r = self.doc.put_object(&all, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&r, "kind", "status")?;
        self.doc.put(&r, "person", new.person.as_str())?;
        self.doc.put(&r, "purpose", purpose.as_str())?;
        self.doc.put(&r, "status", new.status.as_str())?;
        self.doc.put(&r, "date", new.date.to_string())?;
        self.doc.put(&r, "by", by.as_str())?;
        self.doc.put(&r, "added_at", now.timestamp_millis())?;
        self.commit("consent.record", now);
        Ok(new.id)
    }

    /// Records that information was shared without the person's consent (a
    /// practitioner), which needs the legal basis; returns the record's id.
    pub fn record_share_without_consent(
        &mut self,
        new: NewShareWithoutConsent,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ConsentRecordId, CoreError> {
        let actor = permissions::actor(team, by, Action::ShareWithoutConsent)?;
        permissions::check(Action::ShareWithoutConsent, actor)?;
        not_in_future(new.date, today)?;
        let purpose = tidy_purpose(&new.purpose)?;
        let basis =
            super::required_narrative("legal basis for sharing without consent", &new.basis)?;
        self.family_member(&new.person)?;
        self.consent_id_free(&new.id)?;
        let all = self.map_or_create(&ROOT, "consent")?;
        let r = self.doc.put_object(&all, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&r, "kind", "shared-without-consent")?;
        self.doc.put(&r, "person", new.person.as_str())?;
        self.doc.put(&r, "purpose", purpose.as_str())?;
        put_text(&mut self.doc, &r, "basis", &basis)?;
        self.doc.put(&r, "date", new.date.to_string())?;
        self.doc.put(&r, "by", by.as_str())?;
        self.doc.put(&r, "added_at", now.timestamp_millis())?;
        self.commit("consent.share-without", now);
        Ok(new.id)
    }

    /// The consent register: current status per person and purpose, the full history,
    /// and every share without consent.
    pub fn consent_register(&self) -> Result<ConsentRegister, CoreError> {
        let all = self.hydrate_optional("consent")?.unwrap_or_default();
        let mut history = Vec::new();
        let mut shared = Vec::new();
        // A record that does not parse (newer or damaged device) is skipped.
        for (k, r) in entries(&all) {
            match read_consent(k, r) {
                Some(Row::Status(c)) => history.push(c),
                Some(Row::Shared(c)) => shared.push(c),
                None => {}
            }
        }
        history.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
        shared.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
        if history.is_empty() {
            return Ok(ConsentRegister {
                current: Vec::new(),
                history,
                shared_without_consent: shared,
            });
        }
        let people = self.people()?;
        let rank = |p: &PersonId| people.iter().position(|q| &q.id == p).unwrap_or(usize::MAX);
        // History is in date order, so the last record per key is the current one.
        let mut latest: std::collections::BTreeMap<(usize, PersonId, String), &ConsentRecord> =
            std::collections::BTreeMap::new();
        for r in &history {
            latest.insert(
                (rank(&r.person), r.person.clone(), purpose_key(&r.purpose)),
                r,
            );
        }
        let current = latest
            .into_values()
            .map(|r| CurrentConsent {
                person: r.person.clone(),
                purpose: r.purpose.clone(),
                status: r.status,
                date: r.date,
                record: r.id.clone(),
            })
            .collect();
        Ok(ConsentRegister {
            current,
            history,
            shared_without_consent: shared,
        })
    }

    /// Consent changes and shares without consent, as chronology events.
    pub(crate) fn consent_chronology(&self, people: &[Person]) -> Result<Vec<Dated>, CoreError> {
        let reg = self.consent_register()?;
        let mut out = Vec::new();
        for r in reg.history {
            let verb = match r.status {
                ConsentStatus::Given => "given",
                ConsentStatus::Refused => "refused",
                ConsentStatus::Withdrawn => "withdrawn",
            };
            out.push(Dated::new(
                r.date,
                ChronologySource::Consent,
                format!(
                    "Consent {verb} by {} for: {}",
                    person_label(people, &r.person),
                    r.purpose
                ),
                r.id.to_string(),
                r.recorded_by,
                r.added_at.timestamp_millis(),
            ));
        }
        for s in reg.shared_without_consent {
            out.push(Dated::new(
                s.date,
                ChronologySource::SharedWithoutConsent,
                format!(
                    "Shared without the consent of {} for: {}; legal basis: {}",
                    person_label(people, &s.person),
                    s.purpose,
                    s.basis
                ),
                s.id.to_string(),
                s.recorded_by,
                s.added_at.timestamp_millis(),
            ));
        }
        Ok(out)
    }
}

enum Row {
    Status(ConsentRecord),
    Shared(SharedWithoutConsent),
}

fn read_consent(k: &str, r: &Map) -> Option<Row> {
    let id: ConsentRecordId = k.parse().ok()?;
    let person: PersonId = str_of(r, "person")?.parse().ok()?;
    let purpose = str_of(r, "purpose")?;
    let date: NaiveDate = str_of(r, "date")?.parse().ok()?;
    let recorded_by = str_of(r, "by").and_then(|s| s.parse().ok());
    let added_at = DateTime::from_timestamp_millis(int_of(r, "added_at").unwrap_or(0))?;
    match str_of(r, "kind")?.as_str() {
        "status" => Some(Row::Status(ConsentRecord {
            id,
            person,
            purpose,
            status: str_of(r, "status")?.parse().ok()?,
            date,
            recorded_by,
            added_at,
        })),
        "shared-without-consent" => Some(Row::Shared(SharedWithoutConsent {
            id,
            person,
            purpose,
            basis: text_of(r, "basis").unwrap_or_default(),
            date,
            recorded_by,
            added_at,
        })),
        _ => None,
    }
}
