//! The warning signs the FIT manual names, as flags for the case graph and the
//! caseload list. They prompt reflection; none suggests closing a case because a
//! score is high (the ORS measures well-being, not risk).

use super::{Outcomes, ReliableChange, Series};
use crate::measures::{Measure, Purpose};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Outcome measure: the latest total is below the cut-off.
    BelowCutoff,
    /// Outcome measure: three or more ratings and no reliable improvement.
    NotImproving,
    /// Outcome measure: the total fell by at least the reliable-change threshold.
    Deteriorated,
    /// Session measure: the latest total is below its cut-off (36).
    SrsBelowCutoff,
    /// Session measure: every total is the maximum (at least two of them): the
    /// feedback is probably not honest.
    SrsAlwaysMax,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::BelowCutoff => "below_cutoff",
            Flag::NotImproving => "not_improving",
            Flag::Deteriorated => "deteriorated",
            Flag::SrsBelowCutoff => "srs_below_cutoff",
            Flag::SrsAlwaysMax => "srs_always_max",
        }
    }
}

/// The ratings that trigger "not improving": fewer are too early to tell.
const NOT_IMPROVING_AFTER: usize = 3;
/// "Always the maximum" needs at least this many ratings: one 40 is just a good meeting.
const ALWAYS_MAX_AFTER: usize = 2;

/// The flags of one finished series (points, cut-off and change already set).
pub(super) fn series_flags(series: &Series, measure: &Measure) -> Vec<Flag> {
    let mut flags = Vec::new();
    let below = series.cutoff.is_some_and(|c| series.last < c);
    match measure.purpose {
        Purpose::Outcome => {
            if below {
                flags.push(Flag::BelowCutoff);
            }
            if series.points.len() >= NOT_IMPROVING_AFTER
                && series.reliable_change != Some(ReliableChange::Improved)
            {
                flags.push(Flag::NotImproving);
            }
            if series.reliable_change == Some(ReliableChange::Deteriorated) {
                flags.push(Flag::Deteriorated);
            }
        }
        Purpose::Session => {
            if below {
                flags.push(Flag::SrsBelowCutoff);
            }
            if series.points.len() >= ALWAYS_MAX_AFTER
                && series.points.iter().all(|p| p.total == measure.max_total())
            {
                flags.push(Flag::SrsAlwaysMax);
            }
        }
    }
    flags
}

/// Every flag raised anywhere in a case, for the caseload list.
pub fn flags_summary(outcomes: &Outcomes) -> BTreeSet<Flag> {
    outcomes
        .subjects
        .iter()
        .flat_map(|s| &s.series)
        .flat_map(|s| s.flags.iter().copied())
        .collect()
}
