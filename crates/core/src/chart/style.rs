//! How series are told apart. Case files are printed in black and white, so a rater
//! differs by dash pattern and marker as well as by colour.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesStyle {
    /// Position in the legend; the same rater has the same index in every panel.
    pub index: usize,
    /// `#rrggbb`, from a palette that colour-blind readers can tell apart (Okabe-Ito).
    pub colour: &'static str,
    /// Dash pattern in multiples of the line width; empty for a solid line.
    pub dash: &'static [f64],
    pub marker: Marker,
}

const COLOURS: [&str; 5] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"];
const DASHES: [&[f64]; 5] = [
    &[],
    &[6.0, 3.0],
    &[1.5, 2.5],
    &[6.0, 2.5, 1.5, 2.5],
    &[10.0, 4.0],
];
const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::Cross,
];

impl SeriesStyle {
    /// The style of the `index`th rater. Past five raters the styles repeat, shifted so
    /// that colour, dash and marker do not all repeat together.
    pub fn nth(index: usize) -> SeriesStyle {
        SeriesStyle {
            index,
            colour: COLOURS[index % COLOURS.len()],
            dash: DASHES[(index + index / DASHES.len()) % DASHES.len()],
            marker: MARKERS[(index + 2 * (index / MARKERS.len())) % MARKERS.len()],
        }
    }
}
