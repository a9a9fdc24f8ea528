//! The FIT measures (ORS, SRS and their child and group versions) as data.
//!
//! Definitions ship as JSON files in `crates/core/measures/` and are embedded at build
//! time. They are data, not code, because item wording is licensed by the scales'
//! owners (a licensed team loads its wording through an override) and because teams
//! change cut-offs and the reliable-change threshold to match their local norms.

mod ages;
mod definition;
mod items;
mod set;

pub use set::MeasureSet;

use crate::Tenths;

/// What a measure is for: outcome (well-being, start of a meeting) or session
/// (collaboration, end of a meeting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Outcome,
    Session,
}

/// One of a measure's items (focus areas): a 10 cm line read as 0.0-10.0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub short_name: String,
    /// The licensed item wording; `None` in the shipped files.
    pub wording: Option<String>,
}

/// The ages (inclusive, whole years) a measure is meant for; `None` means unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AgeRange {
    pub min: Option<u32>,
    pub max: Option<u32>,
}

/// The cut-off for subjects aged `min_age..=max_age` (`None`: no upper bound) on the
/// date of a rating. `cutoff: None` means the measure has no cut-off at those ages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutoffBand {
    pub min_age: u32,
    pub max_age: Option<u32>,
    pub cutoff: Option<Tenths>,
}

/// A measure definition, with every value in tenths of a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measure {
    pub id: String,
    pub name: String,
    pub purpose: Purpose,
    pub items: Vec<Item>,
    /// Lowest item value.
    pub min: Tenths,
    /// Highest item value.
    pub max: Tenths,
    /// The finest reading of an item.
    pub step: Tenths,
    pub ages: AgeRange,
    /// Contiguous bands from age 0 upwards, the last open-ended; empty means no
    /// cut-off at any age.
    pub cutoffs: Vec<CutoffBand>,
    /// The change in total from the first rating that counts as reliable.
    pub reliable_change: Tenths,
}

impl Measure {
    /// The highest possible total (40.0 for the FIT scales).
    pub fn max_total(&self) -> Tenths {
        let count = i32::try_from(self.items.len()).unwrap_or(i32::MAX);
        Tenths(self.max.0.saturating_mul(count))
    }

    /// The lowest possible total.
    pub fn min_total(&self) -> Tenths {
        let count = i32::try_from(self.items.len()).unwrap_or(i32::MAX);
        Tenths(self.min.0.saturating_mul(count))
    }
}

#[cfg(test)]
mod tests;
