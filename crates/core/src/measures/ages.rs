//! Which ages a measure is meant for, and its cut-off at a given age.

use super::{AgeRange, Measure, MeasureSet, Purpose};
use crate::Tenths;

impl AgeRange {
    pub fn contains(&self, age: u32) -> bool {
        self.min.is_none_or(|lo| age >= lo) && self.max.is_none_or(|hi| age <= hi)
    }
}

impl std::fmt::Display for AgeRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => write!(f, "ages {lo}-{hi}"),
            (None, Some(hi)) => write!(f, "ages 0-{hi}"),
            (Some(lo), None) => write!(f, "ages {lo} and over"),
            (None, None) => write!(f, "all ages"),
        }
    }
}

impl Measure {
    /// The cut-off for a subject of this age (whole years on the rating's date).
    ///
    /// With an unknown age there is a cut-off only if it is the same at every age
    /// (the session measures' 36): guessing a child's band would draw a wrong line.
    pub fn cutoff_at_age(&self, age: Option<u32>) -> Option<Tenths> {
        match age {
            Some(age) => self
                .cutoffs
                .iter()
                .find(|b| age >= b.min_age && b.max_age.is_none_or(|hi| age <= hi))
                .and_then(|b| b.cutoff),
            None => {
                let first = self.cutoffs.first()?.cutoff;
                self.cutoffs
                    .iter()
                    .all(|b| b.cutoff == first)
                    .then_some(first)
                    .flatten()
            }
        }
    }

    /// The cut-off of the oldest (open-ended) band: used for an adult whose date of
    /// birth is not recorded.
    pub fn adult_cutoff(&self) -> Option<Tenths> {
        self.cutoffs.last().and_then(|b| b.cutoff)
    }

    /// A one-line warning when a subject of this age is outside the ages the measure
    /// is meant for, naming the shipped measures that are; `None` when the age fits
    /// or is unknown. A warning never blocks: a parent's collateral ORS of a young
    /// child is common practice.
    pub fn age_warning(&self, age: Option<u32>) -> Option<String> {
        self.age_warning_among(age, MeasureSet::shipped())
    }

    /// As [`Measure::age_warning`], naming the alternatives from `set` (a team's set
    /// with overrides).
    pub fn age_warning_among(&self, age: Option<u32>, set: &MeasureSet) -> Option<String> {
        let age = age?;
        if self.ages.contains(age) {
            return None;
        }
        let kind = match self.purpose {
            Purpose::Outcome => "outcome",
            Purpose::Session => "session",
        };
        let fitting: Vec<&str> = set
            .iter()
            .filter(|m| m.purpose == self.purpose && m.ages.contains(age))
            .map(|m| m.id.as_str())
            .collect();
        let advice = match fitting.as_slice() {
            [] => format!("no {kind} measure is meant for that age"),
            [one] => format!("{one} is the {kind} measure for that age"),
            [rest @ .., last] => format!(
                "{} and {last} are the {kind} measures for that age",
                rest.join(", ")
            ),
        };
        Some(format!(
            "{} is meant for {}; this person is {age}: {advice}",
            self.id, self.ages
        ))
    }
}
