//! Outcome analytics: the one place where series, cut-offs, reliable and clinically
//! significant change, warning flags and expected-response curves are computed. The
//! UI, the PDF and the CLI all call these pure functions, so they always agree.

mod etr_parameters;
mod expected;
mod flags;
mod local_norms;
mod series;
mod team_fit;

pub use etr_parameters::EtrParameters;
pub use expected::{EtrUnavailable, ExpectedCurve, ExpectedPoint, ExpectedResponse};
pub use flags::{Flag, flags_summary};
pub use local_norms::LocalNorms;
pub use series::case_outcomes;
pub use team_fit::{FitScope, Share, TeamFitSummary, team_fit_summary};

use crate::{MeetingId, PersonId, PersonRole, RatingId, Tenths};
use chrono::NaiveDate;
use serde::Serialize;

/// A person whose ratings are graphed: a child, a sibling, or a parent rating themself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectInput {
    pub person: PersonId,
    pub name: String,
    pub born: Option<NaiveDate>,
    pub role: PersonRole,
}

/// One given rating (ratings recorded as "not given" are not passed in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingInput {
    pub rating: RatingId,
    pub meeting: MeetingId,
    pub date: NaiveDate,
    /// A measure id, matched ignoring case.
    pub measure: String,
    pub subject: PersonId,
    pub rater: PersonId,
    /// The latest version's item values.
    pub items: Vec<Tenths>,
}

/// The outcomes of one case; the caller adds the case id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcomes {
    pub subjects: Vec<SubjectOutcomes>,
}

/// All series of one subject: one per (measure, rater).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectOutcomes {
    pub person: PersonId,
    pub name: String,
    pub series: Vec<Series>,
}

/// One rater's ratings of one subject on one measure: one line on the graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Series {
    pub measure: String,
    pub rater: PersonId,
    /// The cut-off at the latest point.
    pub cutoff: Option<Tenths>,
    pub points: Vec<Point>,
    pub first: Tenths,
    pub last: Tenths,
    pub change: Tenths,
    /// `None` for session measures.
    pub reliable_change: Option<ReliableChange>,
    /// `None` for session measures and when there is no cut-off.
    pub clinically_significant: Option<bool>,
    pub flags: Vec<Flag>,
}

/// One rating on the graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    pub date: NaiveDate,
    pub meeting: MeetingId,
    pub rating: RatingId,
    pub items: Vec<Tenths>,
    pub total: Tenths,
    /// The cut-off for the subject's age on this date.
    pub cutoff: Option<Tenths>,
    pub below_cutoff: Option<bool>,
}

/// Change from the first to the last rating, against the measure's threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliableChange {
    Improved,
    Deteriorated,
    None,
}

#[cfg(test)]
mod tests;
