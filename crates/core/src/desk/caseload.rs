//! One caseload row per case: each child's outcome trend (for a sparkline) and the
//! flags a worker sorts and filters by.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analytics::{self, Flag, Series};
use crate::case::{CaseView, EpisodeStatus};
use crate::measures::{MeasureSet, Purpose};
use crate::{CaseId, CoreError, PersonId, Tenths};

/// An open episode with no meeting for this many days shows "nothing recorded lately":
/// six weeks is the longest usual gap between FIT meetings (reviews every 6-12 weeks).
pub const QUIET_AFTER_DAYS: i64 = 42;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseloadFlag {
    NotImproving,
    BelowCutoff,
    Deteriorated,
    SrsBelowCutoff,
    SrsAlwaysMax,
    NothingRecordedLately,
}

impl From<Flag> for CaseloadFlag {
    fn from(f: Flag) -> Self {
        match f {
            Flag::NotImproving => CaseloadFlag::NotImproving,
            Flag::BelowCutoff => CaseloadFlag::BelowCutoff,
            Flag::Deteriorated => CaseloadFlag::Deteriorated,
            Flag::SrsBelowCutoff => CaseloadFlag::SrsBelowCutoff,
            Flag::SrsAlwaysMax => CaseloadFlag::SrsAlwaysMax,
        }
    }
}

/// A child's outcome totals, oldest first, for a small sparkline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildTrend {
    pub person: PersonId,
    pub name: String,
    /// The measure of the trend shown (`None`: nothing rated yet).
    pub measure: Option<String>,
    pub totals: Vec<Tenths>,
    /// The cut-off at the latest point, for a reference line.
    pub cutoff: Option<Tenths>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub id: CaseId,
    pub family: String,
    pub reference: String,
    pub status: Option<EpisodeStatus>,
    pub children: Vec<ChildTrend>,
    pub flags: Vec<CaseloadFlag>,
    pub last_meeting: Option<NaiveDate>,
    /// For an open episode, the date since which nothing has been recorded (the last
    /// meeting, else the opening or referral): the only part of a row that ages.
    pub quiet_since: Option<NaiveDate>,
}

impl CaseloadRow {
    /// Sets the "nothing recorded lately" flag for `today`; the rest of the row depends
    /// on the case alone, so a kept row is brought up to date by this.
    pub fn age_to(&mut self, today: NaiveDate) {
        self.flags
            .retain(|f| *f != CaseloadFlag::NothingRecordedLately);
        if self
            .quiet_since
            .is_some_and(|d| (today - d).num_days() >= QUIET_AFTER_DAYS)
        {
            self.flags.push(CaseloadFlag::NothingRecordedLately);
            self.flags.sort();
        }
    }
}

/// The trend shown for a child: the child's own outcome rating when there is one
/// (their voice first), otherwise the outcome series with the most ratings.
fn trend_series<'a>(
    series: &'a [Series],
    child: &PersonId,
    set: &MeasureSet,
) -> Option<&'a Series> {
    let outcome: Vec<&Series> = series
        .iter()
        .filter(|s| {
            set.get(&s.measure)
                .is_ok_and(|m| m.purpose == Purpose::Outcome)
        })
        .collect();
    outcome
        .iter()
        .find(|s| &s.rater == child)
        .or_else(|| outcome.iter().max_by_key(|s| s.points.len()))
        .copied()
}

/// The caseload row of one case (its current episode), as of `today`.
pub fn caseload_row(
    view: &CaseView,
    set: &MeasureSet,
    today: NaiveDate,
) -> Result<CaseloadRow, CoreError> {
    let (subjects, ratings) = view.analytics_inputs(None);
    let outcomes = analytics::case_outcomes(&subjects, &ratings, set)?;
    let mut flags: Vec<CaseloadFlag> = analytics::flags_summary(&outcomes)
        .into_iter()
        .map(CaseloadFlag::from)
        .collect();
    let episode = view.episodes.last();
    let last_meeting = view
        .meetings
        .iter()
        .filter(|m| episode.is_none_or(|e| m.episode.as_ref() == Some(&e.id)))
        .map(|m| m.date)
        .max();
    let quiet_since = episode
        .filter(|e| e.status == EpisodeStatus::Open)
        .and_then(|e| last_meeting.or(e.opened).or(e.referred));
    flags.sort();
    let children = view
        .people
        .iter()
        .filter(|p| p.role.is_child())
        .map(|p| {
            let series = outcomes
                .subjects
                .iter()
                .find(|s| s.person == p.id)
                .and_then(|s| trend_series(&s.series, &p.id, set));
            ChildTrend {
                person: p.id.clone(),
                name: p.name.clone(),
                measure: series.map(|s| s.measure.clone()),
                totals: series
                    .map(|s| s.points.iter().map(|pt| pt.total).collect())
                    .unwrap_or_default(),
                cutoff: series.and_then(|s| s.cutoff),
            }
        })
        .collect();
    let mut row = CaseloadRow {
        id: view.id.clone(),
        family: view.family.name.clone(),
        reference: view.family.reference.clone(),
        status: episode.map(|e| e.status),
        children,
        flags,
        last_meeting,
        quiet_since,
    };
    row.age_to(today);
    Ok(row)
}
