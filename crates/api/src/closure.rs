//! Closure: the waiting list, the closure decision, the closing summary and its
//! sign-off, and closure letters (rules in `hearth_core::casework::closure`).

use hearth_core::case::{CaseDoc, NewCase};
use hearth_core::casework::{
    ClosingSummaryFields, ClosureLetters, ClosureView, GoalRef, LetterRecipient, LetterSender,
    closure_letters,
};
use hearth_core::dates::parse_past_date;
use hearth_core::{CaseId, CoreError, EpisodeId, PersonId, PlanId};
use serde::Deserialize;

use crate::error::{ApiError, Result};
use crate::workspace::{Workspace, random_bytes};

/// A closing summary as JSON (`closing-summary write --json-file`). Unknown keys are
/// refused; every key is optional except `what_changed`; an empty `reason` means the
/// closure decision's reason; plan goals are numbered as `plan show` prints them
/// (1 = the first). The file is the whole summary: writing again replaces it (only
/// what changed is written) until a team manager signs it off:
/// ```json
/// { "reason": "why the case closes (not the scores)",
///   "what_changed": "what changed for the child and family",
///   "goals_achieved": "text",
///   "plan_goals": [ { "plan": "<plan-id>", "goal": 1 } ],
///   "sustainability_plan": "text", "signposting": "text",
///   "child_views": "text", "family_views": "text" }
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosingSummaryJson {
    #[serde(default)]
    pub reason: String,
    pub what_changed: String,
    #[serde(default)]
    pub goals_achieved: String,
    #[serde(default)]
    pub plan_goals: Vec<PlanGoalJson>,
    #[serde(default)]
    pub sustainability_plan: String,
    #[serde(default)]
    pub signposting: String,
    #[serde(default)]
    pub child_views: String,
    #[serde(default)]
    pub family_views: String,
}

/// A plan goal of [`ClosingSummaryJson`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanGoalJson {
    pub plan: String,
    pub goal: u32,
}

impl Workspace {
    /// Adds a case on the waiting list (referred on `date`, default today), allocated to
    /// this workspace's member; returns its id.
    pub fn add_waiting_case(
        &mut self,
        family_name: &str,
        reference: Option<&str>,
        date: Option<&str>,
    ) -> Result<CaseId> {
        let today = self.clock.today();
        let referred = match date {
            Some(d) => parse_past_date(d, today)?,
            None => today,
        };
        let id = CaseId::from_random(random_bytes());
        let doc = CaseDoc::create_on_waiting_list(
            NewCase {
                id: id.clone(),
                first_episode: EpisodeId::from_random(random_bytes()),
                family_name: family_name.to_string(),
                reference: reference.map(str::to_string),
                allocated_to: self.member.clone(),
            },
            &self.actor,
            referred,
            today,
            self.clock.now(),
        )?;
        self.save_case(&id, doc, 0)?;
        Ok(id)
    }

    /// A re-referral onto the waiting list: a new episode in a closed case.
    pub fn refer_to_waiting_list(&mut self, case: &str, date: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.refer_to_waiting_list(
            &EpisodeId::from_random(random_bytes()),
            date,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)
    }

    /// Opens the case waiting on the waiting list.
    pub fn open_from_waiting_list(&mut self, case: &str, date: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.open_from_waiting_list(date, today, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// Records the decision to close the current episode (a team manager only).
    pub fn decide_closure(&mut self, case: &str, date: &str, reason: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.record_closure_decision(date, reason, &team, &self.member, today, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// Writes or edits the closing summary of the current episode, given as JSON (see
    /// [`ClosingSummaryJson`]).
    pub fn write_closing_summary(&mut self, case: &str, json: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let s: ClosingSummaryJson = serde_json::from_str(json)
            .map_err(|e| CoreError::Invalid(format!("the closing summary's JSON: {e}")))?;
        let goal_refs = s
            .plan_goals
            .iter()
            .map(|g| {
                Ok(GoalRef {
                    plan: g.plan.parse::<PlanId>()?,
                    goal: g.goal,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        let fields = ClosingSummaryFields {
            reason: s.reason,
            what_changed: s.what_changed,
            goals_achieved: s.goals_achieved,
            goal_refs,
            sustainability_plan: s.sustainability_plan,
            signposting: s.signposting,
            child_views: s.child_views,
            family_views: s.family_views,
        };
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.write_closing_summary(
            &fields,
            &self.measures,
            &team,
            &self.member,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)
    }

    /// Signs off the closing summary (a team manager only); this closes the episode.
    pub fn sign_closing_summary(&mut self, case: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.sign_closing_summary(
            &self.measures,
            &team,
            &self.member,
            self.clock.today(),
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)
    }

    /// The closure of an episode (the current one when `None`).
    pub fn closure(&self, case: &str, episode: Option<&str>) -> Result<ClosureView> {
        let case: CaseId = case.parse()?;
        let episode = episode.map(|e| e.parse::<EpisodeId>()).transpose()?;
        let (doc, _) = self.load_case(&case)?;
        Ok(doc.closure(episode.as_ref(), &self.measures)?)
    }

    /// Draft closure letters for the current episode, from its closing summary: one to
    /// the family and one to each child, signed by the summary's author.
    pub fn draft_closure_letters(&self, case: &str) -> Result<ClosureLetters> {
        let id: CaseId = case.parse()?;
        let (doc, _) = self.load_case(&id)?;
        let closure = doc.closure(None, &self.measures)?;
        let summary = closure.summary.ok_or_else(|| {
            ApiError::Refused("write the closing summary before drafting closure letters".into())
        })?;
        let team = self.team.view()?;
        let author = summary.written_by.as_ref().unwrap_or(&self.member);
        let worker = team
            .member(author)
            .or_else(|| team.member(&self.member))
            .map(|m| m.name.clone())
            .unwrap_or_default();
        Ok(closure_letters(
            &doc.view()?,
            &summary,
            &LetterSender {
                worker: &worker,
                team: &team.name,
            },
        ))
    }

    /// Saves the edited text of the family's letter (`child` = `None`) or a child's.
    pub fn save_closure_letter(
        &mut self,
        case: &str,
        child: Option<&str>,
        text: &str,
    ) -> Result<()> {
        let case: CaseId = case.parse()?;
        let recipient = match child {
            Some(p) => LetterRecipient::Child(p.parse::<PersonId>()?),
            None => LetterRecipient::Family,
        };
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.save_closure_letter(&recipient, text, &team, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)
    }
}
