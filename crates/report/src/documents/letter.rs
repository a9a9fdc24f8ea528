//! Strengths-based closure letters: to the family, and to each child in plain
//! language (larger type). The words are the worker's; this only sets them.

use crate::layout::{MARGIN_X, Style, Writer};
use crate::model::{Letter, LetterAudience};
use crate::{DocumentContext, ReportError, long_date};

pub(crate) fn render(l: &Letter, ctx: &DocumentContext) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer::new(ctx)?;
    let (body, sub) = match l.audience {
        LetterAudience::Family => (Style::BODY.sized(11.0), Style::BOLD.sized(11.0)),
        LetterAudience::Child => (Style::BODY.sized(14.0), Style::BOLD.sized(14.0)),
    };
    // Sender and date, top right, as a letter has them.
    let team = crate::layout::normalise(&l.team);
    let date = long_date(l.date);
    let (_, y) = w.reserve(40.0);
    let right = MARGIN_X + crate::layout::CONTENT_W;
    let tw = w.width(Style::BOLD, &team);
    w.put(Style::BOLD, right - tw, y + 28.0, &team);
    let dw = w.width(Style::BODY, &date);
    w.put(Style::BODY, right - dw, y + 12.0, &date);
    w.space(10.0);

    let mut bullets: Vec<String> = Vec::new();
    let flush = |w: &mut Writer, bullets: &mut Vec<String>| {
        for b in bullets.drain(..) {
            w.ensure(body.size * 1.4);
            let top = w.cursor();
            w.put(body, MARGIN_X + 4.0, top - body.size, "•");
            w.text_block(body, 18.0, &b);
            w.space(2.0);
        }
    };
    for line in l.text.lines() {
        let t = line.trim_end();
        if let Some(item) = t.strip_prefix("- ") {
            bullets.push(item.to_string());
            continue;
        }
        flush(&mut w, &mut bullets);
        if t.trim().is_empty() {
            w.space(body.size * 0.8);
        } else if t.ends_with(':') {
            w.text_block(sub, 0.0, t);
        } else {
            w.text_block(body, 0.0, t);
        }
    }
    flush(&mut w, &mut bullets);
    w.finish(ctx, false)
}
