//! From one subject's outcome series to the scene: styles, the shared date axis,
//! cut-off segments, the expected band, the item table and the change facts.

use super::*;
use crate::analytics::{EtrUnavailable, ExpectedCurve, Series, SubjectOutcomes};
use crate::measures::MeasureSet;

/// A rater's display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaterLabel {
    pub person: PersonId,
    pub name: String,
}

/// The expected-response curve for the subject's own outcome ratings, or why there is
/// none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectedInput {
    Curve {
        measure: String,
        curve: ExpectedCurve,
    },
    Missing(ExpectedStatus),
}

impl From<EtrUnavailable> for ExpectedStatus {
    fn from(why: EtrUnavailable) -> ExpectedStatus {
        match why {
            EtrUnavailable::NotEnoughData { have, need } => {
                ExpectedStatus::NotEnoughData { have, need }
            }
            EtrUnavailable::NoModel => ExpectedStatus::NoModel,
            EtrUnavailable::UnknownMeasure(measure) => ExpectedStatus::NotForMeasure { measure },
        }
    }
}

const TOTAL_MIN: Tenths = Tenths(0);
const TOTAL_MAX: Tenths = Tenths(400);
/// The least distance between two labelled dates, as a share of the axis: a date
/// label is about a sixth of a graph's width.
const MIN_TICK_GAP: f64 = 0.17;
/// Empty space either side of the first and last rating, so markers are not cut off.
const MIN_MARGIN_DAYS: i64 = 3;

/// The scene for one subject. `raters` names the people who rated; a rater missing
/// from it is shown by id rather than left out.
pub fn chart_scene(
    subject: &SubjectOutcomes,
    raters: &[RaterLabel],
    measures: &MeasureSet,
    expected: ExpectedInput,
) -> ChartScene {
    let purpose_of = |measure: &str| {
        measures
            .get(measure)
            .map(|m| m.purpose)
            .unwrap_or(Purpose::Outcome)
    };
    let name_of = |person: &PersonId| {
        raters
            .iter()
            .find(|r| &r.person == person)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| person.to_string())
    };

    // Raters in legend order: the subject first, then the others by name, so the
    // same family gets the same picture every time.
    let mut order: Vec<PersonId> = Vec::new();
    for series in &subject.series {
        if !order.contains(&series.rater) {
            order.push(series.rater.clone());
        }
    }
    order.sort_by_key(|p| (p != &subject.person, name_of(p), p.to_string()));
    let style_of =
        |rater: &PersonId| SeriesStyle::nth(order.iter().position(|p| p == rater).unwrap_or(0));

    let mut sorted: Vec<&Series> = subject.series.iter().collect();
    sorted.sort_by_key(|s| {
        (
            purpose_of(&s.measure) != Purpose::Outcome,
            order.iter().position(|p| p == &s.rater),
            s.measure.clone(),
        )
    });

    let axis = DateAxis::over(sorted.iter().flat_map(|s| s.points.iter().map(|p| p.date)));
    let line = |s: &Series| SeriesLine {
        key: series_key(s),
        measure: s.measure.clone(),
        rater: s.rater.clone(),
        rater_name: name_of(&s.rater),
        self_rated: s.rater == subject.person,
        style: style_of(&s.rater),
        points: match &axis {
            Some(axis) => s
                .points
                .iter()
                .map(|p| PlotPoint {
                    x: axis.x(p.date),
                    y: y_of(p.total),
                    date: p.date,
                    total: p.total,
                    meeting: p.meeting.clone(),
                    rating: p.rating.clone(),
                })
                .collect(),
            None => Vec::new(),
        },
    };

    let outcome: Vec<&Series> = sorted
        .iter()
        .copied()
        .filter(|s| purpose_of(&s.measure) == Purpose::Outcome)
        .collect();
    let session: Vec<&Series> = sorted
        .iter()
        .copied()
        .filter(|s| purpose_of(&s.measure) == Purpose::Session)
        .collect();

    let outcome_lines: Vec<SeriesLine> = outcome.iter().map(|s| line(s)).collect();
    let (band, expected_status) = expected_band(&outcome_lines, expected);
    let mut panels = vec![Panel {
        kind: PanelKind::Outcome,
        y_min: TOTAL_MIN,
        y_max: TOTAL_MAX,
        y_ticks: y_ticks(),
        reference_lines: cutoff_segments(&outcome, &subject.person, axis.as_ref()),
        band,
        series: outcome_lines,
    }];
    if !session.is_empty() {
        panels.push(Panel {
            kind: PanelKind::Session,
            y_min: TOTAL_MIN,
            y_max: TOTAL_MAX,
            y_ticks: y_ticks(),
            reference_lines: session_threshold(&session),
            band: None,
            series: session.iter().map(|s| line(s)).collect(),
        });
    }

    let legend = order
        .iter()
        .map(|rater| LegendEntry {
            rater: rater.clone(),
            rater_name: name_of(rater),
            self_rated: rater == &subject.person,
            measures: sorted
                .iter()
                .filter(|s| &s.rater == rater)
                .map(|s| s.measure.clone())
                .collect(),
            style: style_of(rater),
        })
        .collect();

    ChartScene {
        subject: subject.person.clone(),
        subject_name: subject.name.clone(),
        x_axis: axis.as_ref().map(DateAxis::to_scene),
        panels,
        legend,
        table: item_table(&sorted, measures, &name_of),
        changes: sorted
            .iter()
            .map(|s| ChangeFact {
                series: series_key(s),
                rater_name: name_of(&s.rater),
                self_rated: s.rater == subject.person,
                measure: s.measure.clone(),
                purpose: purpose_of(&s.measure),
                ratings: s.points.len(),
                first: s.first,
                last: s.last,
                change: s.change,
                reliable_change: s.reliable_change,
                clinically_significant: s.clinically_significant,
                cutoff: s.cutoff,
                flags: s.flags.clone(),
            })
            .collect(),
        expected: expected_status,
    }
}

fn series_key(series: &Series) -> String {
    format!("{}:{}", series.measure, series.rater)
}

fn y_of(total: Tenths) -> f64 {
    let span = (TOTAL_MAX.0 - TOTAL_MIN.0) as f64;
    ((total.0 - TOTAL_MIN.0) as f64 / span).clamp(0.0, 1.0)
}

fn y_ticks() -> Vec<YTick> {
    (0..=4)
        .map(|i| {
            let value = Tenths(i * 100);
            YTick {
                y: y_of(value),
                value,
            }
        })
        .collect()
}

/// The shared x axis: the ratings' date range with a margin either side.
struct DateAxis {
    start: NaiveDate,
    end: NaiveDate,
    dates: Vec<NaiveDate>,
}

impl DateAxis {
    fn over(dates: impl Iterator<Item = NaiveDate>) -> Option<DateAxis> {
        let mut dates: Vec<NaiveDate> = dates.collect();
        dates.sort();
        dates.dedup();
        let (first, last) = (*dates.first()?, *dates.last()?);
        let margin = ((last - first).num_days() / 20).max(MIN_MARGIN_DAYS);
        Some(DateAxis {
            start: first - chrono::Duration::days(margin),
            end: last + chrono::Duration::days(margin),
            dates,
        })
    }

    fn x(&self, date: NaiveDate) -> f64 {
        let span = (self.end - self.start).num_days() as f64;
        ((date - self.start).num_days() as f64 / span).clamp(0.0, 1.0)
    }

    /// Ticks at rating dates, none closer than `MIN_TICK_GAP` to the one before, so
    /// date labels never overlap; the first and the latest rating are always labelled.
    fn to_scene(&self) -> XAxis {
        let mut picked: Vec<NaiveDate> = Vec::new();
        for &date in &self.dates {
            match picked.last() {
                Some(&last) if self.x(date) - self.x(last) < MIN_TICK_GAP => {}
                _ => picked.push(date),
            }
        }
        if let (Some(&latest), Some(&last)) = (self.dates.last(), picked.last())
            && latest != last
        {
            // The latest rating matters most: it replaces a neighbour too close to it.
            if picked.len() > 1 && self.x(latest) - self.x(last) < MIN_TICK_GAP {
                picked.pop();
            }
            if picked
                .last()
                .is_none_or(|&l| self.x(latest) - self.x(l) >= MIN_TICK_GAP)
            {
                picked.push(latest);
            }
        }
        XAxis {
            start: self.start,
            end: self.end,
            ticks: picked
                .into_iter()
                .map(|date| XTick {
                    x: self.x(date),
                    date,
                })
                .collect(),
        }
    }
}

/// The outcome cut-off as it applied at each date: taken from the subject's own
/// ratings when there are any (else everyone's), across measures (a child moving from
/// CORS to ORS at 13 moves from 32 to 28), split where the age band changes, the
/// boundary halfway between the two ratings either side of the birthday.
fn cutoff_segments(
    outcome: &[&Series],
    subject: &PersonId,
    axis: Option<&DateAxis>,
) -> Vec<ReferenceLine> {
    let Some(axis) = axis else {
        return Vec::new();
    };
    let own: Vec<&Series> = outcome
        .iter()
        .copied()
        .filter(|s| &s.rater == subject)
        .collect();
    let reference = if own.is_empty() {
        outcome.to_vec()
    } else {
        own
    };
    let mut points: Vec<(NaiveDate, Option<Tenths>)> = reference
        .iter()
        .flat_map(|s| s.points.iter().map(|p| (p.date, p.cutoff)))
        .collect();
    points.sort();
    let mut runs: Vec<(Option<Tenths>, f64, f64)> = Vec::new();
    for (date, cutoff) in points {
        let x = axis.x(date);
        match runs.last_mut() {
            Some((run_cutoff, _, last_x)) if *run_cutoff == cutoff => *last_x = x,
            _ => runs.push((cutoff, x, x)),
        }
    }
    let mut lines = Vec::new();
    for (i, (cutoff, _, last_x)) in runs.iter().enumerate() {
        let x_from = if i == 0 {
            0.0
        } else {
            (runs[i - 1].2 + runs[i].1) / 2.0
        };
        let x_to = match runs.get(i + 1) {
            Some(next) => (last_x + next.1) / 2.0,
            None => 1.0,
        };
        if let Some(value) = cutoff {
            lines.push(ReferenceLine {
                kind: ReferenceKind::Cutoff,
                value: *value,
                y: y_of(*value),
                x_from,
                x_to,
            });
        }
    }
    lines
}

/// The session measure's threshold across the whole panel, from the latest rating.
fn session_threshold(session: &[&Series]) -> Vec<ReferenceLine> {
    let latest = session
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|p| p.cutoff.is_some())
        .max_by_key(|p| p.date);
    latest
        .and_then(|p| p.cutoff)
        .map(|value| ReferenceLine {
            kind: ReferenceKind::SessionThreshold,
            value,
            y: y_of(value),
            x_from: 0.0,
            x_to: 1.0,
        })
        .into_iter()
        .collect()
}

/// The band at the sessions that happened: session k at the subject's kth own rating.
fn expected_band(
    outcome: &[SeriesLine],
    expected: ExpectedInput,
) -> (Option<ExpectedBand>, ExpectedStatus) {
    let (measure, curve) = match expected {
        ExpectedInput::Curve { measure, curve } => (measure, curve),
        ExpectedInput::Missing(status) => return (None, status),
    };
    let Some(own) = outcome
        .iter()
        .find(|s| s.self_rated && s.measure.eq_ignore_ascii_case(&measure))
    else {
        return (None, ExpectedStatus::NoOwnRating);
    };
    let sessions: Vec<(f64, &crate::analytics::ExpectedPoint)> = own
        .points
        .iter()
        .zip(curve.points.iter())
        .map(|(p, e)| (p.x, e))
        .collect();
    if sessions.len() < 2 {
        return (None, ExpectedStatus::TooFewRatings);
    }
    let upper = sessions.iter().map(|(x, e)| PlotXY {
        x: *x,
        y: y_of(e.high),
    });
    let lower = sessions.iter().rev().map(|(x, e)| PlotXY {
        x: *x,
        y: y_of(e.low),
    });
    let band = ExpectedBand {
        measure: own.measure.clone(),
        expected: sessions
            .iter()
            .map(|(x, e)| PlotXY {
                x: *x,
                y: y_of(e.expected),
            })
            .collect(),
        outline: upper.chain(lower).collect(),
    };
    (Some(band), ExpectedStatus::Shown { measure })
}

fn item_table(
    series: &[&Series],
    measures: &MeasureSet,
    name_of: &dyn Fn(&PersonId) -> String,
) -> ItemTable {
    let mut columns: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date))
        .collect();
    columns.sort();
    columns.dedup();
    let mut rows = Vec::new();
    for s in series {
        // A second rating by the same rater on the same day (rare) shows the later one.
        let at = |date: &NaiveDate| s.points.iter().rev().find(|p| &p.date == date);
        let item_names: Vec<String> = measures
            .get(&s.measure)
            .map(|m| m.items.iter().map(|i| i.short_name.clone()).collect())
            .unwrap_or_default();
        for (i, name) in item_names.iter().enumerate() {
            rows.push(TableRow {
                series: series_key(s),
                rater_name: name_of(&s.rater),
                measure: s.measure.clone(),
                item: Some(name.clone()),
                cells: columns
                    .iter()
                    .map(|d| at(d).and_then(|p| p.items.get(i).copied()))
                    .collect(),
            });
        }
        rows.push(TableRow {
            series: series_key(s),
            rater_name: name_of(&s.rater),
            measure: s.measure.clone(),
            item: None,
            cells: columns.iter().map(|d| at(d).map(|p| p.total)).collect(),
        });
    }
    ItemTable { columns, rows }
}
