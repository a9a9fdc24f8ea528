//! The case chronology (seed 004 MUN:156; DEV:316; SCW:2908-2948): the child's story as
//! one date-ordered list. Significant events are entered by hand with their context
//! (what happened, where the information came from, the impact on the child); every
//! other event is derived at read time from the records that already hold it
//! (episodes, meetings, ratings, stages of change, case supervision, consent, plans and
//! reviews), so no fact is stored twice.
//!
//! Order: by date; on the same date by [`ChronologySource`] in its declared order
//! (an episode opens first and closes last; a meeting comes before the ratings given
//! at it; hand-entered events come after the derived ones), then by the time the
//! record was added, then by the record's id, then by position inside the record
//! (a supervision record before its decisions, decisions in their order).

use automerge::{ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{CaseDoc, EpisodeStatus, Person};
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_text};
use crate::hydrated::{entries, int_of, str_of, text_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{ChronologyEventId, CoreError, MemberId, PersonId};

closed_list!(
    /// Where a chronology event comes from. The declared order is the order of events
    /// on the same date.
    ChronologySource, "chronology source" {
        Referral => "referral",
        EpisodeOpened => "episode-opened",
        Meeting => "meeting",
        Rating => "rating",
        StageOfChange => "stage-of-change",
        Supervision => "supervision",
        SupervisionDecision => "supervision-decision",
        Plan => "plan",
        PlanReview => "plan-review",
        Consent => "consent",
        SharedWithoutConsent => "shared-without-consent",
        SignificantEvent => "significant-event",
        ClosureDecision => "closure-decision",
        ClosingSummarySigned => "closing-summary-signed",
        EpisodeClosed => "episode-closed",
    }
);

/// A significant event entered by hand.
pub struct NewChronologyEvent {
    pub id: ChronologyEventId,
    pub date: NaiveDate,
    /// What happened (narrative).
    pub what: String,
    /// Where the information came from ("police notification", "school"), if given.
    pub source: Option<String>,
    /// The impact on the child (narrative), if given.
    pub impact: Option<String>,
}

/// One event of the chronology.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChronologyEvent {
    pub date: NaiveDate,
    pub source: ChronologySource,
    /// A short line built from the record's own data (a hand-entered event: what happened).
    pub summary: String,
    /// The impact on the child (hand-entered events only).
    pub impact: Option<String>,
    /// Where the information came from (hand-entered events only).
    pub information_source: Option<String>,
    /// The id of the record the event comes from (an episode, meeting, rating, stage
    /// entry, supervision record, consent record, plan, plan review or hand-entered
    /// event id, as `source` says).
    pub record: String,
    /// Who recorded it, where the record says.
    pub recorded_by: Option<MemberId>,
}

/// An event with its sort key.
pub(crate) struct Dated {
    pub(crate) event: ChronologyEvent,
    /// Milliseconds when the record was added (0 when unknown).
    pub(crate) added_at: i64,
    /// Position inside its record.
    pub(crate) seq: usize,
}

impl Dated {
    pub(crate) fn new(
        date: NaiveDate,
        source: ChronologySource,
        summary: String,
        record: String,
        recorded_by: Option<MemberId>,
        added_at: i64,
    ) -> Dated {
        Dated {
            event: ChronologyEvent {
                date,
                source,
                summary,
                impact: None,
                information_source: None,
                record,
                recorded_by,
            },
            added_at,
            seq: 0,
        }
    }
}

/// "Name (role)" for a person of the case, as the case record holds it.
pub(crate) fn person_label(people: &[Person], id: &PersonId) -> String {
    people
        .iter()
        .find(|p| &p.id == id)
        .map(|p| format!("{} ({})", p.name, p.role))
        .unwrap_or_else(|| "a person no longer in the case".to_string())
}

/// A kebab-case word list as words, first letter capital ("care-plan" -> "Care plan").
fn words(kebab: &str) -> String {
    let s = kebab.replace('-', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

impl CaseDoc {
    /// Adds a significant event to the chronology (a practitioner); returns its id.
    /// The date may not lie in the future; what happened may not be empty.
    pub fn add_chronology_event(
        &mut self,
        new: NewChronologyEvent,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ChronologyEventId, CoreError> {
        let actor = permissions::actor(team, by, Action::AddChronologyEvent)?;
        permissions::check(Action::AddChronologyEvent, actor)?;
        not_in_future(new.date, today)?;
        let what = super::required_narrative("description of what happened", &new.what)?;
        let optional = |t: &Option<String>| match t.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(t) => Some(t.to_string()),
        };
        let source = optional(&new.source);
        let impact = optional(&new.impact);
        if obj_at(&self.doc, &ROOT, "chronology")
            .and_then(|c| obj_at(&self.doc, &c, new.id.as_str()))
            .is_some()
        {
            return Err(CoreError::Invalid(
                "that chronology event id is already used".into(),
            ));
        }
        let all = self.map_or_create(&ROOT, "chronology")?;
        let e = self.doc.put_object(&all, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&e, "date", new.date.to_string())?;
        put_text(&mut self.doc, &e, "what", &what)?;
        if let Some(s) = &source {
            self.doc.put(&e, "source", s.as_str())?;
        }
        put_text(&mut self.doc, &e, "impact", impact.as_deref().unwrap_or(""))?;
        self.doc.put(&e, "by", by.as_str())?;
        self.doc.put(&e, "added_at", now.timestamp_millis())?;
        self.commit("chronology.add", now);
        Ok(new.id)
    }

    /// The whole chronology of the case, in date order (see the module's note on ties).
    pub fn chronology(&self) -> Result<Vec<ChronologyEvent>, CoreError> {
        let case = self.view()?;
        let people = &case.people;
        let mut out: Vec<Dated> = Vec::new();

        // Hand-entered events.
        let hand = self.hydrate_optional("chronology")?.unwrap_or_default();
        for (k, e) in entries(&hand) {
            let (Some(date), Ok(_)) = (
                str_of(e, "date").and_then(|d| d.parse().ok()),
                k.parse::<ChronologyEventId>(),
            ) else {
                continue;
            };
            let mut d = Dated::new(
                date,
                ChronologySource::SignificantEvent,
                text_of(e, "what").unwrap_or_default(),
                k.clone(),
                str_of(e, "by").and_then(|s| s.parse().ok()),
                int_of(e, "added_at").unwrap_or(0),
            );
            d.event.impact = text_of(e, "impact").filter(|t| !t.trim().is_empty());
            d.event.information_source = str_of(e, "source");
            out.push(d);
        }

        // Episodes.
        for (i, ep) in case.episodes.iter().enumerate() {
            let opened_text = if i == 0 {
                "Episode opened"
            } else {
                "Episode opened (re-referral)"
            };
            // A referral onto the waiting list is its own event; the opening follows
            // on the day the family is taken on.
            let waited = ep.referred.is_some() && ep.referred != ep.opened;
            if let (true, Some(referred)) = (waited, ep.referred) {
                out.push(Dated::new(
                    referred,
                    ChronologySource::Referral,
                    "Referred (waiting list)".to_string(),
                    ep.id.to_string(),
                    None,
                    0,
                ));
            }
            if let Some(opened) = ep.opened {
                let what = if waited {
                    "Opened from the waiting list".to_string()
                } else {
                    opened_text.to_string()
                };
                out.push(Dated::new(
                    opened,
                    ChronologySource::EpisodeOpened,
                    what,
                    ep.id.to_string(),
                    None,
                    0,
                ));
            }
            if ep.status == EpisodeStatus::Closed
                && let Some(closed) = ep.closed
            {
                let reason = ep.closing_reason.trim();
                let what = if reason.is_empty() {
                    "Episode closed".to_string()
                } else {
                    format!("Episode closed: {reason}")
                };
                out.push(Dated::new(
                    closed,
                    ChronologySource::EpisodeClosed,
                    what,
                    ep.id.to_string(),
                    None,
                    0,
                ));
            }
        }

        // Meetings and the ratings given at them.
        for m in &case.meetings {
            let present: Vec<String> = m.present.iter().map(|p| person_label(people, p)).collect();
            let mut what = format!("{} meeting", words(m.kind.as_str()));
            if !present.is_empty() {
                what.push_str(&format!("; present: {}", present.join(", ")));
            }
            out.push(Dated::new(
                m.date,
                ChronologySource::Meeting,
                what,
                m.id.to_string(),
                None,
                m.added_at,
            ));
        }
        for r in &case.ratings {
            let mut what = format!("{} by {}", r.measure, person_label(people, &r.rater));
            if r.subject != r.rater {
                what.push_str(&format!(" about {}", person_label(people, &r.subject)));
            }
            match (&r.not_given, r.current_total()) {
                (Some(reason), _) => what.push_str(&format!(": not given ({})", reason.trim())),
                (None, Some(total)) => {
                    what.push_str(&format!(": total {total}"));
                    if r.versions.len() > 1 {
                        what.push_str(" (corrected)");
                    }
                }
                (None, None) => what.push_str(": no score"),
            }
            out.push(Dated::new(
                r.date,
                ChronologySource::Rating,
                what,
                r.id.to_string(),
                r.recorded_by.clone(),
                r.added_at,
            ));
        }

        // Stages of change.
        for s in self.stages_of_change()? {
            for e in &s.history {
                let mut what = format!(
                    "{}: {} - {}",
                    person_label(people, &s.person),
                    s.problem,
                    e.stage
                );
                if let Some(q) = &e.quote {
                    what.push_str(&format!(" (\"{q}\")"));
                }
                out.push(Dated::new(
                    e.date,
                    ChronologySource::StageOfChange,
                    what,
                    e.id.to_string(),
                    e.recorded_by.clone(),
                    e.added_at.timestamp_millis(),
                ));
            }
        }

        // Case supervision and its decisions.
        for r in self.supervisions()? {
            let f = &r.fields;
            let rag = f
                .rag
                .map(|g| format!("RAG {g}"))
                .unwrap_or_else(|| "no RAG".to_string());
            let state = if r.status.is_finalised() {
                "finalised"
            } else {
                "draft"
            };
            let n = f.decisions.len();
            let what = format!(
                "Case supervision: {rag}, {n} decision{} ({state})",
                if n == 1 { "" } else { "s" }
            );
            let at = r.added_at.timestamp_millis();
            out.push(Dated::new(
                f.date,
                ChronologySource::Supervision,
                what,
                r.id.to_string(),
                r.recorded_by.clone(),
                at,
            ));
            for (i, d) in f.decisions.iter().enumerate() {
                let mut e = Dated::new(
                    f.date,
                    ChronologySource::SupervisionDecision,
                    format!("Decision: {} (because: {})", d.decision, d.reason),
                    r.id.to_string(),
                    r.recorded_by.clone(),
                    at,
                );
                e.seq = i + 1;
                out.push(e);
            }
        }

        // Closure: the team manager's decision and the closing summary's sign-off.
        for m in self.closure_milestones()? {
            if let Some(d) = &m.decision {
                out.push(Dated::new(
                    d.date,
                    ChronologySource::ClosureDecision,
                    format!("Closure decided: {}", d.reason.trim()),
                    m.episode.to_string(),
                    d.by.clone(),
                    d.added_at.timestamp_millis(),
                ));
            }
            for signed in &m.sign_offs {
                out.push(Dated::new(
                    signed.at.date_naive(),
                    ChronologySource::ClosingSummarySigned,
                    format!("Closing summary signed off ({})", signed.role),
                    m.episode.to_string(),
                    Some(signed.by.clone()),
                    signed.at.timestamp_millis(),
                ));
            }
        }

        out.extend(self.consent_chronology(people)?);
        out.extend(self.plan_chronology(people)?);

        out.sort_by(|a, b| {
            (
                a.event.date,
                a.event.source,
                a.added_at,
                &a.event.record,
                a.seq,
            )
                .cmp(&(
                    b.event.date,
                    b.event.source,
                    b.added_at,
                    &b.event.record,
                    b.seq,
                ))
        });
        Ok(out.into_iter().map(|d| d.event).collect())
    }
}
