//! A small flow layout over printpdf (which places text only where it is told): blocks
//! go down the page, text wraps at real glyph widths, headings keep with what follows,
//! tables repeat their header on a new page, and every page gets the header (team,
//! case reference, title) and footer (page N of M, who generated it and when, the
//! team's protective marking) once the page count is known. A contents block gets its
//! page numbers the same way: each line points at an [`Anchor`] that a heading carries,
//! and the number is drawn at the end, from the page where that heading landed (one
//! layout pass, no measuring run). Anchored headings also become PDF bookmarks.

use printpdf::{FontId, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions};
use unicode_normalization::UnicodeNormalization;

use crate::draw::{self, Ink};
use crate::fonts::{Face, Fonts, fonts};
use crate::{DocumentContext, Language, ReportError};

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN_X: f32 = 56.7;
/// Where content starts (below the header) and must end (above the footer).
const CONTENT_TOP: f32 = PAGE_H - 78.0;
const CONTENT_BOTTOM: f32 = 66.0;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

pub(crate) const BODY: f32 = 10.5;
const LEADING: f32 = 1.38;
const MUTED: Ink = Ink::Grey(0.35);

/// Text as it goes into the PDF: NFC, so a name typed as "w + combining circumflex"
/// prints with the font's own "ŵ" glyph (the PDF shows glyphs one per character and
/// does no shaping); tabs as spaces; other control characters dropped.
pub(crate) fn normalise(text: &str) -> String {
    text.nfc()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// How a run of text looks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub ink: Ink,
}

impl Style {
    pub(crate) const BODY: Style = Style {
        face: Face::Regular,
        size: BODY,
        ink: Ink::BLACK,
    };
    pub(crate) const BOLD: Style = Style {
        face: Face::Bold,
        size: BODY,
        ink: Ink::BLACK,
    };
    pub(crate) const MUTED: Style = Style {
        face: Face::Regular,
        size: 9.0,
        ink: MUTED,
    };
    pub(crate) fn sized(self, size: f32) -> Style {
        Style { size, ..self }
    }
    fn line_height(self) -> f32 {
        self.size * LEADING
    }
}

/// The clear gap between a contents title, its dot leaders and its page number.
const CONTENTS_GAP: f32 = 8.0;
/// Continuation lines of a wrapped contents title are indented by this much.
const CONTENTS_INDENT: f32 = 14.0;

/// A heading a contents line points to. The page is known once the heading is laid
/// out, which may be after the contents line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Anchor(usize);

/// Where an anchor's heading landed, and what its bookmark says.
struct AnchorSlot {
    title: String,
    /// Page index (0-based) of the heading; `None` until it is laid out.
    page: Option<usize>,
}

/// A contents line whose page number is drawn in `finish`.
struct ContentsLine {
    anchor: Anchor,
    /// Page index (0-based) the line is on.
    page: usize,
    baseline: f32,
    /// Where the title's last line ends: the dot leaders start after it.
    text_end: f32,
}

/// A table column: its title and share of the width.
pub(crate) struct Column<'a> {
    pub title: &'a str,
    pub share: f32,
}

pub(crate) struct Writer {
    fonts: &'static Fonts,
    pub(crate) doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    pages: Vec<Vec<Op>>,
    /// The top of the next block on the current page, in points from the bottom.
    y: f32,
    anchors: Vec<AnchorSlot>,
    contents: Vec<ContentsLine>,
    lang: Language,
}

impl Writer {
    pub(crate) fn new(ctx: &DocumentContext) -> Result<Writer, ReportError> {
        let fonts = fonts()?;
        let mut doc = PdfDocument::new(&ctx.title);
        let regular = doc.add_font(&fonts.regular.parsed);
        let bold = doc.add_font(&fonts.bold.parsed);
        Ok(Writer {
            fonts,
            doc,
            regular,
            bold,
            pages: vec![Vec::new()],
            y: CONTENT_TOP,
            anchors: Vec::new(),
            lang: ctx.language,
            contents: Vec::new(),
        })
    }

    fn font_id(&self, f: Face) -> &FontId {
        match f {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The width of `text` in points.
    pub(crate) fn width(&self, style: Style, text: &str) -> f32 {
        let face = self.fonts.face(style.face);
        text.chars().map(|c| face.advance(c)).sum::<f32>() * style.size
    }

    /// `text` broken into lines no wider than `width`: at spaces, and inside a word
    /// only when the word alone is wider than the line. Hard line breaks are kept;
    /// an empty line stays an empty line.
    pub(crate) fn wrap(&self, style: Style, text: &str, width: f32) -> Vec<String> {
        let face = self.fonts.face(style.face);
        let w = |s: &str| s.chars().map(|c| face.advance(c)).sum::<f32>() * style.size;
        let space = face.advance(' ') * style.size;
        let mut lines = Vec::new();
        for hard in normalise(text).split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in hard.split_whitespace() {
                let ww = w(word);
                if !line.is_empty() && line_w + space + ww <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + ww;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if ww <= width {
                    line = word.to_string();
                    line_w = ww;
                } else {
                    // A word wider than the line (a long reference or address): break it.
                    line_w = 0.0;
                    for c in word.chars() {
                        let cw = face.advance(c) * style.size;
                        if line_w + cw > width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(c);
                        line_w += cw;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    pub(crate) fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a writer always has a page")
    }

    /// The language of the words the report writes itself.
    pub(crate) fn lang(&self) -> Language {
        self.lang
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `height` more points fit on this one. A block taller
    /// than a whole page starts at the top of a fresh page (and runs over the footer
    /// margin rather than being lost).
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y - height < CONTENT_BOTTOM && self.y < CONTENT_TOP {
            self.new_page();
        }
    }

    pub(crate) fn space(&mut self, h: f32) {
        self.y -= h;
    }

    /// Reserves `height` points of full width for a drawing; returns its bottom-left
    /// corner (x, y).
    pub(crate) fn reserve(&mut self, height: f32) -> (f32, f32) {
        self.ensure(height);
        self.y -= height;
        (MARGIN_X, self.y)
    }

    /// One line of text at (x, baseline) on the current page.
    pub(crate) fn put(&mut self, style: Style, x: f32, baseline: f32, text: &str) {
        let font = self.font_id(style.face).clone();
        let t = normalise(text);
        draw::text(self.ops(), &font, style.size, style.ink, x, baseline, &t);
    }

    /// Wrapped text from `indent` points in, over pages as needed.
    pub(crate) fn text_block(&mut self, style: Style, indent: f32, text: &str) {
        let lh = style.line_height();
        for line in self.wrap(style, text, CONTENT_W - indent) {
            self.ensure(lh);
            let baseline = self.y - style.size;
            if !line.is_empty() {
                self.put(style, MARGIN_X + indent, baseline, &line);
            }
            self.y -= lh;
        }
    }

    /// The top of the next block on the current page.
    pub(crate) fn cursor(&self) -> f32 {
        self.y
    }

    /// A paragraph, or "Not recorded." when the text is empty.
    pub(crate) fn paragraph_or_none(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.text_block(Style::MUTED.sized(BODY), 0.0, "Not recorded.");
            self.y -= 4.0;
        } else {
            self.paragraph(text);
        }
    }

    pub(crate) fn paragraph(&mut self, text: &str) {
        self.text_block(Style::BODY, 0.0, text);
        self.y -= 4.0;
    }

    /// A heading: level 1 for a section, 2 for a subsection, 3 for a label. Kept on
    /// the same page as at least three lines of what follows.
    pub(crate) fn heading(&mut self, level: u8, text: &str) {
        self.heading_at(level, text, None);
    }

    /// A heading, optionally the one a contents line points to (see
    /// [`Writer::contents`]): its page becomes that line's number, and it gets a PDF
    /// bookmark.
    pub(crate) fn heading_at(&mut self, level: u8, text: &str, anchor: Option<Anchor>) {
        let (style, before, after) = match level {
            1 => (Style::BOLD.sized(15.0), 14.0, 6.0),
            2 => (Style::BOLD.sized(12.5), 10.0, 4.0),
            _ => (Style::BOLD.sized(BODY), 6.0, 2.0),
        };
        let lines = self.wrap(style, text, CONTENT_W);
        let own = before + lines.len() as f32 * style.line_height() + after;
        // A section heading is usually followed by a label and its text: keep room for
        // both, so neither heading is left alone at the foot of a page.
        let keep_lines = if level <= 2 { 5.0 } else { 3.0 };
        let keep = keep_lines * Style::BODY.line_height();
        self.ensure(own + keep);
        // After `ensure`: the page the heading is actually drawn on.
        if let Some(a) = anchor {
            let page = self.pages.len() - 1;
            if let Some(slot) = self.anchors.get_mut(a.0) {
                slot.page = Some(page);
            }
        }
        if self.y < CONTENT_TOP {
            self.y -= before;
        }
        for line in lines {
            let baseline = self.y - style.size;
            self.put(style, MARGIN_X, baseline, &line);
            self.y -= style.line_height();
        }
        if level == 1 {
            let y = self.y + 1.0;
            let ops = self.ops();
            draw::stroke(ops, Ink::Grey(0.6), 0.6, &[]);
            draw::polyline(ops, &[(MARGIN_X, y), (MARGIN_X + CONTENT_W, y)]);
        }
        self.y -= after;
    }

    /// A contents list: one line per title, the title on the left (wrapped, the
    /// continuation lines indented) and, once the pages are known, dot leaders and the
    /// page number right-aligned on the title's last line. Returns one anchor per
    /// title, in order, for [`Writer::heading_at`].
    pub(crate) fn contents(&mut self, titles: &[String]) -> Vec<Anchor> {
        let style = Style::BODY;
        let lh = style.line_height();
        // Room for up to three digits after a clear gap and a dot, so a title never
        // runs into the number drawn later; the workbook's longest title (Module 3)
        // still fits on one line.
        let first_w = CONTENT_W - self.width(style, "000.") - CONTENTS_GAP;
        let mut anchors = Vec::with_capacity(titles.len());
        for title in titles {
            let anchor = Anchor(self.anchors.len());
            self.anchors.push(AnchorSlot {
                title: normalise(title),
                page: None,
            });
            anchors.push(anchor);
            let mut lines = self.wrap(style, title, first_w);
            if lines.len() > 1 {
                // The continuation lines are indented: wrap them again, narrower.
                let rest = lines.split_off(1).join(" ");
                lines.extend(self.wrap(style, &rest, first_w - CONTENTS_INDENT));
            }
            // A title is never split from its number: keep its lines together.
            self.ensure(lh * lines.len() as f32);
            let mut text_end = MARGIN_X;
            let mut baseline = self.y - style.size;
            for (i, line) in lines.iter().enumerate() {
                let x = if i == 0 {
                    MARGIN_X
                } else {
                    MARGIN_X + CONTENTS_INDENT
                };
                baseline = self.y - style.size;
                self.put(style, x, baseline, line);
                text_end = x + self.width(style, line);
                self.y -= lh;
            }
            self.contents.push(ContentsLine {
                anchor,
                page: self.pages.len() - 1,
                baseline,
                text_end,
            });
            self.y -= 1.5;
        }
        self.y -= 4.0;
        anchors
    }

    /// Draws each contents line's leaders and page number, now that every anchored
    /// heading has its page. The leaders end at the same x on every line (the widest
    /// number's left edge), so the dots line up in a column.
    fn draw_contents_numbers(&mut self) {
        let style = Style::BODY;
        let dots = Style {
            ink: MUTED,
            ..style
        };
        let right = MARGIN_X + CONTENT_W;
        let numbers: Vec<Option<String>> = self
            .contents
            .iter()
            .map(|l| {
                self.anchors
                    .get(l.anchor.0)
                    .and_then(|s| s.page)
                    .map(|p| (p + 1).to_string())
            })
            .collect();
        let widest = numbers
            .iter()
            .flatten()
            .map(|n| self.width(style, n))
            .fold(0.0, f32::max);
        let leaders_end = right - widest - CONTENTS_GAP;
        let unit = self.width(dots, ". ");
        let dot = self.width(dots, ".");
        let regular = self.regular.clone();
        let lines = std::mem::take(&mut self.contents);
        for (line, number) in lines.iter().zip(numbers) {
            // An anchor whose heading was never laid out gets no number rather than
            // a wrong one.
            let Some(number) = number else { continue };
            let nx = right - self.width(style, &number);
            let room = leaders_end - (line.text_end + CONTENTS_GAP);
            // A title that nearly reaches the number gets a plain gap: one or two
            // dots would read as punctuation.
            let fits = ((room - dot) / unit).floor() + 1.0;
            let count = if fits >= 3.0 { fits as usize } else { 0 };
            let ops = &mut self.pages[line.page];
            if count > 0 {
                let leader = ". ".repeat(count);
                let leader = leader.trim_end();
                let x = leaders_end - (count - 1) as f32 * unit - dot;
                draw::text(ops, &regular, dots.size, dots.ink, x, line.baseline, leader);
            }
            draw::text(
                ops,
                &regular,
                style.size,
                style.ink,
                nx,
                line.baseline,
                &number,
            );
        }
    }

    /// A labelled field: the label in bold, then the text; an empty text reads
    /// "Not recorded." so a reader knows the field was not left out by mistake.
    pub(crate) fn field(&mut self, label: &str, text: &str) {
        self.heading(3, label);
        if text.trim().is_empty() {
            self.text_block(Style::MUTED.sized(BODY), 0.0, "Not recorded.");
            self.y -= 4.0;
        } else {
            self.paragraph(text);
        }
    }

    /// "Label: value" rows with the labels in a column of their own.
    pub(crate) fn key_values(&mut self, rows: &[(&str, String)]) {
        let label_w = rows
            .iter()
            .map(|(k, _)| self.width(Style::BOLD, k))
            .fold(0.0, f32::max)
            .min(CONTENT_W * 0.4)
            + 12.0;
        let lh = Style::BODY.line_height();
        for (k, v) in rows {
            let lines = self.wrap(Style::BODY, v, CONTENT_W - label_w);
            self.ensure(lh * lines.len().max(1) as f32);
            let baseline = self.y - BODY;
            self.put(Style::BOLD, MARGIN_X, baseline, k);
            for line in lines {
                let baseline = self.y - BODY;
                self.put(Style::BODY, MARGIN_X + label_w, baseline, &line);
                self.y -= lh;
            }
        }
        self.y -= 4.0;
    }

    pub(crate) fn bullets(&mut self, items: &[String]) {
        let lh = Style::BODY.line_height();
        for item in items {
            self.ensure(lh);
            let baseline = self.y - BODY;
            self.put(Style::BODY, MARGIN_X + 4.0, baseline, "•");
            self.text_block(Style::BODY, 16.0, item);
            self.y -= 1.5;
        }
        self.y -= 3.0;
    }

    /// A table with wrapped cells. Rows are never split; the header row repeats at
    /// the top of each new page.
    pub(crate) fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>], size: f32) {
        let pad = 3.0;
        let head = Style::BOLD.sized(size);
        let body = Style::BODY.sized(size);
        let widths = self.column_widths(columns, rows, head, body, pad);
        let header: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
        let header_h = self.row_height(head, &widths, &header, pad);
        let heights: Vec<f32> = rows
            .iter()
            .map(|r| self.row_height(body, &widths, r, pad))
            .collect();
        // The header starts a page with at least two rows under it (or the only one),
        // and the last two rows stay together: no row sits alone at either end of a
        // page break, where a reader could miss that the table goes on.
        let first: f32 = heights.iter().take(2).sum();
        self.ensure(header_h + first.max(body.line_height() + 2.0 * pad));
        self.table_row(head, &widths, &header, pad, Some(Ink::Grey(0.9)));
        let mut on_page = 0;
        for (i, row) in rows.iter().enumerate() {
            let h = heights[i];
            let last_two_split =
                rows.len() - i == 2 && on_page >= 2 && self.y - h - heights[i + 1] < CONTENT_BOTTOM;
            if self.y - h < CONTENT_BOTTOM || last_two_split {
                self.new_page();
                self.table_row(head, &widths, &header, pad, Some(Ink::Grey(0.9)));
                on_page = 0;
            }
            self.table_row(body, &widths, row, pad, None);
            on_page += 1;
        }
        self.y -= 6.0;
    }

    /// Column widths: each column at least as wide as its longest word (so words are
    /// not broken when they can fit), the rest of the width shared by `share`.
    fn column_widths(
        &self,
        columns: &[Column<'_>],
        rows: &[Vec<String>],
        head: Style,
        body: Style,
        pad: f32,
    ) -> Vec<f32> {
        let longest_word = |style: Style, text: &str| {
            text.split_whitespace()
                .map(|w| self.width(style, w))
                .fold(0.0, f32::max)
        };
        let mins: Vec<f32> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cells = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|t| longest_word(body, t))
                    .fold(0.0, f32::max);
                longest_word(head, c.title).max(cells) + 2.0 * pad + 0.5
            })
            .collect();
        let min_total: f32 = mins.iter().sum();
        if min_total >= CONTENT_W {
            // Too many columns for their words: scale down (long words then break).
            return mins.iter().map(|m| m / min_total * CONTENT_W).collect();
        }
        let spare = CONTENT_W - min_total;
        let total: f32 = columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        mins.iter()
            .zip(columns)
            .map(|(m, c)| m + spare * c.share / total)
            .collect()
    }

    fn row_height(&self, style: Style, widths: &[f32], cells: &[String], pad: f32) -> f32 {
        let lines = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.wrap(style, c, w - 2.0 * pad).len())
            .max()
            .unwrap_or(1);
        lines as f32 * style.line_height() + 2.0 * pad
    }

    fn table_row(
        &mut self,
        style: Style,
        widths: &[f32],
        cells: &[String],
        pad: f32,
        fill: Option<Ink>,
    ) {
        let h = self.row_height(style, widths, cells, pad);
        let top = self.y;
        {
            let ops = self.ops();
            if let Some(f) = fill {
                draw::rect(ops, MARGIN_X, top - h, CONTENT_W, h, Some(f), false);
            }
            draw::stroke(ops, Ink::Grey(0.6), 0.5, &[]);
            draw::polyline(ops, &[(MARGIN_X, top - h), (MARGIN_X + CONTENT_W, top - h)]);
        }
        let mut x = MARGIN_X;
        for (cell, w) in cells.iter().zip(widths) {
            let mut baseline = top - pad - style.size;
            for line in self.wrap(style, cell, w - 2.0 * pad) {
                self.put(style, x + pad, baseline, &line);
                baseline -= style.line_height();
            }
            x += w;
        }
        self.y = top - h;
    }

    /// A shaded box with a line of bold text (e.g. "DRAFT: not signed off").
    pub(crate) fn banner(&mut self, text: &str) {
        let style = Style::BOLD.sized(11.0);
        let h = style.line_height() + 10.0;
        self.ensure(h);
        let top = self.y;
        {
            let ops = self.ops();
            draw::stroke(ops, Ink::BLACK, 1.2, &[]);
            draw::rect(
                ops,
                MARGIN_X,
                top - h,
                CONTENT_W,
                h,
                Some(Ink::Grey(0.88)),
                true,
            );
        }
        self.put(style, MARGIN_X + 8.0, top - 5.0 - style.size, text);
        self.y = top - h - 8.0;
    }

    /// A signature block: name, role, date, each on a ruled line.
    pub(crate) fn signature(&mut self, rows: &[(&str, String)]) {
        let lh = 24.0;
        self.ensure(lh * rows.len() as f32 + 10.0);
        for (k, v) in rows {
            let baseline = self.y - 16.0;
            self.put(Style::BOLD, MARGIN_X, baseline, k);
            self.put(Style::BODY, MARGIN_X + 90.0, baseline, v);
            let ops = self.ops();
            draw::stroke(ops, Ink::Grey(0.5), 0.5, &[]);
            draw::polyline(
                ops,
                &[
                    (MARGIN_X + 88.0, baseline - 4.0),
                    (MARGIN_X + 330.0, baseline - 4.0),
                ],
            );
            self.y -= lh;
        }
        self.y -= 6.0;
    }

    /// Adds headers and footers, the document's metadata, and serialises the PDF.
    pub(crate) fn finish(
        mut self,
        ctx: &DocumentContext,
        draft: bool,
    ) -> Result<Vec<u8>, ReportError> {
        self.draw_contents_numbers();
        // printpdf numbers bookmark pages from 1; its outline is flat and jumps to the
        // top of the page. `outline` puts the entries back in document order.
        let headings: Vec<(String, usize)> = self
            .anchors
            .iter()
            .filter_map(|slot| slot.page.map(|p| (slot.title.clone(), p + 1)))
            .collect();
        for (title, page) in &headings {
            self.doc.add_bookmark(title, *page);
        }
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, mut ops) in pages.into_iter().enumerate() {
            let mut frame = Vec::new();
            self.page_frame(&mut frame, ctx, draft, i + 1, total);
            ops.extend(frame);
            out.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
        }
        let info = &mut self.doc.metadata.info;
        info.document_title = normalise(&ctx.title);
        info.author = normalise(&ctx.generated_by);
        info.subject = normalise(&format!("{}: {}", ctx.case_reference, ctx.title));
        info.creator = "Hearth".into();
        info.producer = "Hearth (hearth-report, printpdf)".into();
        let at = crate::pdf_date(ctx.generated_at);
        info.creation_date = at;
        info.modification_date = at;
        info.metadata_date = at;
        self.doc.with_pages(out);
        // What `PdfDocument::save` does, with the outline mended in between.
        let opts = PdfSaveOptions::default();
        let mut warnings = Vec::new();
        let mut pdf = self.doc.to_lopdf_document(&opts, &mut warnings);
        crate::outline::put_in_document_order(&mut pdf, &headings)?;
        if opts.optimize {
            pdf.compress();
        }
        let mut bytes = Vec::new();
        pdf.save_to(&mut bytes)
            .map_err(|e| ReportError::Pdf(e.to_string()))?;
        if bytes.is_empty() {
            return Err(ReportError::Pdf("printpdf produced no bytes".into()));
        }
        Ok(bytes)
    }

    fn page_frame(
        &self,
        ops: &mut Vec<Op>,
        ctx: &DocumentContext,
        draft: bool,
        n: usize,
        total: usize,
    ) {
        let small = Style::BODY.sized(8.5);
        let small_bold = Style::BOLD.sized(8.5);
        let mut put = |style: Style, x: f32, y: f32, s: &str| {
            let t = normalise(s);
            draw::text(
                ops,
                self.font_id(style.face),
                style.size,
                style.ink,
                x,
                y,
                &t,
            );
        };
        let right = |w: &Writer, style: Style, s: &str| MARGIN_X + CONTENT_W - w.width(style, s);
        let centre = |w: &Writer, style: Style, s: &str| (PAGE_W - w.width(style, s)) / 2.0;

        // Protective marking, centred at the top and bottom of every page.
        if let Some(m) = ctx
            .protective_marking
            .as_deref()
            .filter(|m| !m.trim().is_empty())
        {
            let st = Style::BOLD.sized(9.5);
            put(st, centre(self, st, m), PAGE_H - 24.0, m);
            put(st, centre(self, st, m), 22.0, m);
        }
        // Header: team and document title on the left, case reference on the right.
        let top = PAGE_H - 42.0;
        put(small_bold, MARGIN_X, top, &ctx.team);
        let l = ctx.language;
        let reference = l.fill("frame.case", &[("reference", &ctx.case_reference)]);
        put(small, right(self, small, &reference), top, &reference);
        let title = if draft {
            l.fill("frame.draft_title", &[("title", &ctx.title)])
        } else {
            ctx.title.clone()
        };
        put(small, MARGIN_X, top - 11.0, &title);
        // Footer: who generated it and when; page N of M.
        let generated = l.fill(
            "frame.generated",
            &[
                ("member", &ctx.generated_by),
                ("date", &l.long_date(ctx.generated_on)),
            ],
        );
        put(small, MARGIN_X, 42.0, &generated);
        let page = l.fill("frame.page", &[("n", &n), ("total", &total)]);
        put(small, right(self, small, &page), 42.0, &page);
        draw::stroke(ops, Ink::Grey(0.6), 0.5, &[]);
        draw::polyline(
            ops,
            &[(MARGIN_X, top - 16.0), (MARGIN_X + CONTENT_W, top - 16.0)],
        );
        draw::polyline(ops, &[(MARGIN_X, 54.0), (MARGIN_X + CONTENT_W, 54.0)]);
    }
}
