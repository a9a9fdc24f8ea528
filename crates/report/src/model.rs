//! The document models: plain data, already decided and worded by hearth-core and
//! hearth-api (names resolved, the latest records chosen, sign-off state known).

use chrono::NaiveDate;
use hearth_core::Tenths;
use hearth_core::casework::{ChangeWord, Rag};
use hearth_core::chart::ChartScene;

// One document is built per export, so the size difference between variants costs
// nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum Document {
    ClosingSummary(ClosingSummary),
    Supervision(SupervisionRecord),
    Letter(Letter),
    Graph(GraphSnapshot),
    ParentingAssessment(ParentingAssessment),
}

/// Who signed, in which role, on which day.
#[derive(Clone, Debug)]
pub struct Signature {
    pub name: String,
    pub role: String,
    pub date: NaiveDate,
}

/// Where a record stands: a draft prints DRAFT on every page.
#[derive(Clone, Debug)]
pub enum SignOffState {
    Draft,
    Signed(Signature),
    /// Signed, then changed: printed as a draft, naming what changed.
    Amended {
        signed: Signature,
        changes: Vec<String>,
    },
}

impl SignOffState {
    pub fn is_draft(&self) -> bool {
        !matches!(self, SignOffState::Signed(_))
    }
}

/// One line of FIT numbers: first and last rating of one rater on one measure.
#[derive(Clone, Debug)]
pub struct OutcomeRow {
    pub subject: String,
    pub rater: String,
    pub measure: String,
    pub ratings: usize,
    pub first: Tenths,
    pub last: Tenths,
    pub change: Tenths,
    pub cutoff: Option<Tenths>,
    pub reliable_change: Option<ChangeWord>,
    pub clinically_significant: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct ClosingSummary {
    pub family: String,
    pub referred: Option<NaiveDate>,
    pub opened: Option<NaiveDate>,
    pub decided: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub closed: Option<NaiveDate>,
    pub reason: String,
    pub what_changed: String,
    pub outcomes: Vec<OutcomeRow>,
    /// Set when the numbers changed since the summary was written (e.g. a corrected
    /// rating): the summary prints the numbers as written, and says so.
    pub outcomes_changed: bool,
    pub goals_achieved: String,
    /// Plan goals named as achieved, in the family's words.
    pub plan_goals: Vec<String>,
    pub sustainability_plan: String,
    pub signposting: String,
    pub child_views: String,
    pub family_views: String,
    pub written_by: Option<String>,
    pub sign_off: SignOffState,
}

/// A professional's summary of progress in a supervision record.
#[derive(Clone, Debug)]
pub struct Progress {
    pub name: String,
    pub role: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct DecisionLine {
    pub decision: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Amendment {
    pub by: String,
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct SupervisionRecord {
    pub family: String,
    pub date: NaiveDate,
    pub chair: String,
    pub attended: Vec<String>,
    pub sent_summary: Vec<String>,
    pub progress: Vec<Progress>,
    pub cycle_of_change: String,
    pub child_views: String,
    pub parent_views: String,
    pub impact: String,
    pub plan: String,
    pub decisions: Vec<DecisionLine>,
    pub rag: Option<Rag>,
    pub recorded_by: Option<String>,
    pub amendments: Vec<Amendment>,
    pub sign_off: SignOffState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterAudience {
    Family,
    /// A child's letter: larger type, short lines.
    Child,
}

/// A strengths-based closure letter. The text is the worker's (drafted by
/// `hearth_core::casework::closure_letters`, possibly edited): paragraphs separated
/// by blank lines, "- " lines as bullets, a line ending in ":" as a subheading.
#[derive(Clone, Debug)]
pub struct Letter {
    pub audience: LetterAudience,
    pub team: String,
    pub date: NaiveDate,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct GraphSnapshot {
    pub family: String,
    pub scene: ChartScene,
}

#[derive(Clone, Debug)]
pub struct PersonLine {
    pub name: String,
    /// e.g. "Child, born 4 May 2016".
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct AssessmentEntry {
    pub author: String,
    pub discipline: String,
    pub date: NaiveDate,
    /// Fact, reflection, analysis or hypothesis.
    pub kind: String,
    /// Whom it is about; empty for the whole family.
    pub about: Vec<String>,
    pub text: String,
    pub finalised: bool,
}

#[derive(Clone, Debug)]
pub struct AssessmentSection {
    /// e.g. "Module 1: Why are we involved?"
    pub title: String,
    pub entries: Vec<AssessmentEntry>,
}

/// The decisions of the latest finalised case supervision.
#[derive(Clone, Debug)]
pub struct SupervisionDecisions {
    pub date: NaiveDate,
    pub chair: String,
    pub rag: Option<Rag>,
    pub decisions: Vec<DecisionLine>,
}

#[derive(Clone, Debug)]
pub struct ParentingAssessment {
    pub family: String,
    pub children: Vec<PersonLine>,
    pub adults: Vec<PersonLine>,
    /// The social worker, reflective author of the family's story.
    pub author: String,
    pub date: NaiveDate,
    pub sections: Vec<AssessmentSection>,
    pub graphs: Vec<ChartScene>,
    pub supervision: Option<SupervisionDecisions>,
    pub sign_off: SignOffState,
}
