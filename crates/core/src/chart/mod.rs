//! The chart scene: what a FIT graph shows, laid out once in plot coordinates, so the
//! desktop UI (SVG) and the PDF exporter draw the same picture from the same numbers.
//! Renderers only map the unit square onto their own box, pick fonts and word the
//! change facts; they never compute a total, a cut-off or a change themselves.
//!
//! Coordinates: `x` and `y` are in 0..=1 with (0, 0) the bottom-left of a panel's plot
//! area; both panels share the x axis (dates).

mod layout;
mod style;

#[cfg(test)]
mod tests;

pub use layout::{ExpectedInput, RaterLabel, chart_scene};
pub use style::{Marker, SeriesStyle};

use crate::analytics::{Flag, ReliableChange};
use crate::measures::Purpose;
use crate::{MeetingId, PersonId, RatingId, Tenths};
use chrono::NaiveDate;
use serde::Serialize;

/// Everything one child's (or one rated person's) graph shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartScene {
    pub subject: PersonId,
    pub subject_name: String,
    /// Shared by both panels; `None` when nothing has been rated yet.
    pub x_axis: Option<XAxis>,
    /// The outcome panel first (ORS, CORS, YCORS), then the session panel (SRS, CSRS,
    /// YCSRS, GSRS) when there are session ratings.
    pub panels: Vec<Panel>,
    /// One entry per rater, in drawing order; a rater keeps its style in both panels.
    pub legend: Vec<LegendEntry>,
    /// Item scores under the graph: one column per rating date.
    pub table: ItemTable,
    /// Change from first to last rating, one per series, for the words under the graph.
    pub changes: Vec<ChangeFact>,
    /// Whether the expected-response band is drawn, and if not, why.
    pub expected: ExpectedStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct XAxis {
    /// The dates at x = 0 and x = 1 (the data range with a margin either side).
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub ticks: Vec<XTick>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct XTick {
    pub x: f64,
    pub date: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    Outcome,
    Session,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Panel {
    pub kind: PanelKind,
    /// Totals at y = 0 and y = 1.
    pub y_min: Tenths,
    pub y_max: Tenths,
    pub y_ticks: Vec<YTick>,
    /// Cut-off segments (outcome panel: the subject's age band at each date, so a
    /// birthday can move it) or the session measure's line at 36.
    pub reference_lines: Vec<ReferenceLine>,
    /// Drawn under the series.
    pub band: Option<ExpectedBand>,
    pub series: Vec<SeriesLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YTick {
    pub y: f64,
    pub value: Tenths,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// The clinical cut-off of an outcome measure.
    Cutoff,
    /// The session measure's threshold (36): below it, talk about the alliance.
    SessionThreshold,
}

/// A horizontal line from `x_from` to `x_to` at `y`, labelled with `value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferenceLine {
    pub kind: ReferenceKind,
    pub value: Tenths,
    pub y: f64,
    pub x_from: f64,
    pub x_to: f64,
}

/// The expected-response band for the subject's own outcome ratings, drawn at the
/// sessions that have happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectedBand {
    pub measure: String,
    /// The expected totals, one per session, as a line.
    pub expected: Vec<PlotXY>,
    /// The band's outline: the upper edge left to right, then the lower edge right to
    /// left, ready to fill as one polygon.
    pub outline: Vec<PlotXY>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PlotXY {
    pub x: f64,
    pub y: f64,
}

/// One rater's ratings on one measure: one line with markers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesLine {
    /// Stable within a scene: "<measure>:<rater id>"; the legend, table and change
    /// facts refer to it.
    pub key: String,
    pub measure: String,
    pub rater: PersonId,
    pub rater_name: String,
    /// True when the subject rated themself.
    pub self_rated: bool,
    pub style: SeriesStyle,
    pub points: Vec<PlotPoint>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlotPoint {
    pub x: f64,
    pub y: f64,
    pub date: NaiveDate,
    pub total: Tenths,
    pub meeting: MeetingId,
    pub rating: RatingId,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LegendEntry {
    pub rater: PersonId,
    pub rater_name: String,
    pub self_rated: bool,
    /// The measures this rater's lines show, e.g. ["CORS", "CSRS"].
    pub measures: Vec<String>,
    pub style: SeriesStyle,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemTable {
    pub columns: Vec<NaiveDate>,
    pub rows: Vec<TableRow>,
}

/// One item (or the total, when `item` is `None`) of one series, across the dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableRow {
    pub series: String,
    pub rater_name: String,
    pub measure: String,
    pub item: Option<String>,
    pub cells: Vec<Option<Tenths>>,
}

/// The facts behind the sentence under the graph, e.g. "Mother's ORS went from 18.0
/// to 26.5 (+8.5): a reliable improvement, still below the cut-off of 32".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangeFact {
    pub series: String,
    pub rater_name: String,
    pub self_rated: bool,
    pub measure: String,
    pub purpose: Purpose,
    pub ratings: usize,
    pub first: Tenths,
    pub last: Tenths,
    pub change: Tenths,
    /// `None` for session measures.
    pub reliable_change: Option<ReliableChange>,
    /// `None` for session measures and measures without a cut-off.
    pub clinically_significant: Option<bool>,
    pub cutoff: Option<Tenths>,
    pub flags: Vec<Flag>,
}

/// Whether the band is drawn; when it is not, why, as facts a renderer words in its
/// own language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExpectedStatus {
    Shown {
        measure: String,
    },
    /// The subject has not rated themself on an outcome measure yet.
    NoOwnRating,
    /// The band needs at least two of the subject's own ratings to be a band.
    TooFewRatings,
    /// Local norms need more closed episodes.
    NotEnoughData {
        have: usize,
        need: usize,
    },
    NoModel,
    /// The loaded model does not cover this measure.
    NotForMeasure {
        measure: String,
    },
}
