//! `export`: PDFs for the statutory case file (rendering and the atomic write live in
//! hearth-api; this only parses the arguments and says where the file went).

use std::path::PathBuf;

use hearth_api::{ApiError, ExportKind, ExportRequest, Workspace, parse_language};

use crate::output::say;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// parenting-assessment, closing-summary, graph, supervision or letter.
    #[arg(value_name = "DOCUMENT")]
    pub document: String,
    #[arg(long)]
    pub case: String,
    /// The person whose graph, or the child whose letter (none: the family's letter).
    #[arg(long)]
    pub subject: Option<String>,
    /// The supervision record (none: the latest).
    #[arg(long)]
    pub record: Option<String>,
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    /// The language of the graph's words and dates: en or da. The other documents are
    /// written in English.
    #[arg(long, default_value = "en")]
    pub language: String,
}

pub fn run(
    open: impl FnOnce() -> Result<Workspace, ApiError>,
    a: ExportArgs,
) -> Result<(), ApiError> {
    // Check the document name before asking for the passphrase.
    let kind: ExportKind = a.document.parse()?;
    let language = parse_language(&a.language)?;
    let ws = open()?;
    let done = ws.export_pdf(
        &ExportRequest {
            kind,
            case: &a.case,
            subject: a.subject.as_deref(),
            record: a.record.as_deref(),
            language,
        },
        &a.out,
        a.force,
    )?;
    say!("wrote {} ({} bytes)", done.path.display(), done.bytes);
    Ok(())
}
