//! Every change to a case: validate everything first, then write, then commit once.
//! A refused action leaves the document exactly as it was.

use automerge::{ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};

use super::CaseDoc;
use super::view::EpisodeStatus;
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_int_list, put_str_list, put_text, required_obj};
use crate::measures::{MeasureSet, Purpose};
use crate::{
    CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId,
    RatingMode, age_on,
};

const MAX_SHORT_TEXT: usize = 200;

/// Trims a short text field and refuses it empty, too long or with control characters.
pub(crate) fn required_text(what: &str, text: &str) -> Result<String, CoreError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CoreError::Invalid(format!("the {what} is empty")));
    }
    if t.chars().count() > MAX_SHORT_TEXT {
        return Err(CoreError::Invalid(format!(
            "the {what} is longer than {MAX_SHORT_TEXT} characters"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(CoreError::Invalid(format!(
            "the {what} contains control characters"
        )));
    }
    Ok(t.to_string())
}

pub struct NewPerson {
    pub id: PersonId,
    pub name: String,
    pub role: PersonRole,
    pub born: Option<NaiveDate>,
    /// Party to the case; defaults by role (children, parents and carers are).
    pub party: Option<bool>,
}

pub struct NewMeeting {
    pub id: MeetingId,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub present: Vec<PersonId>,
    pub notes: String,
}

pub enum RatingGiven {
    /// Item values as typed (validated against the measure).
    Items {
        values: Vec<String>,
        mode: RatingMode,
    },
    /// The scale was not used, and why.
    NotGiven { reason: String },
}

pub struct NewRating {
    pub id: RatingId,
    pub meeting: MeetingId,
    pub measure: String,
    pub subject: PersonId,
    /// Defaults to the subject (a self-rating).
    pub rater: Option<PersonId>,
    pub given: RatingGiven,
}

impl CaseDoc {
    pub fn add_person(
        &mut self,
        new: NewPerson,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<PersonId, CoreError> {
        let name = required_text("name", &new.name)?;
        if let Some(born) = new.born {
            not_in_future(born, today)?;
        }
        let party = new.party.unwrap_or(matches!(
            new.role,
            PersonRole::Child | PersonRole::Parent | PersonRole::Carer
        ));
        let people = required_obj(&self.doc, &ROOT, "people")?;
        if obj_at(&self.doc, &people, new.id.as_str()).is_some() {
            return Err(CoreError::Invalid("that person id is already used".into()));
        }
        let p = self
            .doc
            .put_object(&people, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&p, "name", name.as_str())?;
        if let Some(born) = new.born {
            self.doc.put(&p, "born", born.to_string())?;
        }
        self.doc.put(&p, "role", new.role.as_str())?;
        self.doc.put(&p, "party", party)?;
        self.doc.put(&p, "added_at", now.timestamp_millis())?;
        self.commit("person.add", now);
        Ok(new.id)
    }

    pub fn add_meeting(
        &mut self,
        new: NewMeeting,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<MeetingId, CoreError> {
        not_in_future(new.date, today)?;
        let people = self.people()?;
        for id in &new.present {
            if !people.iter().any(|p| &p.id == id) {
                return Err(CoreError::NotInCase(format!(
                    "person {id} is not in this case"
                )));
            }
        }
        let episode = self.current_episode()?;
        if episode.status == EpisodeStatus::Closed {
            return Err(CoreError::Invalid(
                "the case is closed; open a new episode (re-referral) before adding meetings"
                    .into(),
            ));
        }
        let mut present = new.present.clone();
        present.dedup();
        let meetings = required_obj(&self.doc, &ROOT, "meetings")?;
        let m = self
            .doc
            .put_object(&meetings, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&m, "episode", episode.id.as_str())?;
        self.doc.put(&m, "date", new.date.to_string())?;
        self.doc.put(&m, "kind", new.kind.as_str())?;
        let ids: Vec<String> = present.iter().map(|p| p.to_string()).collect();
        put_str_list(&mut self.doc, &m, "present", &ids)?;
        put_text(&mut self.doc, &m, "notes", &new.notes)?;
        self.doc.put(&m, "added_at", now.timestamp_millis())?;
        self.commit("meeting.add", now);
        Ok(new.id)
    }

    /// Replaces a meeting's notes by the smallest text edit, so two people editing
    /// different parts of the notes at once keep both their words after a merge.
    pub fn set_meeting_notes(
        &mut self,
        meeting: &MeetingId,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let meetings = required_obj(&self.doc, &ROOT, "meetings")?;
        let m = obj_at(&self.doc, &meetings, meeting.as_str()).ok_or_else(|| {
            CoreError::NotInCase(format!("meeting {meeting} is not in this case"))
        })?;
        crate::doc_access::update_text(&mut self.doc, &m, "notes", notes)?;
        self.commit("meeting.notes", now);
        Ok(())
    }

    /// Records a rating (or that a scale was not used). Returns warnings that do not
    /// block, e.g. a measure meant for another age, or an SRS in a network meeting.
    pub fn record_rating(
        &mut self,
        new: NewRating,
        measures: &MeasureSet,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, CoreError> {
        let meetings = self.meetings()?;
        let meeting = meetings
            .iter()
            .find(|m| m.id == new.meeting)
            .ok_or_else(|| {
                CoreError::NotInCase(format!("meeting {} is not in this case", new.meeting))
            })?;
        let people = self.people()?;
        let subject = people.iter().find(|p| p.id == new.subject).ok_or_else(|| {
            CoreError::NotInCase(format!("subject {} is not in this case", new.subject))
        })?;
        let rater_id = new.rater.clone().unwrap_or_else(|| new.subject.clone());
        if !people.iter().any(|p| p.id == rater_id) {
            return Err(CoreError::NotInCase(format!(
                "rater {rater_id} is not in this case"
            )));
        }
        let measure = measures.get(&new.measure)?;
        let values = match &new.given {
            RatingGiven::Items { values, .. } => {
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                Some(measure.validate_items(&refs)?)
            }
            RatingGiven::NotGiven { reason } => {
                required_text("reason the scale was not used", reason)?;
                None
            }
        };
        if let Some(same) = self.find_rating(&new.meeting, &measure.id, &new.subject, &rater_id)? {
            return Err(CoreError::Invalid(format!(
                "{} for this subject and rater is already recorded at this meeting (rating {same}); correct that rating instead",
                measure.id
            )));
        }

        let mut warnings = Vec::new();
        // The age that matters is the age of whoever fills in the form: a mother's
        // collateral ORS of her 10-year-old is normal; a 30-year-old's CORS is not.
        let rater = people.iter().find(|p| p.id == rater_id).unwrap_or(subject);
        let age = rater.born.map(|b| age_on(b, meeting.date));
        if let Some(w) = measure.age_warning_among(age, measures) {
            warnings.push(w);
        }
        if measure.purpose == Purpose::Session && !meeting.kind.allows_session_rating() {
            warnings.push(format!(
                "{} is meant for meetings with the family alone, not {} meetings",
                measure.id, meeting.kind
            ));
        }
        if !meeting.present.is_empty() && !meeting.present.contains(&rater_id) {
            warnings.push("the rater is not recorded as present at this meeting".into());
        }

        let ratings = required_obj(&self.doc, &ROOT, "ratings")?;
        let r = self
            .doc
            .put_object(&ratings, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&r, "meeting", new.meeting.as_str())?;
        self.doc.put(&r, "measure", measure.id.as_str())?;
        self.doc.put(&r, "subject", new.subject.as_str())?;
        self.doc.put(&r, "rater", rater_id.as_str())?;
        self.doc.put(&r, "added_at", now.timestamp_millis())?;
        self.doc.put(&r, "added_by", by.as_str())?;
        let versions = self.doc.put_object(&r, "versions", ObjType::List)?;
        match (&new.given, values) {
            (RatingGiven::Items { mode, .. }, Some(values)) => {
                self.doc.put(&r, "mode", mode.as_str())?;
                self.write_version(&versions, &values, None, by, now)?;
            }
            (RatingGiven::NotGiven { reason }, _) => {
                self.doc.put(&r, "mode", RatingMode::Screen.as_str())?;
                self.doc.put(&r, "not_given", reason.trim())?;
            }
            (RatingGiven::Items { .. }, None) => unreachable!("items were validated above"),
        }
        self.commit("rating.record", now);
        Ok(warnings)
    }

    /// A correction is a new version with a reason; earlier versions stay in history.
    pub fn correct_rating(
        &mut self,
        rating: &RatingId,
        values: &[String],
        reason: &str,
        measures: &MeasureSet,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let reason = required_text("reason for the correction", reason)?;
        let current = self
            .rating(rating)?
            .ok_or_else(|| CoreError::NotInCase(format!("rating {rating} is not in this case")))?;
        let measure = measures.get(&current.measure)?;
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let items = measure.validate_items(&refs)?;
        if current.current_items() == Some(items.as_slice()) {
            return Err(CoreError::Invalid(
                "the corrected values are the same as the current ones".into(),
            ));
        }
        let ratings = required_obj(&self.doc, &ROOT, "ratings")?;
        let r = required_obj(&self.doc, &ratings, rating.as_str())?;
        let versions = match obj_at(&self.doc, &r, "versions") {
            Some(v) => v,
            None => self.doc.put_object(&r, "versions", ObjType::List)?,
        };
        self.write_version(&versions, &items, Some(&reason), by, now)?;
        self.commit("rating.correct", now);
        Ok(())
    }

    fn write_version(
        &mut self,
        versions: &automerge::ObjId,
        items: &[crate::Tenths],
        reason: Option<&str>,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        use automerge::ReadDoc;
        let at = self.doc.length(versions);
        let v = self.doc.insert_object(versions, at, ObjType::Map)?;
        let values: Vec<i64> = items.iter().map(|t| i64::from(t.0)).collect();
        put_int_list(&mut self.doc, &v, "items", &values)?;
        if let Some(reason) = reason {
            self.doc.put(&v, "reason", reason)?;
        }
        self.doc.put(&v, "at", now.timestamp_millis())?;
        self.doc.put(&v, "by", by.as_str())?;
        Ok(())
    }

    /// The latest episode (every case has at least one).
    pub fn current_episode(&self) -> Result<super::Episode, CoreError> {
        self.episodes()?
            .pop()
            .ok_or_else(|| CoreError::Document("case without an episode".into()))
    }

    pub(super) fn write_episode_opened(
        &mut self,
        id: &EpisodeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let episodes = required_obj(&self.doc, &ROOT, "episodes")?;
        let e = self.doc.put_object(&episodes, id.as_str(), ObjType::Map)?;
        self.doc.put(&e, "status", "open")?;
        self.doc.put(&e, "referred", date.to_string())?;
        self.doc.put(&e, "opened", date.to_string())?;
        self.doc.put(&e, "added_at", now.timestamp_millis())?;
        put_text(&mut self.doc, &e, "closing_reason", "")?;
        Ok(())
    }

    /// Closes the current episode on `date` with a reason.
    pub fn close_episode(
        &mut self,
        date: NaiveDate,
        reason: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        not_in_future(date, today)?;
        let reason = required_text("reason for closing", reason)?;
        let episode = self.current_episode()?;
        if episode.status == EpisodeStatus::Closed {
            return Err(CoreError::Invalid("the case is already closed".into()));
        }
        if episode.opened.is_some_and(|o| date < o) {
            return Err(CoreError::Invalid(
                "the closing date is before the episode opened".into(),
            ));
        }
        let episodes = required_obj(&self.doc, &ROOT, "episodes")?;
        let e = required_obj(&self.doc, &episodes, episode.id.as_str())?;
        self.doc.put(&e, "status", "closed")?;
        self.doc.put(&e, "closed", date.to_string())?;
        crate::doc_access::update_text(&mut self.doc, &e, "closing_reason", &reason)?;
        self.commit("episode.close", now);
        Ok(())
    }

    /// A re-referral: a new episode in the same case, once the last one is closed.
    pub fn open_episode(
        &mut self,
        id: &EpisodeId,
        date: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        not_in_future(date, today)?;
        let current = self.current_episode()?;
        if current.status != EpisodeStatus::Closed {
            return Err(CoreError::Invalid(
                "the case already has an open episode".into(),
            ));
        }
        if current.closed.is_some_and(|c| date < c) {
            return Err(CoreError::Invalid(
                "a new episode cannot start before the last one closed".into(),
            ));
        }
        self.write_episode_opened(id, date, now)?;
        self.commit("episode.open", now);
        Ok(())
    }
}
