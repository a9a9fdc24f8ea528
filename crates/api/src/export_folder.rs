//! Exporting from the desktop: which documents a case can give the case file right
//! now, and saving one into a folder under a file name that names no one. The CLI
//! chooses its own path (`export_pdf`); the desktop has no save dialog, so the file
//! name is decided here: the document, the case reference and the date, never a
//! person's name, and never an existing file replaced.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hearth_core::casework::SignOffStatus;
use hearth_core::{CaseId, PersonId, SupervisionId};
use serde::Serialize;

use crate::error::{ApiError, Result};
use crate::export::{ExportKind, ExportRequest, Exported, write_atomically};
use crate::workspace::Workspace;

/// One document the case can export now. `subject` is the person of a graph or a
/// child's letter; `record` the supervision record exported. The shells word the
/// offer in their own language from these facts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportOffer {
    pub kind: ExportKind,
    pub subject: Option<PersonId>,
    pub subject_name: Option<String>,
    pub record: Option<SupervisionId>,
    /// The meeting date of the supervision record offered.
    pub record_date: Option<NaiveDate>,
    /// Printed with DRAFT on every page: not signed off, or changed since.
    pub draft: bool,
}

impl ExportOffer {
    fn new(kind: ExportKind, draft: bool) -> Self {
        ExportOffer {
            kind,
            subject: None,
            subject_name: None,
            record: None,
            record_date: None,
            draft,
        }
    }
}

/// How many "(n)" suffixes are tried before giving up on a free file name.
const MAX_SAME_NAME: u32 = 99;

impl Workspace {
    /// What the case can export now, in the order a worker looks for it: the
    /// children's graphs, the parenting assessment, the latest supervision record, the
    /// closing summary and, once it is written, the closure letters.
    pub fn export_offers(&self, case: &str) -> Result<Vec<ExportOffer>> {
        let id: CaseId = case.parse()?;
        let view = self.case_view(&id)?;
        let mut offers = Vec::new();

        // Children first, the eldest first; then the adults.
        let mut people: Vec<_> = view.people.iter().collect();
        people.sort_by_key(|p| (!p.role.is_child(), p.born, p.name.clone()));

        // A graph for everyone rated in the current episode.
        let (_, ratings) = view.analytics_inputs(None);
        for p in people
            .iter()
            .filter(|p| ratings.iter().any(|r| r.subject == p.id))
        {
            offers.push(ExportOffer {
                subject: Some(p.id.clone()),
                subject_name: Some(p.name.clone()),
                ..ExportOffer::new(ExportKind::Graph, false)
            });
        }

        let workbook = self.workbook(case)?;
        offers.push(ExportOffer::new(
            ExportKind::ParentingAssessment,
            workbook.status != SignOffStatus::Signed,
        ));

        if let Some(latest) = self
            .supervisions(case)?
            .into_iter()
            .max_by_key(|r| (r.fields.date, r.added_at))
        {
            offers.push(ExportOffer {
                record: Some(latest.id.clone()),
                record_date: Some(latest.fields.date),
                ..ExportOffer::new(
                    ExportKind::Supervision,
                    latest.status != SignOffStatus::Signed,
                )
            });
        }

        let closure = self.closure(case, None)?;
        if let Some(summary) = &closure.summary {
            offers.push(ExportOffer::new(
                ExportKind::ClosingSummary,
                summary.status != SignOffStatus::Signed,
            ));
        }
        // Letters are drafted from the closing summary, so they come with it.
        if closure.summary.is_some() {
            offers.push(ExportOffer::new(ExportKind::Letter, false));
            for child in people.iter().filter(|p| p.role.is_child()) {
                offers.push(ExportOffer {
                    subject: Some(child.id.clone()),
                    subject_name: Some(child.name.clone()),
                    ..ExportOffer::new(ExportKind::Letter, false)
                });
            }
        }
        Ok(offers)
    }

    /// The folder the desktop saves PDFs in: the one chosen in the settings, else
    /// `fallback` (the shell's documents folder, see [`default_export_dir`]).
    pub fn export_folder(&self, fallback: Option<PathBuf>) -> Result<PathBuf> {
        self.app_settings()?
            .export_dir
            .map(PathBuf::from)
            .or(fallback)
            .ok_or_else(|| ApiError::Refused("choose a folder for PDFs in Settings".into()))
    }

    /// Renders a document and saves it in `dir` as "<document> <case reference>
    /// <date>.pdf", adding " (2)", " (3)", ... rather than replace a file. The folder
    /// must exist; nothing is written when rendering fails.
    pub fn export_to_folder(&self, req: &ExportRequest<'_>, dir: &Path) -> Result<Exported> {
        if !dir.is_absolute() || !dir.is_dir() {
            return Err(ApiError::Refused(format!(
                "the folder {} does not exist; choose another folder for PDFs",
                dir.display()
            )));
        }
        let (bytes, reference) = self.render_with_reference(req)?;
        let stem = file_stem(req, &reference, self.clock.today());
        for n in 1..=MAX_SAME_NAME {
            let name = if n == 1 {
                format!("{stem}.pdf")
            } else {
                format!("{stem} ({n}).pdf")
            };
            let path = dir.join(name);
            if path.exists() {
                continue;
            }
            match write_atomically(&path, &bytes, false) {
                Ok(()) => {
                    return Ok(Exported {
                        path,
                        bytes: bytes.len(),
                    });
                }
                // Another file took the name meanwhile: try the next one.
                Err(ApiError::Refused(_)) if path.exists() => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ApiError::Refused(format!(
            "{} already holds {MAX_SAME_NAME} copies of this document today",
            dir.display()
        )))
    }
}

/// "Closing summary FS-0042 2026-11-24": the document, the case reference (see
/// `export::case_reference`) and the date. Never a person's name: a child's letter is
/// "Closure letter to a child", a graph "FIT graph". Characters a file system may
/// refuse are replaced.
fn file_stem(req: &ExportRequest<'_>, reference: &str, today: NaiveDate) -> String {
    // A letter's title names the child; its file name only says which kind of letter.
    let document = match (req.kind, req.subject) {
        (ExportKind::Letter, None) => "Closure letter to the family",
        (ExportKind::Letter, Some(_)) => "Closure letter to a child",
        (kind, _) => kind.title(kind.language(req.language)),
    };
    let safe: String = reference
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .take(40)
        .collect();
    let safe = safe.trim_start_matches('.');
    format!("{document} {safe} {today}")
}

/// The folder PDFs go to when the worker has not chosen one: the given default (the
/// platform's documents folder) when it exists, else the home folder.
pub fn default_export_dir(documents: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    documents
        .filter(|d| d.is_dir())
        .or(home.filter(|h| h.is_dir()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_report::Language;

    fn req(kind: ExportKind, subject: Option<&'static str>) -> ExportRequest<'static> {
        ExportRequest {
            kind,
            case: "c",
            subject,
            record: None,
            language: Language::English,
        }
    }

    #[test]
    fn file_names_carry_document_reference_and_date_but_no_name() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            file_stem(&req(ExportKind::Letter, Some("p")), "FS-0042", day),
            "Closure letter to a child FS-0042 2026-11-24"
        );
        assert_eq!(
            file_stem(&req(ExportKind::ClosingSummary, None), "../a/b:c", day),
            "Closing summary -a-b-c 2026-11-24"
        );
        // A Danish graph is named in Danish; a document that is only written in English
        // keeps its English name.
        let danish = |kind| ExportRequest {
            language: Language::Danish,
            ..req(kind, None)
        };
        assert_eq!(
            file_stem(&danish(ExportKind::Graph), "FS-0042", day),
            "FIT-graf FS-0042 2026-11-24"
        );
        assert_eq!(
            file_stem(&danish(ExportKind::ParentingAssessment), "FS-0042", day),
            "Parenting assessment FS-0042 2026-11-24"
        );
    }
}
