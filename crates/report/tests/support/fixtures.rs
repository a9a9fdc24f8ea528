//! Hand-made document inputs shared by the tests and the benchmark: the renderer
//! only places what a scene says, so a scene built by hand tests it fully.

#![allow(dead_code)]

use chrono::NaiveDate;
use hearth_core::Tenths;
use hearth_core::chart::{
    ChangeFact, ChartScene, ExpectedBand, ExpectedStatus, ItemTable, LegendEntry, Panel, PanelKind,
    PlotPoint, PlotXY, ReferenceKind, ReferenceLine, SeriesLine, SeriesStyle, TableRow, XAxis,
    XTick, YTick,
};

pub const CHILD: &str = "Søren Ærøskøbing";
pub const MOTHER: &str = "Łucja Żółć";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A small scene by hand: the renderer only places what the scene says.
pub fn scene() -> ChartScene {
    use hearth_core::analytics::ReliableChange;
    use hearth_core::measures::Purpose;
    use hearth_core::{MeetingId, PersonId, RatingId};
    let child = PersonId::from_random([1; 16]);
    let mother = PersonId::from_random([2; 16]);
    let dates = [d(2025, 2, 3), d(2025, 3, 3), d(2025, 4, 7), d(2025, 5, 5)];
    let xs = [0.1, 0.35, 0.65, 0.9];
    let pts = |totals: [i32; 4], max: f64| -> Vec<PlotPoint> {
        (0..4)
            .map(|i| PlotPoint {
                x: xs[i],
                y: f64::from(totals[i]) / max,
                date: dates[i],
                total: Tenths(totals[i]),
                meeting: MeetingId::from_random([i as u8; 16]),
                rating: RatingId::from_random([i as u8 + 10; 16]),
            })
            .collect()
    };
    let series = |key: &str,
                  measure: &str,
                  rater: &PersonId,
                  name: &str,
                  own: bool,
                  i: usize,
                  totals: [i32; 4],
                  max: f64| SeriesLine {
        key: key.into(),
        measure: measure.into(),
        rater: rater.clone(),
        rater_name: name.into(),
        self_rated: own,
        style: SeriesStyle::nth(i),
        points: pts(totals, max),
    };
    let ticks = |n: i32, max: f64| -> Vec<YTick> {
        (0..=n)
            .map(|k| YTick {
                y: f64::from(k * 100) / max,
                value: Tenths(k * 100),
            })
            .collect()
    };
    ChartScene {
        subject: child.clone(),
        subject_name: CHILD.into(),
        x_axis: Some(XAxis {
            start: d(2025, 1, 20),
            end: d(2025, 5, 20),
            ticks: dates
                .iter()
                .zip(xs)
                .map(|(d, x)| XTick { x, date: *d })
                .collect(),
        }),
        panels: vec![
            Panel {
                kind: PanelKind::Outcome,
                y_min: Tenths(0),
                y_max: Tenths(400),
                y_ticks: ticks(4, 400.0),
                reference_lines: vec![ReferenceLine {
                    kind: ReferenceKind::Cutoff,
                    value: Tenths(320),
                    y: 0.8,
                    x_from: 0.0,
                    x_to: 1.0,
                }],
                band: Some(ExpectedBand {
                    measure: "CORS".into(),
                    expected: vec![PlotXY { x: 0.1, y: 0.45 }, PlotXY { x: 0.9, y: 0.7 }],
                    outline: vec![
                        PlotXY { x: 0.1, y: 0.5 },
                        PlotXY { x: 0.9, y: 0.8 },
                        PlotXY { x: 0.9, y: 0.6 },
                        PlotXY { x: 0.1, y: 0.4 },
                    ],
                }),
                series: vec![
                    series(
                        "CORS:c",
                        "CORS",
                        &child,
                        CHILD,
                        true,
                        0,
                        [184, 220, 290, 331],
                        400.0,
                    ),
                    series(
                        "ORS:m",
                        "ORS",
                        &mother,
                        MOTHER,
                        false,
                        1,
                        [150, 170, 240, 260],
                        400.0,
                    ),
                ],
            },
            Panel {
                kind: PanelKind::Session,
                y_min: Tenths(200),
                y_max: Tenths(400),
                y_ticks: vec![
                    YTick {
                        y: 0.0,
                        value: Tenths(200),
                    },
                    YTick {
                        y: 0.5,
                        value: Tenths(300),
                    },
                    YTick {
                        y: 1.0,
                        value: Tenths(400),
                    },
                ],
                reference_lines: vec![ReferenceLine {
                    kind: ReferenceKind::SessionThreshold,
                    value: Tenths(360),
                    y: 0.8,
                    x_from: 0.0,
                    x_to: 1.0,
                }],
                band: None,
                series: vec![series(
                    "CSRS:c",
                    "CSRS",
                    &child,
                    CHILD,
                    true,
                    0,
                    [90, 160, 190, 180],
                    200.0,
                )],
            },
        ],
        legend: vec![
            LegendEntry {
                rater: child.clone(),
                rater_name: CHILD.into(),
                self_rated: true,
                measures: vec!["CORS".into(), "CSRS".into()],
                style: SeriesStyle::nth(0),
            },
            LegendEntry {
                rater: mother.clone(),
                rater_name: MOTHER.into(),
                self_rated: false,
                measures: vec!["ORS".into()],
                style: SeriesStyle::nth(1),
            },
        ],
        table: ItemTable {
            columns: dates.to_vec(),
            rows: vec![
                TableRow {
                    series: "CORS:c".into(),
                    rater_name: CHILD.into(),
                    measure: "CORS".into(),
                    item: Some("Me".into()),
                    cells: vec![Some(Tenths(41)), Some(Tenths(52)), None, Some(Tenths(83))],
                },
                TableRow {
                    series: "CORS:c".into(),
                    rater_name: CHILD.into(),
                    measure: "CORS".into(),
                    item: None,
                    cells: vec![
                        Some(Tenths(184)),
                        Some(Tenths(220)),
                        Some(Tenths(290)),
                        Some(Tenths(331)),
                    ],
                },
            ],
        },
        changes: vec![ChangeFact {
            series: "CORS:c".into(),
            rater_name: CHILD.into(),
            self_rated: true,
            measure: "CORS".into(),
            purpose: Purpose::Outcome,
            ratings: 4,
            first: Tenths(184),
            last: Tenths(331),
            change: Tenths(147),
            reliable_change: Some(ReliableChange::Improved),
            clinically_significant: Some(true),
            cutoff: Some(Tenths(320)),
            flags: vec![],
        }],
        expected: ExpectedStatus::Shown {
            measure: "CORS".into(),
        },
    }
}
