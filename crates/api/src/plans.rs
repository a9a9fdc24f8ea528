//! Plans and reviews, given as JSON by the shells (rules in
//! `hearth_core::casework::plans`).

use hearth_core::casework::{Goal, GoalProgress, PlanFields, PlanView, ReviewFields, Risk};
use hearth_core::dates::parse_past_date;
use hearth_core::{CaseId, CoreError, MemberId, PersonId, PlanId, PlanReviewId};
use serde::Deserialize;

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

/// A plan as JSON (`plan add --json-file`). Unknown keys are refused; `date` defaults
/// to today and may not be in the future; `review_date` is required and comes after
/// `date`; at least one goal; each risk says how it is managed:
/// ```json
/// { "date": "YYYY-MM-DD",
///   "goals": [ { "goal": "in the family's words", "actions": ["text"],
///                "who_helps": "text", "success": "what success looks like" } ],
///   "risks": [ { "risk": "text", "managed": "how it is managed" } ],
///   "child_views": "text",
///   "review_date": "YYYY-MM-DD" }
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanJson {
    #[serde(default)]
    pub date: Option<String>,
    pub goals: Vec<GoalJson>,
    #[serde(default)]
    pub risks: Vec<Risk>,
    #[serde(default)]
    pub child_views: String,
    pub review_date: String,
}

/// One goal of [`PlanJson`]; only `goal` is required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalJson {
    pub goal: String,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub who_helps: String,
    #[serde(default)]
    pub success: String,
}

/// A review as JSON (`plan review --json-file`). Unknown keys are refused; `date`
/// defaults to today; `next_review` is required and comes after `date`; goals are
/// numbered as `plan show` prints them (1 = the first); person ids from `case show`,
/// member ids from `team show`:
/// ```json
/// { "date": "YYYY-MM-DD",
///   "attended_people": ["<person-id>"], "attended_members": ["<member-id>"],
///   "progress": [ { "goal": 1, "progress": "text" } ],
///   "changes": "text",
///   "next_review": "YYYY-MM-DD" }
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewJson {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub attended_people: Vec<String>,
    #[serde(default)]
    pub attended_members: Vec<String>,
    #[serde(default)]
    pub progress: Vec<GoalProgress>,
    #[serde(default)]
    pub changes: String,
    pub next_review: String,
}

fn any_date(what: &str, text: &str) -> Result<chrono::NaiveDate> {
    let t = text.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|_| t.len() == 10)
        .ok_or_else(|| {
            CoreError::Invalid(format!(
                "the {what} {:?} is not a date (expected YYYY-MM-DD)",
                t.chars().take(20).collect::<String>()
            ))
            .into()
        })
}

impl Workspace {
    /// Adds a plan given as JSON (see [`PlanJson`]); returns its id.
    pub fn add_plan(&mut self, case: &str, json: &str) -> Result<PlanId> {
        let case: CaseId = case.parse()?;
        let plan: PlanJson = serde_json::from_str(json)
            .map_err(|e| CoreError::Invalid(format!("the plan's JSON: {e}")))?;
        let today = self.clock.today();
        let fields = PlanFields {
            date: match &plan.date {
                Some(d) => parse_past_date(d, today)?,
                None => today,
            },
            goals: plan
                .goals
                .into_iter()
                .map(|g| Goal {
                    goal: g.goal,
                    actions: g.actions,
                    who_helps: g.who_helps,
                    success: g.success,
                })
                .collect(),
            risks: plan.risks,
            child_views: plan.child_views,
            review_date: any_date("review date", &plan.review_date)?,
        };
        let team = self.team.view()?;
        let id = PlanId::from_random(random_bytes());
        let (mut doc, base) = self.load_case(&case)?;
        doc.add_plan(&id, &fields, &team, &self.member, today, self.clock.now())?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Records a review of a plan given as JSON (see [`ReviewJson`]); returns its id.
    pub fn review_plan(&mut self, case: &str, plan: &str, json: &str) -> Result<PlanReviewId> {
        let case: CaseId = case.parse()?;
        let plan: PlanId = plan.parse()?;
        let review: ReviewJson = serde_json::from_str(json)
            .map_err(|e| CoreError::Invalid(format!("the review's JSON: {e}")))?;
        let today = self.clock.today();
        let fields = ReviewFields {
            date: match &review.date {
                Some(d) => parse_past_date(d, today)?,
                None => today,
            },
            attended_people: review
                .attended_people
                .iter()
                .map(|p| p.parse::<PersonId>())
                .collect::<Result<Vec<_>, _>>()?,
            attended_members: review
                .attended_members
                .iter()
                .map(|m| m.parse::<MemberId>())
                .collect::<Result<Vec<_>, _>>()?,
            progress: review.progress,
            changes: review.changes,
            next_review: any_date("next review date", &review.next_review)?,
        };
        let team = self.team.view()?;
        let id = PlanReviewId::from_random(random_bytes());
        let (mut doc, base) = self.load_case(&case)?;
        doc.review_plan(
            &plan,
            &id,
            &fields,
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Every plan of the case with its reviews.
    pub fn plans(&self, case: &str) -> Result<Vec<PlanView>> {
        let case: CaseId = case.parse()?;
        Ok(self.casework_views(&case)?.plans)
    }
}
