//! Building each subject's series from the case's ratings.

use super::flags::series_flags;
use super::{Outcomes, Point, RatingInput, ReliableChange, Series, SubjectInput, SubjectOutcomes};
use crate::measures::{Measure, MeasureSet, Purpose};
use crate::{CoreError, PersonId, Tenths, age_on};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The outcomes of one case: per subject (in `subjects` order), one series per
/// (measure, rater).
///
/// Points are sorted by date, then meeting; ties keep the input order. Series come
/// outcome measures first, in `measures` order, then by rater: the subject rating
/// themself first, then the other raters by the date of their first rating of this
/// subject on any measure (then by id), so each rater keeps one place on every graph.
///
/// Fails if a rating names a measure not in `measures` or a subject not in `subjects`:
/// dropping it silently would hide a score.
pub fn case_outcomes(
    subjects: &[SubjectInput],
    ratings: &[RatingInput],
    measures: &MeasureSet,
) -> Result<Outcomes, CoreError> {
    let mut resolved: Vec<(usize, &Measure, &RatingInput)> = Vec::with_capacity(ratings.len());
    for rating in ratings {
        let measure = measures.get(&rating.measure)?;
        let position = measures.position(&measure.id).unwrap_or(usize::MAX);
        if !subjects.iter().any(|s| s.person == rating.subject) {
            return Err(CoreError::NotInCase(format!(
                "rating {} is of a person who is not a subject of the case",
                rating.rating
            )));
        }
        resolved.push((position, measure, rating));
    }
    let subjects = subjects
        .iter()
        .map(|subject| {
            let own: Vec<_> = resolved
                .iter()
                .filter(|(_, _, r)| r.subject == subject.person)
                .copied()
                .collect();
            SubjectOutcomes {
                person: subject.person.clone(),
                name: subject.name.clone(),
                series: subject_series(subject, &own),
            }
        })
        .collect();
    Ok(Outcomes { subjects })
}

fn subject_series(
    subject: &SubjectInput,
    ratings: &[(usize, &Measure, &RatingInput)],
) -> Vec<Series> {
    let rater_rank = rater_ranks(subject, ratings);
    // Grouped by (outcome first, measure position, rater rank); the ratings stay in
    // input order inside a group, so the stable sort below keeps ties in input order.
    let mut groups: BTreeMap<(bool, usize, usize), (&Measure, Vec<&RatingInput>)> = BTreeMap::new();
    for &(position, measure, rating) in ratings {
        let rank = rater_rank.get(&rating.rater).copied().unwrap_or(usize::MAX);
        let key = (measure.purpose != Purpose::Outcome, position, rank);
        groups
            .entry(key)
            .or_insert((measure, Vec::new()))
            .1
            .push(rating);
    }
    groups
        .into_values()
        .map(|(measure, mut group)| {
            group.sort_by(|a, b| (a.date, &a.meeting).cmp(&(b.date, &b.meeting)));
            build_series(subject, measure, &group)
        })
        .collect()
}

/// Rank of each rater: the subject first, then by first rating date, then by id.
fn rater_ranks(
    subject: &SubjectInput,
    ratings: &[(usize, &Measure, &RatingInput)],
) -> BTreeMap<PersonId, usize> {
    let mut first_date: BTreeMap<&PersonId, NaiveDate> = BTreeMap::new();
    for (_, _, r) in ratings {
        let date = first_date.entry(&r.rater).or_insert(r.date);
        *date = (*date).min(r.date);
    }
    let mut raters: Vec<(bool, NaiveDate, &PersonId)> = first_date
        .into_iter()
        .map(|(rater, date)| (*rater != subject.person, date, rater))
        .collect();
    raters.sort();
    raters
        .into_iter()
        .enumerate()
        .map(|(rank, (_, _, rater))| (rater.clone(), rank))
        .collect()
}

/// The cut-off for this subject on this date. An unknown date of birth gives no
/// cut-off for a child (guessing the band would draw a wrong line) and the adult
/// band for anyone else.
fn cutoff_on(measure: &Measure, subject: &SubjectInput, date: NaiveDate) -> Option<Tenths> {
    match subject.born {
        Some(born) => measure.cutoff_at_age(Some(age_on(born, date))),
        None if subject.role.is_child() => measure.cutoff_at_age(None),
        None => measure.adult_cutoff(),
    }
}

/// One series from its ratings, already sorted (never empty).
fn build_series(subject: &SubjectInput, measure: &Measure, ratings: &[&RatingInput]) -> Series {
    let points: Vec<Point> = ratings
        .iter()
        .map(|r| {
            let total: Tenths = r.items.iter().copied().sum();
            let cutoff = cutoff_on(measure, subject, r.date);
            Point {
                date: r.date,
                meeting: r.meeting.clone(),
                rating: r.rating.clone(),
                items: r.items.clone(),
                total,
                cutoff,
                below_cutoff: cutoff.map(|c| total < c),
            }
        })
        .collect();
    let first = points.first().map(|p| p.total).unwrap_or_default();
    let last = points.last().map(|p| p.total).unwrap_or_default();
    let change = last - first;
    let cutoff = points.last().and_then(|p| p.cutoff);
    let (reliable_change, clinically_significant) = match measure.purpose {
        Purpose::Outcome => {
            let reliable = reliable_change(change, measure.reliable_change);
            // The manual: "moved from below to above the cut-off". We compare both ends
            // with the cut-off at the latest point, so a child who turns 13 during the
            // series is judged against the band they are in now (28, not 32).
            let significant =
                cutoff.map(|c| reliable == ReliableChange::Improved && first < c && c <= last);
            (Some(reliable), significant)
        }
        Purpose::Session => (None, None),
    };
    let mut series = Series {
        measure: measure.id.clone(),
        rater: ratings
            .first()
            .map(|r| r.rater.clone())
            .unwrap_or_else(|| subject.person.clone()),
        cutoff,
        points,
        first,
        last,
        change,
        reliable_change,
        clinically_significant,
        flags: Vec::new(),
    };
    series.flags = series_flags(&series, measure);
    series
}

fn reliable_change(change: Tenths, threshold: Tenths) -> ReliableChange {
    if change >= threshold {
        ReliableChange::Improved
    } else if Tenths(0) - change >= threshold {
        ReliableChange::Deteriorated
    } else {
        ReliableChange::None
    }
}
