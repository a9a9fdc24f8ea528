//! Primitive drawing on one page's operation list: text runs, lines, rectangles and
//! polygons in points from the bottom-left corner. Everything above this (wrapping,
//! pages, charts) is built from these.

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle,
    Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

/// A colour as the PDF gets it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Ink {
    Grey(f32),
    Rgb(f32, f32, f32),
}

impl Ink {
    pub(crate) const BLACK: Ink = Ink::Grey(0.0);

    /// `#rrggbb` (the chart palette); black when unreadable.
    pub(crate) fn hex(s: &str) -> Ink {
        let s = s.trim_start_matches('#');
        let c = |i: usize| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map(|v| f32::from(v) / 255.0)
        };
        match (s.len(), c(0), c(2), c(4)) {
            (6, Some(r), Some(g), Some(b)) => Ink::Rgb(r, g, b),
            _ => Ink::BLACK,
        }
    }

    fn color(self) -> Color {
        match self {
            Ink::Grey(g) => Color::Greyscale(Greyscale {
                percent: g,
                icc_profile: None,
            }),
            Ink::Rgb(r, g, b) => Color::Rgb(Rgb {
                r,
                g,
                b,
                icc_profile: None,
            }),
        }
    }
}

fn pt(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

/// One run of text with its baseline starting at (x, y).
pub(crate) fn text(ops: &mut Vec<Op>, font: &FontId, size: f32, ink: Ink, x: f32, y: f32, s: &str) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.clone()),
        size: Pt(size),
    });
    ops.push(Op::SetFillColor { col: ink.color() });
    ops.push(Op::SetTextCursor {
        pos: Point { x: Pt(x), y: Pt(y) },
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(s.to_string())],
    });
    ops.push(Op::EndTextSection);
}

/// The stroke settings for the next lines.
pub(crate) fn stroke(ops: &mut Vec<Op>, ink: Ink, width: f32, dash: &[f32]) {
    ops.push(Op::SetOutlineColor { col: ink.color() });
    ops.push(Op::SetOutlineThickness { pt: Pt(width) });
    ops.push(Op::SetLineDashPattern {
        dash: if dash.is_empty() {
            LineDashPattern::solid()
        } else {
            LineDashPattern::new(0.0, dash)
        },
    });
}

/// An open polyline, stroked with the current stroke settings.
pub(crate) fn polyline(ops: &mut Vec<Op>, points: &[(f32, f32)]) {
    if points.len() < 2 {
        return;
    }
    ops.push(Op::DrawLine {
        line: Line {
            points: points.iter().map(|&(x, y)| pt(x, y)).collect(),
            is_closed: false,
        },
    });
}

/// A closed polygon, filled with `fill` and/or stroked with the current stroke.
pub(crate) fn polygon(ops: &mut Vec<Op>, points: &[(f32, f32)], fill: Option<Ink>, outline: bool) {
    if points.len() < 3 {
        return;
    }
    if let Some(f) = fill {
        ops.push(Op::SetFillColor { col: f.color() });
    }
    let mode = match (fill.is_some(), outline) {
        (true, true) => PaintMode::FillStroke,
        (true, false) => PaintMode::Fill,
        _ => PaintMode::Stroke,
    };
    ops.push(Op::DrawPolygon {
        polygon: Polygon {
            rings: vec![PolygonRing {
                points: points.iter().map(|&(x, y)| pt(x, y)).collect(),
            }],
            mode,
            winding_order: WindingOrder::NonZero,
        },
    });
}

/// An axis-aligned rectangle with its bottom-left corner at (x, y).
pub(crate) fn rect(
    ops: &mut Vec<Op>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    fill: Option<Ink>,
    outline: bool,
) {
    polygon(
        ops,
        &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        fill,
        outline,
    );
}
