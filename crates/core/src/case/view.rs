//! Typed, read-only views of a case document: what every consumer (CLI, app, PDFs)
//! reads, so nobody walks the Automerge tree by hand.

use automerge::{ObjId, ROOT, ReadDoc};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::CaseDoc;
use crate::doc_access::{
    bool_at, int_at, int_list, keys, obj_at, required_obj, str_at, str_list_at, text_at,
};
use crate::{
    CaseId, CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId,
    RatingMode, Tenths,
};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseView {
    pub id: CaseId,
    pub family: Family,
    pub allocated_to: Option<MemberId>,
    pub people: Vec<Person>,
    pub episodes: Vec<Episode>,
    pub meetings: Vec<Meeting>,
    pub ratings: Vec<Rating>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Family {
    pub name: String,
    pub reference: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub born: Option<NaiveDate>,
    pub role: PersonRole,
    pub party: bool,
    #[serde(skip)]
    pub added_at: i64,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EpisodeStatus {
    WaitingList,
    Open,
    Closed,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Episode {
    pub id: EpisodeId,
    pub status: EpisodeStatus,
    pub referred: Option<NaiveDate>,
    pub opened: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub closing_reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub episode: Option<EpisodeId>,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub present: Vec<PersonId>,
    pub notes: String,
    #[serde(skip)]
    pub added_at: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rating {
    pub id: RatingId,
    pub meeting: MeetingId,
    pub date: NaiveDate,
    pub measure: String,
    pub subject: PersonId,
    pub rater: PersonId,
    pub mode: RatingMode,
    /// Why the scale was not used, when it was not.
    pub not_given: Option<String>,
    /// Every version, oldest first; the last one counts. Empty when not given.
    pub versions: Vec<RatingVersion>,
    pub recorded_by: Option<MemberId>,
    #[serde(skip)]
    pub added_at: i64,
}

impl Rating {
    /// The values that count: the latest version's.
    pub fn current_items(&self) -> Option<&[Tenths]> {
        self.versions.last().map(|v| v.items.as_slice())
    }

    pub fn current_total(&self) -> Option<Tenths> {
        self.current_items().map(|i| i.iter().copied().sum())
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RatingVersion {
    pub items: Vec<Tenths>,
    /// Empty for the first version; the reason for each correction.
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    pub by: Option<MemberId>,
}

/// The few fields a caseload list needs, read without walking meetings and ratings.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub family: Family,
    pub allocated_to: Option<MemberId>,
    pub children: Vec<String>,
    pub status: Option<EpisodeStatus>,
}

fn date_at(doc: &automerge::AutoCommit, obj: &ObjId, key: &str) -> Option<NaiveDate> {
    str_at(doc, obj, key).and_then(|s| s.parse().ok())
}

impl CaseDoc {
    pub fn view(&self) -> Result<CaseView, CoreError> {
        let doc = &self.doc;
        Ok(CaseView {
            id: self.id()?,
            family: self.family()?,
            allocated_to: str_at(doc, &ROOT, "allocated_to").and_then(|s| s.parse().ok()),
            people: self.people()?,
            episodes: self.episodes()?,
            meetings: self.meetings()?,
            ratings: self.ratings()?,
        })
    }

    pub fn summary(&self) -> Result<CaseSummary, CoreError> {
        let people = self.people()?;
        let episodes = self.episodes()?;
        Ok(CaseSummary {
            id: self.id()?,
            family: self.family()?,
            allocated_to: str_at(&self.doc, &ROOT, "allocated_to").and_then(|s| s.parse().ok()),
            children: people
                .into_iter()
                .filter(|p| p.role.is_child())
                .map(|p| p.name)
                .collect(),
            status: episodes.last().map(|e| e.status),
        })
    }

    fn family(&self) -> Result<Family, CoreError> {
        let family = required_obj(&self.doc, &ROOT, "family")?;
        Ok(Family {
            name: str_at(&self.doc, &family, "name").unwrap_or_default(),
            reference: str_at(&self.doc, &family, "reference").unwrap_or_default(),
        })
    }

    /// People in the order they were added.
    pub(crate) fn people(&self) -> Result<Vec<Person>, CoreError> {
        let doc = &self.doc;
        let map = required_obj(doc, &ROOT, "people")?;
        let mut people: Vec<Person> = keys(doc, &map)
            .into_iter()
            .filter_map(|key| {
                let p = obj_at(doc, &map, &key)?;
                Some(Person {
                    id: key.parse().ok()?,
                    name: str_at(doc, &p, "name")?,
                    born: date_at(doc, &p, "born"),
                    role: str_at(doc, &p, "role")?.parse().ok()?,
                    party: bool_at(doc, &p, "party").unwrap_or(false),
                    added_at: int_at(doc, &p, "added_at").unwrap_or(0),
                })
            })
            .collect();
        people.sort_by(|a, b| (a.added_at, &a.id).cmp(&(b.added_at, &b.id)));
        Ok(people)
    }

    /// Episodes oldest first; the last one is the current episode.
    pub(crate) fn episodes(&self) -> Result<Vec<Episode>, CoreError> {
        let doc = &self.doc;
        let map = required_obj(doc, &ROOT, "episodes")?;
        let mut episodes: Vec<(i64, Episode)> = keys(doc, &map)
            .into_iter()
            .filter_map(|key| {
                let e = obj_at(doc, &map, &key)?;
                let status = match str_at(doc, &e, "status")?.as_str() {
                    "waiting-list" => EpisodeStatus::WaitingList,
                    "open" => EpisodeStatus::Open,
                    "closed" => EpisodeStatus::Closed,
                    _ => return None,
                };
                Some((
                    int_at(doc, &e, "added_at").unwrap_or(0),
                    Episode {
                        id: key.parse().ok()?,
                        status,
                        referred: date_at(doc, &e, "referred"),
                        opened: date_at(doc, &e, "opened"),
                        closed: date_at(doc, &e, "closed"),
                        closing_reason: text_at(doc, &e, "closing_reason").unwrap_or_default(),
                    },
                ))
            })
            .collect();
        episodes.sort_by(|a, b| (a.1.referred, a.0, &a.1.id).cmp(&(b.1.referred, b.0, &b.1.id)));
        Ok(episodes.into_iter().map(|(_, e)| e).collect())
    }

    /// Meetings in date order (ties in the order they were added).
    pub(crate) fn meetings(&self) -> Result<Vec<Meeting>, CoreError> {
        let doc = &self.doc;
        let map = required_obj(doc, &ROOT, "meetings")?;
        let mut meetings: Vec<Meeting> = keys(doc, &map)
            .into_iter()
            .filter_map(|key| {
                let m = obj_at(doc, &map, &key)?;
                Some(Meeting {
                    id: key.parse().ok()?,
                    episode: str_at(doc, &m, "episode").and_then(|s| s.parse().ok()),
                    date: date_at(doc, &m, "date")?,
                    kind: str_at(doc, &m, "kind")?.parse().ok()?,
                    present: str_list_at(doc, &m, "present")
                        .into_iter()
                        .filter_map(|s| s.parse().ok())
                        .collect(),
                    notes: text_at(doc, &m, "notes").unwrap_or_default(),
                    added_at: int_at(doc, &m, "added_at").unwrap_or(0),
                })
            })
            .collect();
        meetings.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
        Ok(meetings)
    }

    /// Ratings in meeting-date order; a rating whose meeting is unknown is skipped
    /// (it cannot be placed on a graph) rather than failing the whole case.
    pub(crate) fn ratings(&self) -> Result<Vec<Rating>, CoreError> {
        let doc = &self.doc;
        let meeting_dates: std::collections::HashMap<MeetingId, NaiveDate> = self
            .meetings()?
            .into_iter()
            .map(|m| (m.id, m.date))
            .collect();
        let map = required_obj(doc, &ROOT, "ratings")?;
        let mut ratings: Vec<Rating> = keys(doc, &map)
            .into_iter()
            .filter_map(|key| {
                let r = obj_at(doc, &map, &key)?;
                let meeting: MeetingId = str_at(doc, &r, "meeting")?.parse().ok()?;
                let date = *meeting_dates.get(&meeting)?;
                Some(Rating {
                    id: key.parse().ok()?,
                    meeting,
                    date,
                    measure: str_at(doc, &r, "measure")?,
                    subject: str_at(doc, &r, "subject")?.parse().ok()?,
                    rater: str_at(doc, &r, "rater")?.parse().ok()?,
                    mode: str_at(doc, &r, "mode")?.parse().ok()?,
                    not_given: str_at(doc, &r, "not_given"),
                    versions: read_versions(doc, &r),
                    recorded_by: str_at(doc, &r, "added_by").and_then(|s| s.parse().ok()),
                    added_at: int_at(doc, &r, "added_at").unwrap_or(0),
                })
            })
            .collect();
        ratings.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
        Ok(ratings)
    }
}

fn read_versions(doc: &automerge::AutoCommit, rating: &ObjId) -> Vec<RatingVersion> {
    let Some(list) = obj_at(doc, rating, "versions") else {
        return Vec::new();
    };
    let mut versions: Vec<RatingVersion> = doc
        .list_range(&list, ..)
        .filter_map(|item| {
            let id = item.id();
            let v = match item.value.into_value() {
                automerge::Value::Object(_) => id,
                _ => return None,
            };
            let items = obj_at(doc, &v, "items")?;
            Some(RatingVersion {
                items: int_list(doc, &items)
                    .into_iter()
                    .map(|t| Tenths(t as i32))
                    .collect(),
                reason: str_at(doc, &v, "reason"),
                at: DateTime::from_timestamp_millis(int_at(doc, &v, "at").unwrap_or(0))?,
                by: str_at(doc, &v, "by").and_then(|s| s.parse().ok()),
            })
        })
        .collect();
    // Two devices may correct the same rating at once: both versions are kept, and
    // the later one (by time, then list order, which every device agrees on) counts.
    versions.sort_by_key(|v| v.at);
    versions
}
