//! Exporting PDFs for the statutory case file (issue 5). This module assembles the
//! document models of `hearth-report` from the workspace (names resolved, the latest
//! finalised supervision chosen, sign-off state read from hearth-core) and writes the
//! file atomically: everything is rendered in memory first, then written to a
//! temporary file in the target directory, synced, and moved into place, so a failed
//! export leaves no file, partial or otherwise, and an existing file is replaced
//! only when asked.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use hearth_core::case::CaseView;
use hearth_core::casework::{SignOff, SignOffStatus, SupervisionView};
use hearth_core::team::TeamView;
use hearth_core::{CaseId, CoreError, MemberId, MemberRole, PersonId, SupervisionId};
use hearth_report::{
    AssessmentEntry, AssessmentSection, ClosingSummary, DecisionLine, Document, DocumentContext,
    GraphSnapshot, Language, Letter, LetterAudience, OutcomeRow, ParentingAssessment, PersonLine,
    Progress, SignOffState, Signature, SupervisionDecisions, SupervisionRecord,
};

use crate::error::{ApiError, Result};
use crate::workspace::{Workspace, random_bytes};

/// The documents `export` produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportKind {
    ParentingAssessment,
    ClosingSummary,
    Graph,
    Supervision,
    Letter,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] = [
        ExportKind::ParentingAssessment,
        ExportKind::ClosingSummary,
        ExportKind::Graph,
        ExportKind::Supervision,
        ExportKind::Letter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::ParentingAssessment => "parenting-assessment",
            ExportKind::ClosingSummary => "closing-summary",
            ExportKind::Graph => "graph",
            ExportKind::Supervision => "supervision",
            ExportKind::Letter => "letter",
        }
    }

    /// The language a document of this kind is written in when `asked` is wanted: only
    /// the FIT graph can be Danish so far; the Family Safeguarding documents are English,
    /// as their workbook headings and letter drafts are.
    pub(crate) fn language(self, asked: Language) -> Language {
        match self {
            ExportKind::Graph => asked,
            _ => Language::English,
        }
    }

    pub(crate) fn title(self, language: Language) -> &'static str {
        match self {
            ExportKind::ParentingAssessment => "Parenting assessment",
            ExportKind::ClosingSummary => "Closing summary",
            ExportKind::Graph => language.graph_title(),
            ExportKind::Supervision => "Case supervision record",
            ExportKind::Letter => "Closure letter",
        }
    }
}

impl FromStr for ExportKind {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self> {
        ExportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = ExportKind::ALL.iter().map(|k| k.as_str()).collect();
                ApiError::Refused(format!(
                    "unknown document {s:?}; choose one of {}",
                    all.join(", ")
                ))
            })
    }
}

/// What to export: `subject` is the person of a graph or a child's letter (none: the
/// family's letter); `record` a supervision record (none: the latest); `language` the
/// language of the report's own words where the kind allows it (see
/// [`parse_language`]).
#[derive(Clone, Debug)]
pub struct ExportRequest<'a> {
    pub kind: ExportKind,
    pub case: &'a str,
    pub subject: Option<&'a str>,
    pub record: Option<&'a str>,
    pub language: Language,
}

/// "en" or "da", as the desktop and the CLI name languages. Only the FIT graph is
/// written in Danish so far; the other documents stay English.
pub fn parse_language(code: &str) -> Result<Language> {
    Language::from_code(code).ok_or_else(|| {
        let all: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
        ApiError::Refused(format!(
            "unknown language {code:?}; choose one of {}",
            all.join(", ")
        ))
    })
}

/// A written export.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Exported {
    pub path: PathBuf,
    pub bytes: usize,
}

/// "team-manager" as a document prints it: "Team manager".
fn role_words(role: MemberRole) -> String {
    let s = role.as_str().replace('-', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

fn member_name(team: &TeamView, id: &MemberId) -> String {
    team.member(id)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "a former member".into())
}

fn signature(team: &TeamView, s: &SignOff) -> Signature {
    Signature {
        name: member_name(team, &s.by),
        role: role_words(s.role),
        date: s.at.date_naive(),
    }
}

fn sign_off_state(team: &TeamView, status: &SignOffStatus, last: Option<&SignOff>) -> SignOffState {
    match (status, last) {
        (SignOffStatus::Signed, Some(s)) => SignOffState::Signed(signature(team, s)),
        (SignOffStatus::AmendedAfterSignOff { changes }, Some(s)) => SignOffState::Amended {
            signed: signature(team, s),
            changes: changes.clone(),
        },
        _ => SignOffState::Draft,
    }
}

fn person_name(view: &CaseView, id: &PersonId) -> String {
    view.people
        .iter()
        .find(|p| &p.id == id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "someone no longer in the case".into())
}

impl Workspace {
    /// Sets the protective marking printed on every page of the team's documents
    /// (team managers only); an empty text removes it.
    pub fn set_protective_marking(&mut self, marking: &str) -> Result<()> {
        let now = self.clock.now();
        self.team
            .set_protective_marking(marking, &self.member, now)?;
        self.save_team()
    }

    /// Renders a document to PDF bytes, without writing anything.
    pub fn render_document(&self, req: &ExportRequest<'_>) -> Result<Vec<u8>> {
        Ok(self.render_with_reference(req)?.0)
    }

    /// The PDF bytes and the case reference printed on every page (which the desktop
    /// also puts in the file name).
    pub(crate) fn render_with_reference(
        &self,
        req: &ExportRequest<'_>,
    ) -> Result<(Vec<u8>, String)> {
        let case: CaseId = req.case.parse()?;
        let view = self.case_view(&case)?;
        let team = self.team.view()?;
        let (document, title) = match req.kind {
            ExportKind::ClosingSummary => {
                (self.closing_summary_model(req.case, &view, &team)?, None)
            }
            ExportKind::Supervision => (self.supervision_model(req, &view, &team)?, None),
            ExportKind::Letter => self.letter_model(req, &view, &team)?,
            ExportKind::Graph => {
                let subject = req.subject.ok_or_else(|| {
                    ApiError::Refused("say whose graph to export (--subject PERSON-ID)".into())
                })?;
                let scene = self.chart(req.case, subject)?;
                (
                    Document::Graph(GraphSnapshot {
                        family: view.family.name.clone(),
                        scene,
                    }),
                    None,
                )
            }
            ExportKind::ParentingAssessment => {
                (self.assessment_model(req.case, &view, &team)?, None)
            }
        };
        let me = team
            .member(&self.member)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let reference = case_reference(&view);
        let language = req.kind.language(req.language);
        let ctx = DocumentContext {
            team: team.name.clone(),
            case_reference: reference.clone(),
            title: title.unwrap_or_else(|| req.kind.title(language).to_string()),
            generated_by: me,
            generated_on: self.clock.today(),
            generated_at: self.clock.now(),
            protective_marking: team.settings.protective_marking.clone(),
            language,
        };
        let bytes =
            hearth_report::render(&document, &ctx).map_err(|e| ApiError::Io(e.to_string()))?;
        Ok((bytes, reference))
    }

    /// Renders a document and writes it to `out` atomically. An existing file is
    /// refused unless `force`; any failure leaves no new file behind.
    pub fn export_pdf(&self, req: &ExportRequest<'_>, out: &Path, force: bool) -> Result<Exported> {
        check_target(out, force)?;
        let bytes = self.render_document(req)?;
        write_atomically(out, &bytes, force)?;
        Ok(Exported {
            path: out.to_path_buf(),
            bytes: bytes.len(),
        })
    }

    fn closing_summary_model(
        &self,
        case: &str,
        view: &CaseView,
        team: &TeamView,
    ) -> Result<Document> {
        let closure = self.closure(case, None)?;
        let Some(s) = closure.summary else {
            return Err(ApiError::Refused(
                "the current episode has no closing summary yet; write it first".into(),
            ));
        };
        let episode = view.episodes.iter().find(|e| e.id == closure.episode);
        let reason = if s.fields.reason.trim().is_empty() {
            closure
                .decision
                .as_ref()
                .map(|d| d.reason.clone())
                .unwrap_or_default()
        } else {
            s.fields.reason.clone()
        };
        Ok(Document::ClosingSummary(ClosingSummary {
            family: view.family.name.clone(),
            referred: episode.and_then(|e| e.referred),
            opened: episode.and_then(|e| e.opened),
            decided: closure.decision.as_ref().map(|d| d.date),
            decided_by: closure
                .decision
                .as_ref()
                .and_then(|d| d.by.as_ref())
                .map(|m| member_name(team, m)),
            closed: closure.closed,
            reason,
            what_changed: s.fields.what_changed.clone(),
            outcomes: s
                .outcomes
                .iter()
                .map(|o| OutcomeRow {
                    subject: person_name(view, &o.subject),
                    rater: person_name(view, &o.rater),
                    measure: o.measure.clone(),
                    ratings: o.ratings,
                    first: o.first,
                    last: o.last,
                    change: o.change,
                    cutoff: o.cutoff,
                    reliable_change: o.reliable_change,
                    clinically_significant: o.clinically_significant,
                })
                .collect(),
            outcomes_changed: s.outcomes_changed,
            goals_achieved: s.fields.goals_achieved.clone(),
            plan_goals: s.plan_goals.iter().map(|g| g.text.clone()).collect(),
            sustainability_plan: s.fields.sustainability_plan.clone(),
            signposting: s.fields.signposting.clone(),
            child_views: s.fields.child_views.clone(),
            family_views: s.fields.family_views.clone(),
            written_by: s.written_by.as_ref().map(|m| member_name(team, m)),
            sign_off: sign_off_state(team, &s.status, s.signed.as_ref()),
        }))
    }

    fn supervision_model(
        &self,
        req: &ExportRequest<'_>,
        view: &CaseView,
        team: &TeamView,
    ) -> Result<Document> {
        let all = self.supervisions(req.case)?;
        let record = match req.record {
            Some(id) => {
                let id: SupervisionId = id.parse()?;
                all.into_iter().find(|r| r.id == id).ok_or_else(|| {
                    ApiError::Invalid(CoreError::NotInCase(format!(
                        "supervision record {id} is not in this case"
                    )))
                })?
            }
            None => latest(all, |_| true).ok_or_else(|| {
                ApiError::Refused("the case has no case supervision records".into())
            })?,
        };
        let f = &record.fields;
        let names = |ids: &[MemberId]| ids.iter().map(|m| member_name(team, m)).collect();
        Ok(Document::Supervision(SupervisionRecord {
            family: view.family.name.clone(),
            date: f.date,
            chair: member_name(team, &f.chair),
            attended: names(&f.attended),
            sent_summary: names(&f.sent_summary),
            progress: f
                .progress
                .iter()
                .map(|(m, text)| Progress {
                    name: member_name(team, m),
                    role: team
                        .member(m)
                        .map(|x| role_words(x.role))
                        .unwrap_or_default(),
                    text: text.clone(),
                })
                .collect(),
            cycle_of_change: f.cycle_of_change.clone(),
            child_views: f.child_views.clone(),
            parent_views: f.parent_views.clone(),
            impact: f.impact.clone(),
            plan: f.plan.clone(),
            decisions: f
                .decisions
                .iter()
                .map(|d| DecisionLine {
                    decision: d.decision.clone(),
                    reason: d.reason.clone(),
                })
                .collect(),
            rag: f.rag,
            recorded_by: record.recorded_by.as_ref().map(|m| member_name(team, m)),
            amendments: record
                .amendments
                .iter()
                .map(|a| hearth_report::Amendment {
                    by: member_name(team, &a.by),
                    date: a.at.date_naive(),
                    reason: a.reason.clone(),
                })
                .collect(),
            sign_off: sign_off_state(team, &record.status, record.finalised.as_ref()),
        }))
    }

    fn letter_model(
        &self,
        req: &ExportRequest<'_>,
        view: &CaseView,
        team: &TeamView,
    ) -> Result<(Document, Option<String>)> {
        let closure = self.closure(req.case, None)?;
        let drafts = self.draft_closure_letters(req.case)?;
        let (audience, text, title) = match req.subject {
            None => (
                LetterAudience::Family,
                closure.letters.family.clone().unwrap_or(drafts.family),
                "Closure letter to the family".to_string(),
            ),
            Some(p) => {
                let p: PersonId = p.parse()?;
                let child = view
                    .people
                    .iter()
                    .find(|q| q.id == p && q.role.is_child())
                    .ok_or_else(|| {
                        ApiError::Invalid(CoreError::NotInCase(format!(
                            "person {p} is not a child in this case"
                        )))
                    })?;
                let saved = closure
                    .letters
                    .children
                    .iter()
                    .find(|(q, _)| q == &p)
                    .map(|(_, t)| t.clone());
                let draft = drafts
                    .children
                    .into_iter()
                    .find(|c| c.person == p)
                    .map(|c| c.text)
                    .unwrap_or_default();
                let first = child
                    .name
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                (
                    LetterAudience::Child,
                    saved.unwrap_or(draft),
                    format!("Closure letter to {first}"),
                )
            }
        };
        Ok((
            Document::Letter(Letter {
                audience,
                team: team.name.clone(),
                date: self.clock.today(),
                text,
            }),
            Some(title),
        ))
    }

    fn assessment_model(&self, case: &str, view: &CaseView, team: &TeamView) -> Result<Document> {
        let workbook = self.workbook(case)?;
        let today = self.clock.today();
        let describe = |p: &hearth_core::case::Person| {
            let role = role_words_person(p.role.as_str());
            match p.born {
                Some(b) => format!("{role}, born {}", hearth_report::long_date(b)),
                None => role,
            }
        };
        let children: Vec<PersonLine> = view
            .people
            .iter()
            .filter(|p| p.role.is_child())
            .map(|p| PersonLine {
                name: p.name.clone(),
                detail: describe(p),
            })
            .collect();
        let adults: Vec<PersonLine> = view
            .people
            .iter()
            .filter(|p| !p.role.is_child() && p.party)
            .map(|p| PersonLine {
                name: p.name.clone(),
                detail: describe(p),
            })
            .collect();
        let sections = workbook
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| AssessmentSection {
                // Sections 3.. are the workbook's modules 1-8.
                title: if i >= 2 {
                    format!("Module {}: {}", i - 1, s.title)
                } else {
                    s.title.clone()
                },
                entries: s
                    .entries
                    .iter()
                    .map(|e| AssessmentEntry {
                        author: member_name(team, &e.author),
                        discipline: role_words(e.role),
                        date: e.date,
                        kind: role_words_person(e.kind.as_str()),
                        about: e.about.iter().map(|p| person_name(view, p)).collect(),
                        text: e.text.clone(),
                        finalised: e.status == SignOffStatus::Signed,
                    })
                    .collect(),
            })
            .collect();
        let mut graphs = Vec::new();
        for child in view.people.iter().filter(|p| p.role.is_child()) {
            let scene = self.chart(case, child.id.as_str())?;
            if scene.x_axis.is_some() {
                graphs.push(scene);
            }
        }
        let supervision = latest(self.supervisions(case)?, |r| r.status.is_finalised()).map(|r| {
            SupervisionDecisions {
                date: r.fields.date,
                chair: member_name(team, &r.fields.chair),
                rag: r.fields.rag,
                decisions: r
                    .fields
                    .decisions
                    .iter()
                    .map(|d| DecisionLine {
                        decision: d.decision.clone(),
                        reason: d.reason.clone(),
                    })
                    .collect(),
            }
        });
        let author = view
            .allocated_to
            .as_ref()
            .or(workbook.finalised.as_ref().map(|s| &s.by))
            .map(|m| member_name(team, m))
            .unwrap_or_else(|| member_name(team, &self.member));
        Ok(Document::ParentingAssessment(ParentingAssessment {
            family: view.family.name.clone(),
            children,
            adults,
            author,
            date: workbook
                .finalised
                .as_ref()
                .filter(|_| workbook.status == SignOffStatus::Signed)
                .map(|s| s.at.date_naive())
                .unwrap_or(today),
            sections,
            graphs,
            supervision,
            sign_off: sign_off_state(team, &workbook.status, workbook.finalised.as_ref()),
        }))
    }
}

/// What identifies the case on a document and in a file name: its reference, or the
/// start of its id when it has none. Never the family's name.
fn case_reference(view: &CaseView) -> String {
    match view.family.reference.trim() {
        "" => view.id.as_str().chars().take(8).collect(),
        r => r.to_string(),
    }
}

/// "step-parent" as a document prints it: "Step parent".
fn role_words_person(s: &str) -> String {
    let s = s.replace('-', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// The latest record by meeting date (then by when it was written) among those `keep`
/// accepts.
fn latest(
    all: Vec<SupervisionView>,
    keep: impl Fn(&SupervisionView) -> bool,
) -> Option<SupervisionView> {
    all.into_iter()
        .filter(|r| keep(r))
        .max_by_key(|r| (r.fields.date, r.added_at))
}

/// Refuses a target that exists (without `force`), is a directory, or whose directory
/// does not exist, before anything is rendered.
fn check_target(out: &Path, force: bool) -> Result<()> {
    if out.is_dir() {
        return Err(ApiError::Refused(format!(
            "{} is a directory",
            out.display()
        )));
    }
    if out.exists() && !force {
        return Err(ApiError::Refused(format!(
            "{} already exists; use --force to replace it",
            out.display()
        )));
    }
    let dir = parent_dir(out);
    if !dir.is_dir() {
        return Err(ApiError::Io(format!(
            "the directory {} does not exist",
            dir.display()
        )));
    }
    Ok(())
}

fn parent_dir(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Write to a temporary file beside the target, sync it, then move it into place:
/// `rename` (replacing) with `force`, otherwise `hard_link`, which fails rather than
/// replace a file that appeared meanwhile. The temporary file is removed on every
/// path; the directory is synced so the new name survives a crash.
pub(crate) fn write_atomically(out: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let dir = parent_dir(out);
    let suffix: [u8; 8] = random_bytes();
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".hearth-export-{hex}.tmp"));
    let io = |what: &str, e: std::io::Error| ApiError::Io(format!("{what} {}: {e}", out.display()));
    let result = (|| -> Result<()> {
        let mut f = File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io("cannot write", e))?;
        f.write_all(bytes).map_err(|e| io("cannot write", e))?;
        f.sync_all().map_err(|e| io("cannot sync", e))?;
        drop(f);
        if force {
            fs::rename(&tmp, out).map_err(|e| io("cannot move into place", e))?;
        } else {
            let exists = || {
                ApiError::Refused(format!(
                    "{} already exists; use --force to replace it",
                    out.display()
                ))
            };
            match fs::hard_link(&tmp, out) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
                // File systems without hard links (FAT and exFAT memory sticks, some
                // network shares): check, then rename. Only a file created in the
                // instant between the two could be replaced.
                Err(_) if out.exists() => return Err(exists()),
                Err(_) => fs::rename(&tmp, out).map_err(|e| io("cannot move into place", e))?,
            }
        }
        Ok(())
    })();
    let _ = fs::remove_file(&tmp);
    result?;
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
