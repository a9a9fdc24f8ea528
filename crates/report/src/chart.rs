//! Draws a [`ChartScene`] (built once in `hearth_core::chart`, the same scene the
//! desktop app draws in SVG) as vector graphics: panels with their y ticks, the
//! expected-response band, cut-off and 36 lines, one line per rater with its own dash
//! pattern and marker (legible in black and white), date ticks, the legend, and under
//! it the change facts in words and the table of item scores. Nothing is computed
//! here but positions.

use hearth_core::analytics::{Flag, ReliableChange};
use hearth_core::chart::{
    ChartScene, ExpectedStatus, Marker, Panel, PanelKind, ReferenceKind, SeriesStyle,
};

use crate::Language;
use crate::draw::{self, Ink};
use crate::layout::{CONTENT_W, Column, Style, Writer};

const LEFT: f32 = 30.0;
const RIGHT: f32 = 52.0;
const OUTCOME_H: f32 = 190.0;
const SESSION_H: f32 = 80.0;
const PANEL_GAP: f32 = 26.0;
const LINE_W: f32 = 1.4;
/// Dates per item table: more would not fit the page width legibly.
const TABLE_DATES: usize = 8;

/// Draws the scene's graph, then the change facts and the item table.
pub(crate) fn graph(w: &mut Writer, scene: &ChartScene) {
    let l = w.lang();
    w.heading(
        2,
        &l.fill("chart.heading", &[("name", &scene.subject_name)]),
    );
    if scene.panels.is_empty() || scene.x_axis.is_none() {
        w.paragraph(l.text("chart.nothing"));
        return;
    }
    let legend_rows = scene.legend.len().div_ceil(2);
    let panels_h: f32 = scene
        .panels
        .iter()
        .map(|p| panel_height(p) + PANEL_GAP)
        .sum();
    let height = panels_h + 8.0 + legend_rows as f32 * 14.0 + 6.0;
    let (x0, y0) = w.reserve(height);
    let mut top = y0 + height;
    let plot_w = CONTENT_W - LEFT - RIGHT;
    let n = scene.panels.len();
    for (i, panel) in scene.panels.iter().enumerate() {
        let ph = panel_height(panel);
        let bottom = top - 14.0 - ph;
        draw_panel(w, scene, panel, x0 + LEFT, bottom, plot_w, ph, i + 1 == n);
        top = bottom - (PANEL_GAP - 14.0);
    }
    draw_legend(w, scene, x0, y0 + legend_rows as f32 * 14.0);
    expected_note(w, scene);
    change_facts(w, scene);
    item_tables(w, scene);
}

fn panel_height(p: &Panel) -> f32 {
    match p.kind {
        PanelKind::Outcome => OUTCOME_H,
        PanelKind::Session => SESSION_H,
    }
}

fn panel_title(l: Language, p: &Panel) -> String {
    let mut measures: Vec<&str> = Vec::new();
    for s in &p.series {
        if !measures.contains(&s.measure.as_str()) {
            measures.push(&s.measure);
        }
    }
    let key = match p.kind {
        PanelKind::Outcome => "chart.outcome_panel",
        PanelKind::Session => "chart.session_panel",
    };
    l.fill(key, &[("measures", &measures.join(" / "))])
}

#[allow(clippy::too_many_arguments)]
fn draw_panel(
    w: &mut Writer,
    scene: &ChartScene,
    p: &Panel,
    left: f32,
    bottom: f32,
    pw: f32,
    ph: f32,
    last: bool,
) {
    let small = Style::BODY.sized(7.5);
    let px = |x: f64| left + (x.clamp(0.0, 1.0) as f32) * pw;
    let py = |y: f64| bottom + (y.clamp(0.0, 1.0) as f32) * ph;
    w.put(
        Style::BOLD.sized(8.5),
        left,
        bottom + ph + 5.0,
        &panel_title(w.lang(), p),
    );

    // Band under everything else.
    if let Some(band) = &p.band {
        let outline: Vec<(f32, f32)> = band.outline.iter().map(|q| (px(q.x), py(q.y))).collect();
        let ops = w.ops();
        draw::stroke(ops, Ink::Grey(0.75), 0.4, &[]);
        draw::polygon(ops, &outline, Some(Ink::Grey(0.9)), false);
        let line: Vec<(f32, f32)> = band.expected.iter().map(|q| (px(q.x), py(q.y))).collect();
        draw::stroke(ops, Ink::Grey(0.45), 0.8, &[1.0, 2.0]);
        draw::polyline(ops, &line);
    }
    // Frame and grid.
    {
        let ops = w.ops();
        draw::stroke(ops, Ink::Grey(0.85), 0.4, &[]);
        for t in &p.y_ticks {
            draw::polyline(ops, &[(left, py(t.y)), (left + pw, py(t.y))]);
        }
        draw::stroke(ops, Ink::Grey(0.4), 0.6, &[]);
        draw::rect(ops, left, bottom, pw, ph, None, true);
    }
    for t in &p.y_ticks {
        let label = format!("{}", t.value.0 / 10);
        let lw = w.width(small, &label);
        w.put(small, left - 4.0 - lw, py(t.y) - 2.5, &label);
    }
    // Reference lines: thick grey, labelled at the right.
    for r in &p.reference_lines {
        let y = py(r.y);
        {
            let ops = w.ops();
            draw::stroke(ops, Ink::Grey(0.35), 1.6, &[]);
            draw::polyline(ops, &[(px(r.x_from), y), (px(r.x_to), y)]);
        }
        let label = match r.kind {
            ReferenceKind::Cutoff => w
                .lang()
                .fill("chart.cutoff", &[("value", &w.lang().points(r.value))]),
            ReferenceKind::SessionThreshold => format!("{}", r.value.0 / 10),
        };
        w.put(small, px(r.x_to) + 3.0, y - 2.5, &label);
    }
    // Series.
    for s in &p.series {
        let pts: Vec<(f32, f32)> = s.points.iter().map(|q| (px(q.x), py(q.y))).collect();
        let ink = Ink::hex(s.style.colour);
        let dash: Vec<f32> = s.style.dash.iter().map(|d| *d as f32 * LINE_W).collect();
        let ops = w.ops();
        draw::stroke(ops, ink, LINE_W, &dash);
        draw::polyline(ops, &pts);
        for &(x, y) in &pts {
            marker(ops, &s.style, x, y, 3.2);
        }
    }
    // Date ticks on the shared x axis (labels under the last panel only).
    if let Some(axis) = &scene.x_axis {
        {
            let ops = w.ops();
            draw::stroke(ops, Ink::Grey(0.4), 0.6, &[]);
            for t in &axis.ticks {
                draw::polyline(ops, &[(px(t.x), bottom), (px(t.x), bottom - 3.0)]);
            }
        }
        if last {
            let mut last_right = f32::MIN;
            for t in &axis.ticks {
                let label = w.lang().axis_date(t.date);
                let lw = w.width(small, &label);
                let x = px(t.x) - lw / 2.0;
                // Skip a label that would overprint the previous one.
                if x > last_right + 3.0 {
                    w.put(small, x, bottom - 12.0, &label);
                    last_right = x + lw;
                }
            }
        }
    }
}

/// A marker at (x, y): filled in the series colour, outlined in black so it reads in
/// black and white by shape.
fn marker(ops: &mut Vec<printpdf::Op>, style: &SeriesStyle, x: f32, y: f32, r: f32) {
    let fill = Some(Ink::hex(style.colour));
    draw::stroke(ops, Ink::BLACK, 0.5, &[]);
    match style.marker {
        Marker::Circle => {
            let pts: Vec<(f32, f32)> = (0..16)
                .map(|i| {
                    let a = i as f32 / 16.0 * std::f32::consts::TAU;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect();
            draw::polygon(ops, &pts, fill, true);
        }
        Marker::Square => draw::rect(
            ops,
            x - r * 0.85,
            y - r * 0.85,
            r * 1.7,
            r * 1.7,
            fill,
            true,
        ),
        Marker::Triangle => draw::polygon(
            ops,
            &[(x - r, y - r * 0.8), (x + r, y - r * 0.8), (x, y + r)],
            fill,
            true,
        ),
        Marker::Diamond => draw::polygon(
            ops,
            &[(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)],
            fill,
            true,
        ),
        Marker::Cross => {
            draw::stroke(ops, Ink::hex(style.colour), 1.4, &[]);
            draw::polyline(ops, &[(x - r, y - r), (x + r, y + r)]);
            draw::polyline(ops, &[(x - r, y + r), (x + r, y - r)]);
        }
    }
}

fn draw_legend(w: &mut Writer, scene: &ChartScene, x0: f32, top: f32) {
    let col_w = CONTENT_W / 2.0;
    for (i, e) in scene.legend.iter().enumerate() {
        let x = x0 + LEFT + (i % 2) as f32 * col_w;
        let y = top - (i / 2) as f32 * 14.0 - 7.0;
        {
            let ops = w.ops();
            let dash: Vec<f32> = e.style.dash.iter().map(|d| *d as f32 * LINE_W).collect();
            draw::stroke(ops, Ink::hex(e.style.colour), LINE_W, &dash);
            draw::polyline(ops, &[(x, y), (x + 30.0, y)]);
            marker(ops, &e.style, x + 15.0, y, 3.2);
        }
        let who = rater(w.lang(), &e.rater_name, e.self_rated);
        let label = format!("{}: {}", who, e.measures.join(", "));
        w.put(Style::BODY.sized(8.5), x + 36.0, y - 3.0, &label);
    }
}

/// "Åse" or "Åse (own rating)".
fn rater(l: Language, name: &str, self_rated: bool) -> String {
    if self_rated {
        l.fill("chart.own_rating", &[("name", &name)])
    } else {
        name.to_string()
    }
}

fn expected_note(w: &mut Writer, scene: &ChartScene) {
    let l = w.lang();
    let name = &scene.subject_name;
    let note = match &scene.expected {
        ExpectedStatus::Shown { measure } => l.fill(
            "chart.expected.shown",
            &[("owner", &l.possessive(name)), ("measure", measure)],
        ),
        ExpectedStatus::NoOwnRating => l.fill("chart.expected.no_own_rating", &[("name", name)]),
        ExpectedStatus::TooFewRatings => l.text("chart.expected.too_few_ratings").into(),
        ExpectedStatus::NotEnoughData { have, need } => l.fill(
            "chart.expected.not_enough_data",
            &[("have", have), ("need", need)],
        ),
        ExpectedStatus::NoModel => l.text("chart.expected.no_model").into(),
        ExpectedStatus::NotForMeasure { measure } => {
            l.fill("chart.expected.not_for_measure", &[("measure", measure)])
        }
    };
    w.space(4.0);
    w.text_block(Style::MUTED, 0.0, &note);
    w.space(4.0);
}

fn change_facts(w: &mut Writer, scene: &ChartScene) {
    if scene.changes.is_empty() {
        return;
    }
    let l = w.lang();
    w.heading(3, l.text("chart.changes"));
    let items: Vec<String> = scene
        .changes
        .iter()
        .map(|c| {
            let mut s = l.fill(
                "chart.change",
                &[
                    ("who", &rater(l, &c.rater_name, c.self_rated)),
                    ("measure", &c.measure),
                    ("first", &l.points(c.first)),
                    ("last", &l.points(c.last)),
                    ("change", &l.signed_points(c.change)),
                    ("ratings", &c.ratings),
                ],
            );
            match c.reliable_change {
                Some(ReliableChange::Improved) => s.push_str(l.text("chart.reliable.improved")),
                Some(ReliableChange::Deteriorated) => {
                    s.push_str(l.text("chart.reliable.deteriorated"))
                }
                Some(ReliableChange::None) => s.push_str(l.text("chart.reliable.none")),
                None => {}
            }
            if let (Some(significant), Some(cut)) = (c.clinically_significant, c.cutoff) {
                let key = if significant {
                    "chart.clinical.yes"
                } else if c.last < cut {
                    "chart.clinical.below"
                } else {
                    "chart.clinical.no"
                };
                s.push_str(&l.fill(key, &[("cutoff", &l.points(cut))]));
            }
            for f in &c.flags {
                s.push_str(match f {
                    Flag::BelowCutoff | Flag::Deteriorated => "",
                    Flag::NotImproving => l.text("chart.flag.not_improving"),
                    Flag::SrsBelowCutoff => l.text("chart.flag.srs_below"),
                    Flag::SrsAlwaysMax => l.text("chart.flag.srs_always_max"),
                });
            }
            s.push('.');
            s
        })
        .collect();
    w.bullets(&items);
}

fn item_tables(w: &mut Writer, scene: &ChartScene) {
    let t = &scene.table;
    if t.columns.is_empty() || t.rows.is_empty() {
        return;
    }
    let l = w.lang();
    for (i, dates) in t.columns.chunks(TABLE_DATES).enumerate() {
        let from = i * TABLE_DATES;
        let mut titles: Vec<String> = [
            "chart.table.rater",
            "chart.table.measure",
            "chart.table.item",
        ]
        .map(|k| l.text(k).to_string())
        .to_vec();
        titles.extend(dates.iter().map(|d| l.column_date(*d)));
        let mut columns: Vec<Column<'_>> = vec![
            Column {
                title: &titles[0],
                share: 2.0,
            },
            Column {
                title: &titles[1],
                share: 0.0,
            },
            Column {
                title: &titles[2],
                share: 1.0,
            },
        ];
        for title in &titles[3..] {
            columns.push(Column { title, share: 0.5 });
        }
        let rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .filter(|r| {
                r.cells[from..(from + dates.len()).min(r.cells.len())]
                    .iter()
                    .any(Option::is_some)
            })
            .map(|r| {
                let mut cells = vec![
                    r.rater_name.clone(),
                    r.measure.clone(),
                    r.item
                        .clone()
                        .unwrap_or_else(|| l.text("chart.table.total").into()),
                ];
                cells.extend(
                    r.cells
                        .iter()
                        .skip(from)
                        .take(dates.len())
                        .map(|c| c.map(|v| l.points(v)).unwrap_or_default()),
                );
                cells
            })
            .collect();
        let heading = if t.columns.len() > TABLE_DATES {
            l.fill(
                "chart.table.heading_part",
                &[
                    ("part", &(i + 1)),
                    ("parts", &t.columns.len().div_ceil(TABLE_DATES)),
                ],
            )
        } else {
            l.text("chart.table.heading").into()
        };
        w.heading(3, &heading);
        w.table(&columns, &rows, 7.5);
    }
}
