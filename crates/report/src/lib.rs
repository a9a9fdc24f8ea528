//! hearth-report: the PDFs that go into the statutory case file.
//!
//! Pure rendering: each document is a plain data model (see [`model`]) plus a
//! [`DocumentContext`] (team, case reference, title, who generated it and when, the
//! team's protective marking), and comes back as PDF bytes. What goes into a document
//! (which supervision decisions are the latest, whether a record is signed) is decided
//! in hearth-core and assembled in hearth-api; nothing here reads a workspace.
//!
//! Layers: `fonts` (embedded DejaVu, glyph widths), `draw` (page primitives),
//! `layout` (flowing blocks over pages, header and footer), `chart` (a
//! [`hearth_core::chart::ChartScene`] drawn as vector graphics), `documents` (one
//! module per document type).

mod chart;
mod documents;
mod draw;
mod fonts;
mod layout;
pub mod model;
mod outline;
mod words;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use thiserror::Error;

pub use fonts::missing_glyphs;
pub use model::*;
pub use words::Language;

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("font: {0}")]
    Font(String),
    #[error("PDF: {0}")]
    Pdf(String),
}

/// What every page of a document says about where it comes from.
#[derive(Clone, Debug)]
pub struct DocumentContext {
    pub team: String,
    pub case_reference: String,
    /// The document's title (header, metadata).
    pub title: String,
    /// The member who generated the document (footer, metadata author).
    pub generated_by: String,
    pub generated_on: NaiveDate,
    pub generated_at: DateTime<Utc>,
    /// The team's protective marking (e.g. "OFFICIAL-SENSITIVE"), printed at the top
    /// and bottom of every page; `None` prints none.
    pub protective_marking: Option<String>,
    /// The language of the words the report writes itself (headings, labels, dates).
    pub language: Language,
}

/// A date as an English case file writes it: "3 March 2025".
pub fn long_date(d: NaiveDate) -> String {
    Language::English.long_date(d)
}

fn pdf_date(at: DateTime<Utc>) -> printpdf::DateTime {
    printpdf::DateTime {
        date: printpdf::Date {
            year: at.year(),
            month: at.month() as u8,
            day: at.day() as u8,
        },
        time: printpdf::Time {
            hour: at.hour() as u8,
            minute: at.minute() as u8,
            second: at.second() as u8,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

/// Renders one document to PDF bytes.
pub fn render(document: &Document, ctx: &DocumentContext) -> Result<Vec<u8>, ReportError> {
    match document {
        Document::ClosingSummary(d) => documents::closing::render(d, ctx),
        Document::Supervision(d) => documents::supervision::render(d, ctx),
        Document::Letter(d) => documents::letter::render(d, ctx),
        Document::Graph(d) => documents::graph::render(d, ctx),
        Document::ParentingAssessment(d) => documents::assessment::render(d, ctx),
    }
}
