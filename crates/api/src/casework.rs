//! Family Safeguarding casework actions: the workbook, case supervision records and
//! stages of change. Every rule (who may, what is valid) lives in
//! `hearth_core::casework` and `hearth_core::permissions`; this module parses what was
//! typed, acts as the workspace's own member, and saves the change.

use std::collections::BTreeMap;

use hearth_core::casework::{
    Decision, EntryKind, NewEntry, NewStage, ProblemArea, Rag, SignOffStatus, Stage, StageSeries,
    SupervisionFields, SupervisionView, WorkbookSection, WorkbookView,
};
use hearth_core::dates::parse_past_date;
use hearth_core::permissions::{self, Action};
use hearth_core::{
    CaseId, CoreError, MemberId, MemberRole, PersonId, StageEntryId, SupervisionId, WorkbookEntryId,
};
use serde::Deserialize;

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

/// A new workbook entry as the shells hand it over (strings as typed).
pub struct WriteEntryRequest<'a> {
    pub case: &'a str,
    /// A section id, e.g. `module-1` or `key-information`.
    pub section: &'a str,
    pub text: &'a str,
    /// Person ids of the case the entry is about; empty for the whole family.
    pub about: Vec<String>,
    /// `fact` (default), `reflection`, `analysis` or `hypothesis`.
    pub kind: Option<&'a str>,
    /// `YYYY-MM-DD`, default today.
    pub date: Option<&'a str>,
}

/// A new case supervision record as the shells hand it over.
pub struct SupervisionRequest<'a> {
    pub case: &'a str,
    pub date: &'a str,
    /// `red`, `amber` or `green` (needed before the record can be finalised).
    pub rag: Option<&'a str>,
    /// Decisions, each paired with the reason at the same position.
    pub decisions: Vec<String>,
    pub reasons: Vec<String>,
    /// The other fields as a JSON object, see [`SupervisionJson`].
    pub json: Option<&'a str>,
}

/// The fields of a case supervision record given as JSON (`supervision add
/// --json-file`). Every key is optional; unknown keys are refused. Member ids are
/// strings (UUIDs from `team show`):
/// ```json
/// { "chair": "<member-id>", "attended": ["<member-id>"], "sent_summary": ["<member-id>"],
///   "progress": { "<member-id>": "text" }, "cycle_of_change": "text",
///   "child_views": "text", "parent_views": "text", "impact": "text", "plan": "text",
///   "decisions": [ { "decision": "text", "reason": "text" } ] }
/// ```
/// `chair` defaults to the acting member when they are a team manager. Decisions given
/// here come before those given as `--decision`/`--reason`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisionJson {
    pub chair: Option<String>,
    pub attended: Vec<String>,
    pub sent_summary: Vec<String>,
    pub progress: BTreeMap<String, String>,
    pub cycle_of_change: String,
    pub child_views: String,
    pub parent_views: String,
    pub impact: String,
    pub plan: String,
    pub decisions: Vec<Decision>,
}

fn member_ids(ids: &[String]) -> Result<Vec<MemberId>> {
    Ok(ids
        .iter()
        .map(|s| s.parse::<MemberId>())
        .collect::<Result<Vec<_>, _>>()?)
}

impl Workspace {
    // ---- workbook --------------------------------------------------------------

    /// Writes an entry in the case's workbook as this workspace's member; returns its id.
    pub fn write_workbook_entry(&mut self, req: WriteEntryRequest<'_>) -> Result<WorkbookEntryId> {
        let case: CaseId = req.case.parse()?;
        let section: WorkbookSection = req.section.parse()?;
        let kind: EntryKind = req.kind.unwrap_or("fact").parse()?;
        let today = self.clock.today();
        let date = match req.date {
            Some(d) => parse_past_date(d, today)?,
            None => today,
        };
        let about = req
            .about
            .iter()
            .map(|p| p.parse::<PersonId>())
            .collect::<Result<Vec<_>, _>>()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.write_workbook_entry(
            NewEntry {
                id: WorkbookEntryId::from_random(random_bytes()),
                section,
                kind,
                date,
                about,
                text: req.text.to_string(),
            },
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Replaces the text of one of this member's draft entries.
    pub fn edit_workbook_entry(&mut self, case: &str, entry: &str, text: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let entry: WorkbookEntryId = entry.parse()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.edit_workbook_entry(&entry, text, &team, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// Finalises one of this member's entries.
    pub fn finalise_workbook_entry(&mut self, case: &str, entry: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let entry: WorkbookEntryId = entry.parse()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.finalise_workbook_entry(&entry, &team, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// Finalises every entry of this member's in `section` that is not finalised as it
    /// stands (drafts, and entries amended after their sign-off); returns their ids.
    /// Refused, changing nothing, when there is none or any one is refused.
    pub fn finalise_workbook_section(
        &mut self,
        case: &str,
        section: &str,
    ) -> Result<Vec<WorkbookEntryId>> {
        let case: CaseId = case.parse()?;
        let section: WorkbookSection = section.parse()?;
        let team = self.team.view()?;
        let actor = permissions::actor(&team, &self.member, Action::FinaliseOwnEntry)?;
        permissions::check(Action::FinaliseOwnEntry, actor)?;
        let (mut doc, base) = self.load_case(&case)?;
        let mine: Vec<WorkbookEntryId> = doc
            .workbook()?
            .sections
            .iter()
            .filter(|s| s.id == section)
            .flat_map(|s| s.entries.iter())
            .filter(|e| e.author == self.member && e.status != SignOffStatus::Signed)
            .map(|e| e.id.clone())
            .collect();
        if mine.is_empty() {
            return Err(CoreError::Invalid(format!(
                "you have no draft entries in the workbook section {section}"
            ))
            .into());
        }
        let now = self.clock.now();
        for id in &mine {
            doc.finalise_workbook_entry(id, &team, &self.member, now)?;
        }
        self.save_case(&case, doc, base)?;
        Ok(mine)
    }

    /// Finalises the whole workbook (the parenting assessment): a social worker, once
    /// every entry is finalised by its author.
    pub fn finalise_workbook(&mut self, case: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.finalise_workbook(&team, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// The case's workbook: every section in order, entries by date.
    pub fn workbook(&self, case: &str) -> Result<WorkbookView> {
        let case: CaseId = case.parse()?;
        Ok(self.casework_views(&case)?.workbook)
    }

    // ---- case supervision ------------------------------------------------------

    /// Adds a case supervision record (a team manager or business support); returns
    /// its id.
    pub fn add_supervision(&mut self, req: SupervisionRequest<'_>) -> Result<SupervisionId> {
        let case: CaseId = req.case.parse()?;
        let team = self.team.view()?;
        // Who may comes first, so a refusal says so rather than naming a missing field.
        let actor = permissions::actor(&team, &self.member, Action::AddSupervision)?;
        permissions::check(Action::AddSupervision, actor)?;
        let today = self.clock.today();
        let date = parse_past_date(req.date, today)?;
        let rag = req.rag.map(|r| r.parse::<Rag>()).transpose()?;
        let extra: SupervisionJson = match req.json {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| CoreError::Invalid(format!("the supervision record's JSON: {e}")))?,
            None => SupervisionJson::default(),
        };
        if req.decisions.len() != req.reasons.len() {
            return Err(CoreError::Invalid(format!(
                "each decision needs a reason: {} decisions and {} reasons were given",
                req.decisions.len(),
                req.reasons.len()
            ))
            .into());
        }
        let chair: MemberId = match &extra.chair {
            Some(c) => c.parse()?,
            None if actor.role == MemberRole::TeamManager => self.member.clone(),
            None => {
                return Err(CoreError::Invalid(
                    "give the chair (a team manager's member id) as \"chair\" in the JSON".into(),
                )
                .into());
            }
        };
        let mut progress = BTreeMap::new();
        for (member, text) in &extra.progress {
            progress.insert(member.parse::<MemberId>()?, text.clone());
        }
        let mut decisions = extra.decisions.clone();
        decisions.extend(
            req.decisions
                .iter()
                .zip(&req.reasons)
                .map(|(d, r)| Decision {
                    decision: d.clone(),
                    reason: r.clone(),
                }),
        );
        let fields = SupervisionFields {
            date,
            chair,
            attended: member_ids(&extra.attended)?,
            sent_summary: member_ids(&extra.sent_summary)?,
            progress,
            cycle_of_change: extra.cycle_of_change,
            child_views: extra.child_views,
            parent_views: extra.parent_views,
            impact: extra.impact,
            plan: extra.plan,
            decisions,
            rag,
        };
        let id = SupervisionId::from_random(random_bytes());
        let (mut doc, base) = self.load_case(&case)?;
        doc.add_supervision(&id, &fields, &team, &self.member, today, self.clock.now())?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Finalises a case supervision record (a team manager only).
    pub fn finalise_supervision(&mut self, case: &str, record: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let record: SupervisionId = record.parse()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.finalise_supervision(&record, &team, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// Every supervision record of the case, by date, with its sign-off status.
    pub fn supervisions(&self, case: &str) -> Result<Vec<SupervisionView>> {
        let case: CaseId = case.parse()?;
        Ok(self.casework_views(&case)?.supervisions)
    }

    // ---- stages of change ------------------------------------------------------

    /// Records a stage of change for a parent or carer and a problem area; returns the
    /// entry's id. `date` defaults to today.
    pub fn set_stage(
        &mut self,
        case: &str,
        person: &str,
        problem: &str,
        stage: &str,
        quote: Option<&str>,
        date: Option<&str>,
    ) -> Result<StageEntryId> {
        let case: CaseId = case.parse()?;
        let person: PersonId = person.parse()?;
        let problem: ProblemArea = problem.parse()?;
        let stage: Stage = stage.parse()?;
        let today = self.clock.today();
        let date = match date {
            Some(d) => parse_past_date(d, today)?,
            None => today,
        };
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.record_stage(
            NewStage {
                id: StageEntryId::from_random(random_bytes()),
                person,
                problem,
                stage,
                date,
                quote: quote.map(str::to_string),
            },
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Every (person, problem) history of stages of change, each in date order.
    pub fn stages(&self, case: &str) -> Result<Vec<StageSeries>> {
        let case: CaseId = case.parse()?;
        Ok(self.casework_views(&case)?.stages)
    }
}
