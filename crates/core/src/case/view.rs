//! Typed, read-only views of a case document: what every consumer (CLI, app, PDFs)
//! reads, so nobody walks the Automerge tree by hand.

use automerge::hydrate::{Map, Value};
use automerge::{ROOT, ReadDoc};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::CaseDoc;
use crate::doc_access::required_obj;
use crate::hydrated::{
    bool_of, entries, int_list_of, int_of, list_of, str_list_of, str_of, text_of,
};
use crate::{
    CaseId, CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId,
    RatingMode, Tenths,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CaseView {
    pub id: CaseId,
    pub family: Family,
    pub allocated_to: Option<MemberId>,
    pub people: Vec<Person>,
    pub episodes: Vec<Episode>,
    pub meetings: Vec<Meeting>,
    pub ratings: Vec<Rating>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Family {
    pub name: String,
    pub reference: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub born: Option<NaiveDate>,
    pub role: PersonRole,
    pub party: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub added_at: i64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EpisodeStatus {
    WaitingList,
    Open,
    Closed,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Episode {
    pub id: EpisodeId,
    pub status: EpisodeStatus,
    pub referred: Option<NaiveDate>,
    pub opened: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub closing_reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub episode: Option<EpisodeId>,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub present: Vec<PersonId>,
    pub notes: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub added_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
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
    #[serde(default, skip_serializing_if = "is_zero")]
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

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RatingVersion {
    pub items: Vec<Tenths>,
    /// Empty for the first version; the reason for each correction.
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    pub by: Option<MemberId>,
}

/// The few fields a caseload list needs, read without walking meetings and ratings.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub family: Family,
    pub allocated_to: Option<MemberId>,
    pub children: Vec<String>,
    pub status: Option<EpisodeStatus>,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

fn date_of(map: &Map, key: &str) -> Option<NaiveDate> {
    str_of(map, key).and_then(|s| s.parse().ok())
}

fn parsed<T: std::str::FromStr>(map: &Map, key: &str) -> Option<T> {
    str_of(map, key).and_then(|s| s.parse().ok())
}

impl CaseDoc {
    /// The whole case as a typed view, read in one pass over the document.
    pub fn view(&self) -> Result<CaseView, CoreError> {
        // Only the sections the view needs: the casework maps (workbook, plans, ...)
        // hold long narrative that would cost more to hydrate than everything else.
        let meetings = read_meetings(&self.hydrate_section("meetings")?);
        Ok(CaseView {
            id: self.id()?,
            family: read_family(&self.hydrate_section("family")?),
            allocated_to: crate::doc_access::str_at(&self.doc, &ROOT, "allocated_to")
                .and_then(|s| s.parse().ok()),
            people: read_people(&self.hydrate_section("people")?),
            episodes: read_episodes(&self.hydrate_section("episodes")?),
            ratings: read_ratings(&self.hydrate_section("ratings")?, &meetings),
            meetings,
        })
    }

    /// The few fields a caseload list needs.
    pub fn summary(&self) -> Result<CaseSummary, CoreError> {
        Ok(self.view()?.summary())
    }

    /// Hydrates one top-level section (people, meetings, ...) of the document.
    fn hydrate_section(&self, key: &str) -> Result<Map, CoreError> {
        let obj = required_obj(&self.doc, &ROOT, key)?;
        match self.doc.hydrate(&obj, None)? {
            Value::Map(m) => Ok(m),
            _ => Err(CoreError::Document(format!("{key} is not a map"))),
        }
    }

    pub(crate) fn people(&self) -> Result<Vec<Person>, CoreError> {
        Ok(read_people(&self.hydrate_section("people")?))
    }

    pub(crate) fn episodes(&self) -> Result<Vec<Episode>, CoreError> {
        Ok(read_episodes(&self.hydrate_section("episodes")?))
    }

    pub(crate) fn meetings(&self) -> Result<Vec<Meeting>, CoreError> {
        Ok(read_meetings(&self.hydrate_section("meetings")?))
    }

    /// One rating, read without reading the others.
    pub(crate) fn rating(&self, id: &RatingId) -> Result<Option<Rating>, CoreError> {
        let ratings = required_obj(&self.doc, &ROOT, "ratings")?;
        let Some(obj) = crate::doc_access::obj_at(&self.doc, &ratings, id.as_str()) else {
            return Ok(None);
        };
        let Value::Map(r) = self.doc.hydrate(&obj, None)? else {
            return Ok(None);
        };
        let meetings = self.meetings()?;
        let dates = meeting_dates(&meetings);
        Ok(read_rating(id.as_str(), &r, &dates))
    }

    /// The id of a rating already recorded for this meeting, measure, subject and rater.
    /// Reads one field per rating rather than every rating whole.
    pub(crate) fn find_rating(
        &self,
        meeting: &MeetingId,
        measure: &str,
        subject: &PersonId,
        rater: &PersonId,
    ) -> Result<Option<RatingId>, CoreError> {
        use crate::doc_access::{keys, obj_at, str_at};
        let doc = &self.doc;
        let ratings = required_obj(doc, &ROOT, "ratings")?;
        for key in keys(doc, &ratings) {
            let Some(r) = obj_at(doc, &ratings, &key) else {
                continue;
            };
            if str_at(doc, &r, "meeting").as_deref() != Some(meeting.as_str()) {
                continue;
            }
            let same = str_at(doc, &r, "measure").is_some_and(|m| m.eq_ignore_ascii_case(measure))
                && str_at(doc, &r, "subject").as_deref() == Some(subject.as_str())
                && str_at(doc, &r, "rater").as_deref() == Some(rater.as_str());
            if same {
                return Ok(key.parse().ok());
            }
        }
        Ok(None)
    }
}

impl CaseView {
    pub fn summary(&self) -> CaseSummary {
        CaseSummary {
            id: self.id.clone(),
            family: self.family.clone(),
            allocated_to: self.allocated_to.clone(),
            children: self
                .people
                .iter()
                .filter(|p| p.role.is_child())
                .map(|p| p.name.clone())
                .collect(),
            status: self.episodes.last().map(|e| e.status),
        }
    }
}

fn read_family(family: &Map) -> Family {
    Family {
        name: str_of(family, "name").unwrap_or_default(),
        reference: str_of(family, "reference").unwrap_or_default(),
    }
}

/// People in the order they were added. Entries that do not parse (written by a
/// newer or damaged device) are skipped rather than failing the whole case.
fn read_people(map: &Map) -> Vec<Person> {
    let mut people: Vec<Person> = entries(map)
        .filter_map(|(key, p)| {
            Some(Person {
                id: key.parse().ok()?,
                name: str_of(p, "name")?,
                born: date_of(p, "born"),
                role: parsed(p, "role")?,
                party: bool_of(p, "party").unwrap_or(false),
                added_at: int_of(p, "added_at").unwrap_or(0),
            })
        })
        .collect();
    people.sort_by(|a, b| (a.added_at, &a.id).cmp(&(b.added_at, &b.id)));
    people
}

/// Episodes oldest first; the last one is the current episode.
fn read_episodes(map: &Map) -> Vec<Episode> {
    let mut episodes: Vec<(i64, Episode)> = entries(map)
        .filter_map(|(key, e)| {
            let status = match str_of(e, "status")?.as_str() {
                "waiting-list" => EpisodeStatus::WaitingList,
                "open" => EpisodeStatus::Open,
                "closed" => EpisodeStatus::Closed,
                _ => return None,
            };
            Some((
                int_of(e, "added_at").unwrap_or(0),
                Episode {
                    id: key.parse().ok()?,
                    status,
                    referred: date_of(e, "referred"),
                    opened: date_of(e, "opened"),
                    closed: date_of(e, "closed"),
                    closing_reason: text_of(e, "closing_reason").unwrap_or_default(),
                },
            ))
        })
        .collect();
    episodes.sort_by(|a, b| (a.1.referred, a.0, &a.1.id).cmp(&(b.1.referred, b.0, &b.1.id)));
    episodes.into_iter().map(|(_, e)| e).collect()
}

/// Meetings in date order (ties in the order they were added).
fn read_meetings(map: &Map) -> Vec<Meeting> {
    let mut meetings: Vec<Meeting> = entries(map)
        .filter_map(|(key, m)| {
            Some(Meeting {
                id: key.parse().ok()?,
                episode: parsed(m, "episode"),
                date: date_of(m, "date")?,
                kind: parsed(m, "kind")?,
                present: str_list_of(m, "present")
                    .into_iter()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                notes: text_of(m, "notes").unwrap_or_default(),
                added_at: int_of(m, "added_at").unwrap_or(0),
            })
        })
        .collect();
    meetings.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
    meetings
}

/// Ratings in meeting-date order.
fn meeting_dates(meetings: &[Meeting]) -> std::collections::HashMap<&MeetingId, NaiveDate> {
    meetings.iter().map(|m| (&m.id, m.date)).collect()
}

fn read_ratings(map: &Map, meetings: &[Meeting]) -> Vec<Rating> {
    let dates = meeting_dates(meetings);
    let mut ratings: Vec<Rating> = entries(map)
        .filter_map(|(key, r)| read_rating(key, r, &dates))
        .collect();
    ratings.sort_by(|a, b| (a.date, a.added_at, &a.id).cmp(&(b.date, b.added_at, &b.id)));
    ratings
}

/// A rating whose meeting is unknown is skipped (it cannot be placed on a graph)
/// rather than failing the whole case.
fn read_rating(
    key: &str,
    r: &Map,
    dates: &std::collections::HashMap<&MeetingId, NaiveDate>,
) -> Option<Rating> {
    let meeting: MeetingId = parsed(r, "meeting")?;
    let date = *dates.get(&meeting)?;
    Some(Rating {
        id: key.parse().ok()?,
        meeting,
        date,
        measure: str_of(r, "measure")?,
        subject: parsed(r, "subject")?,
        rater: parsed(r, "rater")?,
        mode: parsed(r, "mode")?,
        not_given: str_of(r, "not_given"),
        versions: read_versions(r),
        recorded_by: parsed(r, "added_by"),
        added_at: int_of(r, "added_at").unwrap_or(0),
    })
}

fn read_versions(rating: &Map) -> Vec<RatingVersion> {
    let mut versions: Vec<RatingVersion> = list_of(rating, "versions")
        .filter_map(|v| {
            let Value::Map(v) = v else {
                return None;
            };
            Some(RatingVersion {
                items: int_list_of(v, "items")
                    .into_iter()
                    .map(|t| Tenths(t as i32))
                    .collect(),
                reason: str_of(v, "reason"),
                at: DateTime::from_timestamp_millis(int_of(v, "at").unwrap_or(0))?,
                by: parsed(v, "by"),
            })
        })
        .collect();
    // Two devices may correct the same rating at once: both versions are kept, and
    // the later one (by time, then list order, which every device agrees on) counts.
    versions.sort_by_key(|v| v.at);
    versions
}
