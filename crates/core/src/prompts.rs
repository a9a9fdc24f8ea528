//! Drift prompts (seeds 001, 002; Munro): timescales are prompts against drift, never
//! blocks. A prompt is computed at read time from a case's view, plans and case
//! supervision records, with the team's thresholds ([`DriftSettings`], kept in the team
//! document's `settings.drift` map) and today's date passed in.
//!
//! **A prompt never blocks anything.** [`drift_prompts`] is a pure function that returns
//! a list; no edit in hearth-core or hearth-api reads it, and there is no code path in
//! which a prompt refuses, delays or changes an action. A worker may add meetings,
//! ratings, plans, reviews and supervision records, or close the case, while any number
//! of prompts are showing.
//!
//! Per open episode (a case has at most one), with `O` the date it opened:
//! - `first_contact`: no meeting in the episode before day `O + first_contact_days`:
//!   shown from that day while there is no meeting, and for good when the first
//!   meeting was dated on or after it (it came late). With the default 5, a meeting
//!   on day `O + 4` is in time; on day `O + 5`, with no meeting, the prompt shows.
//! - `plan_review_due` (a softer note) and `plan_review_overdue`: the last plan or
//!   plan review dated in the episode (or the opening, when there is none) lies
//!   `review_min_weeks` (6) or `review_max_weeks` (12) weeks back or more.
//! - `open_without_reason`: open `reason_after_months` (9) months or more without a
//!   recorded reason. Hearth has no separate "reason for staying open" field; the
//!   reason is a case supervision record, dated in the episode, that records at least
//!   one decision with its reason. Such a record counts for `reason_valid_months` (3)
//!   months: the prompt shows from the later of `O + 9 months` and
//!   `last such record + 3 months`.
//! - `no_reflective_review`: open `reflective_review_months` (12) months or more with no
//!   case supervision record (the team manager's reflective review of the case) dated
//!   in the episode within the last 12 months: it shows from the later of
//!   `O + 12 months` and `last record + 12 months`.
//! - `ors_not_recorded` / `srs_not_recorded`: none of the last `unrated_meetings` (2)
//!   meetings of the episode has an outcome (ORS, CORS, YCORS) / session (SRS, CSRS,
//!   YCSRS, GSRS) rating with values. A rating recorded as "not given" counts as not
//!   recorded. The SRS is only expected at meetings other than network meetings, so
//!   those are skipped for the SRS.
//!
//! Month arithmetic is calendar months (31 January + 1 month = 28 or 29 February).

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::{CaseView, EpisodeStatus, Meeting};
use crate::casework::{PlanView, SupervisionView};
use crate::measures::{MeasureSet, Purpose};
use crate::{CaseId, CoreError, EpisodeId, MeetingKind};

/// The team's drift thresholds (team managers change them; see
/// `TeamDoc::set_drift_settings`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DriftSettings {
    /// First contact (the first meeting) is due within this many days of opening.
    pub first_contact_days: u32,
    /// A softer note when the last plan or review is this many weeks old.
    pub review_min_weeks: u32,
    /// A prompt when the last plan or review is this many weeks old.
    pub review_max_weeks: u32,
    /// Open this many months needs a recorded reason.
    pub reason_after_months: u32,
    /// How long a recorded reason (a supervision decision) counts.
    pub reason_valid_months: u32,
    /// Open this many months needs a reflective review (case supervision) within as
    /// many months.
    pub reflective_review_months: u32,
    /// ORS/SRS not recorded at this many meetings in a row.
    pub unrated_meetings: u32,
}

impl Default for DriftSettings {
    fn default() -> Self {
        DriftSettings {
            first_contact_days: 5,
            review_min_weeks: 6,
            review_max_weeks: 12,
            reason_after_months: 9,
            reason_valid_months: 3,
            reflective_review_months: 12,
            unrated_meetings: 2,
        }
    }
}

impl DriftSettings {
    /// Refuses thresholds that would make no sense (zero, or a review window upside down).
    pub fn validate(&self) -> Result<(), CoreError> {
        let positive = [
            ("first-contact days", self.first_contact_days),
            ("review weeks", self.review_min_weeks),
            ("review weeks", self.review_max_weeks),
            ("months before a reason is needed", self.reason_after_months),
            ("months a reason counts", self.reason_valid_months),
            (
                "months before a reflective review is needed",
                self.reflective_review_months,
            ),
            ("unrated meetings", self.unrated_meetings),
        ];
        for (what, v) in positive {
            if v == 0 {
                return Err(CoreError::Invalid(format!("the {what} must be at least 1")));
            }
        }
        let limits = [
            ("first-contact days", self.first_contact_days, 365),
            ("review weeks", self.review_max_weeks, 104),
            (
                "months before a reason is needed",
                self.reason_after_months,
                120,
            ),
            ("months a reason counts", self.reason_valid_months, 120),
            (
                "months before a reflective review is needed",
                self.reflective_review_months,
                120,
            ),
            ("unrated meetings", self.unrated_meetings, 50),
        ];
        for (what, v, max) in limits {
            if v > max {
                return Err(CoreError::Invalid(format!(
                    "the {what} must be at most {max}"
                )));
            }
        }
        if self.review_min_weeks > self.review_max_weeks {
            return Err(CoreError::Invalid(
                "the shorter review interval must not exceed the longer one".into(),
            ));
        }
        Ok(())
    }
}

/// How strongly a prompt speaks: a note (the soft end of a window) or a prompt.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PromptLevel {
    Note,
    Prompt,
}

/// One prompt against drift. It informs; it never refuses anything.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Prompt {
    /// A stable snake_case id: `first_contact`, `plan_review_due`,
    /// `plan_review_overdue`, `open_without_reason`, `no_reflective_review`,
    /// `ors_not_recorded`, `srs_not_recorded`.
    pub kind: String,
    pub level: PromptLevel,
    pub case: CaseId,
    pub episode: EpisodeId,
    /// One line, no case content (no names, no notes).
    pub message: String,
    /// The day the threshold was passed.
    pub since: NaiveDate,
}

fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The prompts for one case, in a fixed order (by kind as listed in the module docs).
/// `measures` says which measures are outcome (ORS-like) and session (SRS-like)
/// scales. Read-only: see the module docs: a prompt never blocks an action.
pub fn drift_prompts(
    case: &CaseView,
    plans: &[PlanView],
    supervisions: &[SupervisionView],
    measures: &MeasureSet,
    settings: &DriftSettings,
    today: NaiveDate,
) -> Vec<Prompt> {
    let mut out = Vec::new();
    for episode in &case.episodes {
        if episode.status != EpisodeStatus::Open {
            continue;
        }
        let Some(opened) = episode.opened else {
            continue;
        };
        let mut prompt = |kind: &str, level: PromptLevel, since: NaiveDate, message: String| {
            out.push(Prompt {
                kind: kind.into(),
                level,
                case: case.id.clone(),
                episode: episode.id.clone(),
                message,
                since,
            })
        };
        let in_episode = |d: NaiveDate| d >= opened && d <= today;
        let meetings: Vec<&Meeting> = case
            .meetings
            .iter()
            .filter(|m| m.episode.as_ref() == Some(&episode.id))
            .collect();

        // First contact.
        let due = add_days(opened, settings.first_contact_days);
        let first = meetings.iter().map(|m| m.date).min();
        match first {
            None if today >= due => prompt(
                "first_contact",
                PromptLevel::Prompt,
                due,
                format!(
                    "No meeting yet: first contact was due within {} of opening on {opened}",
                    plural(settings.first_contact_days, "day")
                ),
            ),
            Some(d) if d >= due => prompt(
                "first_contact",
                PromptLevel::Prompt,
                due,
                format!(
                    "First meeting on {d}, {} after opening on {opened} (due within {})",
                    plural((d - opened).num_days() as u32, "day"),
                    plural(settings.first_contact_days, "day")
                ),
            ),
            _ => {}
        }

        // Plan and review.
        let last_plan = plans
            .iter()
            .flat_map(|p| {
                std::iter::once(p.fields.date).chain(p.reviews.iter().map(|r| r.fields.date))
            })
            .filter(|d| in_episode(*d))
            .max();
        let base = last_plan.unwrap_or(opened);
        let what = match last_plan {
            Some(d) => format!("Last plan or review on {d}"),
            None => format!("No plan since the episode opened on {opened}"),
        };
        let overdue = add_days(base, settings.review_max_weeks.saturating_mul(7));
        let soon = add_days(base, settings.review_min_weeks.saturating_mul(7));
        if today >= overdue {
            prompt(
                "plan_review_overdue",
                PromptLevel::Prompt,
                overdue,
                format!(
                    "{what}: a review is overdue (every {}-{} weeks)",
                    settings.review_min_weeks, settings.review_max_weeks
                ),
            );
        } else if today >= soon {
            prompt(
                "plan_review_due",
                PromptLevel::Note,
                soon,
                format!(
                    "{what}: a review is due (every {}-{} weeks)",
                    settings.review_min_weeks, settings.review_max_weeks
                ),
            );
        }

        // A recorded reason past N months: a supervision decision with its reason.
        let last_reason = supervisions
            .iter()
            .filter(|s| in_episode(s.fields.date))
            .filter(|s| {
                s.fields
                    .decisions
                    .iter()
                    .any(|d| !d.decision.trim().is_empty() && !d.reason.trim().is_empty())
            })
            .map(|s| s.fields.date)
            .max();
        let mut since = add_months(opened, settings.reason_after_months);
        if let Some(d) = last_reason {
            since = since.max(add_months(d, settings.reason_valid_months));
        }
        if today >= since {
            let last = last_reason
                .map(|d| format!("; last supervision decision on {d}"))
                .unwrap_or_default();
            prompt(
                "open_without_reason",
                PromptLevel::Prompt,
                since,
                format!(
                    "Open since {opened}: record why the case stays open past {} \
                     (a case supervision decision with its reason){last}",
                    plural(settings.reason_after_months, "month")
                ),
            );
        }

        // A reflective review past N months: a case supervision record within N months.
        let last_review = supervisions
            .iter()
            .filter(|s| in_episode(s.fields.date))
            .map(|s| s.fields.date)
            .max();
        let mut since = add_months(opened, settings.reflective_review_months);
        if let Some(d) = last_review {
            since = since.max(add_months(d, settings.reflective_review_months));
        }
        if today >= since {
            let last = last_review
                .map(|d| format!("; last case supervision on {d}"))
                .unwrap_or_else(|| "; no case supervision in this episode".into());
            prompt(
                "no_reflective_review",
                PromptLevel::Prompt,
                since,
                format!(
                    "Open since {opened}: no reflective review (case supervision) in the last {}{last}",
                    plural(settings.reflective_review_months, "month")
                ),
            );
        }

        // Scales not used at the last meetings.
        let n = settings.unrated_meetings.max(1) as usize;
        let recorded = |m: &Meeting, purpose: Purpose| {
            case.ratings.iter().any(|r| {
                r.meeting == m.id
                    && r.not_given.is_none()
                    && !r.versions.is_empty()
                    && measures.get(&r.measure).is_ok_and(|x| x.purpose == purpose)
            })
        };
        for (kind, scale, purpose) in [
            ("ors_not_recorded", "ORS", Purpose::Outcome),
            ("srs_not_recorded", "SRS", Purpose::Session),
        ] {
            let expected: Vec<&&Meeting> = meetings
                .iter()
                .filter(|m| purpose == Purpose::Outcome || m.kind != MeetingKind::Network)
                .collect();
            if expected.len() < n {
                continue;
            }
            let last = &expected[expected.len() - n..];
            if last.iter().all(|m| !recorded(m, purpose)) {
                let network = if purpose == Purpose::Session {
                    " (network meetings not counted)"
                } else {
                    ""
                };
                prompt(
                    kind,
                    PromptLevel::Prompt,
                    last[0].date,
                    format!(
                        "No {scale} recorded at the last {}{network}, since {}",
                        plural(n as u32, "meeting"),
                        last[0].date
                    ),
                );
            }
        }
    }
    out
}
