//! Plans and reviews (seeds 001, 002; research §2.3-2.4, DEV:267-300): a plan holds
//! the family's goals in their own words (each with its actions, who helps and what
//! success looks like), the risks and how they are managed, the child's views and the
//! date of the first review. A review records its date, who attended (people of the
//! case and team members), progress per goal, what changed, and the next review date,
//! which every review must set. Reviews are added, never overwritten.
//!
//! Rules:
//! - practitioners add plans and record reviews;
//! - a plan has at least one goal; every goal has its words, every risk how it is
//!   managed; the plan's date is not in the future and its review date comes after it;
//! - a review is dated on or after the plan and not in the future; someone attended
//!   (people of the case, members on the team roster); progress names goals by their
//!   number (1 = the first goal), each at most once; the next review comes after it.

use std::collections::BTreeSet;

use automerge::hydrate::{Map, Value as AmValue};
use automerge::{ObjId, ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::chronology::{ChronologySource, Dated, person_label};
use crate::case::{CaseDoc, Person};
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_str_list, put_text};
use crate::hydrated::{entries, int_of, list_of, map_of, str_list_of, str_of, text_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{CoreError, MemberId, PersonId, PlanId, PlanReviewId};

/// A goal in the family's own words.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Goal {
    pub goal: String,
    pub actions: Vec<String>,
    pub who_helps: String,
    /// What success looks like.
    pub success: String,
}

/// A risk and how it is managed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Risk {
    pub risk: String,
    pub managed: String,
}

/// What a plan holds, as agreed with the family.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanFields {
    pub date: NaiveDate,
    pub goals: Vec<Goal>,
    pub risks: Vec<Risk>,
    pub child_views: String,
    pub review_date: NaiveDate,
}

/// Progress on one goal at a review.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoalProgress {
    /// The goal's number in the plan, 1 for the first.
    pub goal: u32,
    pub progress: String,
}

/// What a review records.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReviewFields {
    pub date: NaiveDate,
    /// People of the case who attended.
    pub attended_people: Vec<PersonId>,
    /// Team members who attended.
    pub attended_members: Vec<MemberId>,
    pub progress: Vec<GoalProgress>,
    /// Changes to the plan.
    pub changes: String,
    pub next_review: NaiveDate,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanReviewView {
    pub id: PlanReviewId,
    pub fields: ReviewFields,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanView {
    pub id: PlanId,
    pub fields: PlanFields,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
    /// Every review, by date (ties in the order added).
    pub reviews: Vec<PlanReviewView>,
    /// When the next review is due: the latest review's next date, or the plan's own.
    pub next_review: NaiveDate,
}

fn trimmed(s: &str) -> String {
    s.trim().to_string()
}

impl PlanFields {
    fn validated(&self, today: NaiveDate) -> Result<PlanFields, CoreError> {
        not_in_future(self.date, today)?;
        if self.review_date <= self.date {
            return Err(CoreError::Invalid(
                "the review date must come after the plan's date".into(),
            ));
        }
        if self.goals.is_empty() {
            return Err(CoreError::Invalid("a plan needs at least one goal".into()));
        }
        let mut goals = Vec::new();
        for g in &self.goals {
            goals.push(Goal {
                goal: super::required_narrative("goal", &g.goal)?,
                actions: g
                    .actions
                    .iter()
                    .map(|a| trimmed(a))
                    .filter(|a| !a.is_empty())
                    .collect(),
                who_helps: trimmed(&g.who_helps),
                success: trimmed(&g.success),
            });
        }
        let mut risks = Vec::new();
        for r in &self.risks {
            risks.push(Risk {
                risk: super::required_narrative("risk", &r.risk)?,
                managed: super::required_narrative(
                    "description of how a risk is managed",
                    &r.managed,
                )?,
            });
        }
        Ok(PlanFields {
            date: self.date,
            goals,
            risks,
            child_views: trimmed(&self.child_views),
            review_date: self.review_date,
        })
    }
}

impl CaseDoc {
    /// Adds a plan (a practitioner).
    pub fn add_plan(
        &mut self,
        id: &PlanId,
        fields: &PlanFields,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::AddPlan)?;
        permissions::check(Action::AddPlan, actor)?;
        let f = fields.validated(today)?;
        if self.plan_obj(id).is_some() {
            return Err(CoreError::Invalid("that plan id is already used".into()));
        }
        let all = self.map_or_create(&ROOT, "plans")?;
        let p = self.doc.put_object(&all, id.as_str(), ObjType::Map)?;
        self.doc.put(&p, "date", f.date.to_string())?;
        self.doc.put(&p, "review_date", f.review_date.to_string())?;
        let goals = self.doc.put_object(&p, "goals", ObjType::List)?;
        for (i, g) in f.goals.iter().enumerate() {
            let m = self.doc.insert_object(&goals, i, ObjType::Map)?;
            put_text(&mut self.doc, &m, "goal", &g.goal)?;
            put_str_list(&mut self.doc, &m, "actions", &g.actions)?;
            put_text(&mut self.doc, &m, "who_helps", &g.who_helps)?;
            put_text(&mut self.doc, &m, "success", &g.success)?;
        }
        let risks = self.doc.put_object(&p, "risks", ObjType::List)?;
        for (i, r) in f.risks.iter().enumerate() {
            let m = self.doc.insert_object(&risks, i, ObjType::Map)?;
            put_text(&mut self.doc, &m, "risk", &r.risk)?;
            put_text(&mut self.doc, &m, "managed", &r.managed)?;
        }
        put_text(&mut self.doc, &p, "child_views", &f.child_views)?;
        self.doc.put_object(&p, "reviews", ObjType::Map)?;
        self.doc.put(&p, "by", by.as_str())?;
        self.doc.put(&p, "added_at", now.timestamp_millis())?;
        self.commit("plan.add", now);
        Ok(())
    }

    /// Records a review of a plan (a practitioner).
    #[allow(clippy::too_many_arguments)]
    pub fn review_plan(
        &mut self,
        plan: &PlanId,
        id: &PlanReviewId,
        fields: &ReviewFields,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::ReviewPlan)?;
        permissions::check(Action::ReviewPlan, actor)?;
        let current = self
            .plans()?
            .into_iter()
            .find(|p| &p.id == plan)
            .ok_or_else(|| CoreError::NotInCase(format!("plan {plan} is not in this case")))?;
        not_in_future(fields.date, today)?;
        if fields.date < current.fields.date {
            return Err(CoreError::Invalid(
                "a review cannot be dated before the plan".into(),
            ));
        }
        if fields.next_review <= fields.date {
            return Err(CoreError::Invalid(
                "the next review date must come after the review".into(),
            ));
        }
        let people = self.people()?;
        let mut attended_people = Vec::new();
        for p in &fields.attended_people {
            if !people.iter().any(|q| &q.id == p) {
                return Err(CoreError::NotInCase(format!(
                    "person {p} is not in this case"
                )));
            }
            if !attended_people.contains(p) {
                attended_people.push(p.clone());
            }
        }
        let mut attended_members = Vec::new();
        for m in &fields.attended_members {
            if team.member(m).is_none() {
                return Err(CoreError::Invalid(format!(
                    "member {m} is not on the team roster"
                )));
            }
            if !attended_members.contains(m) {
                attended_members.push(m.clone());
            }
        }
        if attended_people.is_empty() && attended_members.is_empty() {
            return Err(CoreError::Invalid("say who attended the review".into()));
        }
        let n = current.fields.goals.len();
        let mut seen = BTreeSet::new();
        let mut progress = Vec::new();
        for g in &fields.progress {
            if g.goal == 0 || g.goal as usize > n {
                return Err(CoreError::Invalid(format!(
                    "the plan has goals 1 to {n}; there is no goal {}",
                    g.goal
                )));
            }
            if !seen.insert(g.goal) {
                return Err(CoreError::Invalid(format!(
                    "progress on goal {} is given twice",
                    g.goal
                )));
            }
            progress.push(GoalProgress {
                goal: g.goal,
                progress: super::required_narrative("progress on a goal", &g.progress)?,
            });
        }
        let changes = trimmed(&fields.changes);
        let p = self
            .plan_obj(plan)
            .ok_or_else(|| CoreError::NotInCase(format!("plan {plan} is not in this case")))?;
        if obj_at(&self.doc, &p, "reviews")
            .and_then(|r| obj_at(&self.doc, &r, id.as_str()))
            .is_some()
        {
            return Err(CoreError::Invalid("that review id is already used".into()));
        }
        let reviews = self.map_or_create(&p, "reviews")?;
        let r = self.doc.put_object(&reviews, id.as_str(), ObjType::Map)?;
        self.doc.put(&r, "date", fields.date.to_string())?;
        let ids: Vec<String> = attended_people.iter().map(|p| p.to_string()).collect();
        put_str_list(&mut self.doc, &r, "attended_people", &ids)?;
        let ids: Vec<String> = attended_members.iter().map(|m| m.to_string()).collect();
        put_str_list(&mut self.doc, &r, "attended_members", &ids)?;
        let list = self.doc.put_object(&r, "progress", ObjType::List)?;
        for (i, g) in progress.iter().enumerate() {
            let m = self.doc.insert_object(&list, i, ObjType::Map)?;
            self.doc.put(&m, "goal", i64::from(g.goal))?;
            put_text(&mut self.doc, &m, "progress", &g.progress)?;
        }
        put_text(&mut self.doc, &r, "changes", &changes)?;
        self.doc
            .put(&r, "next_review", fields.next_review.to_string())?;
        self.doc.put(&r, "by", by.as_str())?;
        self.doc.put(&r, "added_at", now.timestamp_millis())?;
        self.commit("plan.review", now);
        Ok(())
    }

    fn plan_obj(&self, id: &PlanId) -> Option<ObjId> {
        obj_at(&self.doc, &ROOT, "plans").and_then(|p| obj_at(&self.doc, &p, id.as_str()))
    }

    /// Every plan of the case with its reviews, by date (ties in the order added).
    pub fn plans(&self) -> Result<Vec<PlanView>, CoreError> {
        let all = self.hydrate_optional("plans")?.unwrap_or_default();
        let mut list: Vec<PlanView> = entries(&all).filter_map(|(k, p)| read_plan(k, p)).collect();
        list.sort_by(|a, b| {
            (a.fields.date, a.added_at, &a.id).cmp(&(b.fields.date, b.added_at, &b.id))
        });
        Ok(list)
    }

    /// Plans and reviews, as chronology events.
    pub(crate) fn plan_chronology(&self, people: &[Person]) -> Result<Vec<Dated>, CoreError> {
        let mut out = Vec::new();
        for p in self.plans()? {
            let n = p.fields.goals.len();
            out.push(Dated::new(
                p.fields.date,
                ChronologySource::Plan,
                format!(
                    "Plan agreed: {n} goal{}, {} risk{}, review due {}",
                    if n == 1 { "" } else { "s" },
                    p.fields.risks.len(),
                    if p.fields.risks.len() == 1 { "" } else { "s" },
                    p.fields.review_date
                ),
                p.id.to_string(),
                p.recorded_by.clone(),
                p.added_at.timestamp_millis(),
            ));
            for r in &p.reviews {
                let f = &r.fields;
                let mut who: Vec<String> = f
                    .attended_people
                    .iter()
                    .map(|id| person_label(people, id))
                    .collect();
                match f.attended_members.len() {
                    0 => {}
                    1 => who.push("1 team member".into()),
                    m => who.push(format!("{m} team members")),
                }
                out.push(Dated::new(
                    f.date,
                    ChronologySource::PlanReview,
                    format!(
                        "Plan review; attended: {}; next review {}",
                        who.join(", "),
                        f.next_review
                    ),
                    r.id.to_string(),
                    r.recorded_by.clone(),
                    r.added_at.timestamp_millis(),
                ));
            }
        }
        Ok(out)
    }
}

/// A plan that does not parse (written by a newer or damaged device) is skipped; so is
/// a review.
fn read_plan(key: &str, p: &Map) -> Option<PlanView> {
    let goals = list_of(p, "goals")
        .filter_map(|g| match g {
            AmValue::Map(m) => Some(Goal {
                goal: text_of(m, "goal").unwrap_or_default(),
                actions: str_list_of(m, "actions"),
                who_helps: text_of(m, "who_helps").unwrap_or_default(),
                success: text_of(m, "success").unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    let risks = list_of(p, "risks")
        .filter_map(|r| match r {
            AmValue::Map(m) => Some(Risk {
                risk: text_of(m, "risk").unwrap_or_default(),
                managed: text_of(m, "managed").unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    let fields = PlanFields {
        date: str_of(p, "date")?.parse().ok()?,
        goals,
        risks,
        child_views: text_of(p, "child_views").unwrap_or_default(),
        review_date: str_of(p, "review_date")?.parse().ok()?,
    };
    let mut reviews: Vec<PlanReviewView> = map_of(p, "reviews")
        .map(|all| {
            entries(all)
                .filter_map(|(k, r)| read_review(k, r))
                .collect()
        })
        .unwrap_or_default();
    reviews.sort_by(|a, b| {
        (a.fields.date, a.added_at, &a.id).cmp(&(b.fields.date, b.added_at, &b.id))
    });
    let next_review = reviews
        .last()
        .map(|r| r.fields.next_review)
        .unwrap_or(fields.review_date);
    Some(PlanView {
        id: key.parse().ok()?,
        fields,
        recorded_by: str_of(p, "by").and_then(|s| s.parse().ok()),
        added_at: DateTime::from_timestamp_millis(int_of(p, "added_at").unwrap_or(0))?,
        reviews,
        next_review,
    })
}

fn read_review(key: &str, r: &Map) -> Option<PlanReviewView> {
    let progress = list_of(r, "progress")
        .filter_map(|g| match g {
            AmValue::Map(m) => Some(GoalProgress {
                goal: u32::try_from(int_of(m, "goal")?).ok()?,
                progress: text_of(m, "progress").unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    Some(PlanReviewView {
        id: key.parse().ok()?,
        fields: ReviewFields {
            date: str_of(r, "date")?.parse().ok()?,
            attended_people: str_list_of(r, "attended_people")
                .into_iter()
                .filter_map(|s| s.parse().ok())
                .collect(),
            attended_members: str_list_of(r, "attended_members")
                .into_iter()
                .filter_map(|s| s.parse().ok())
                .collect(),
            progress,
            changes: text_of(r, "changes").unwrap_or_default(),
            next_review: str_of(r, "next_review")?.parse().ok()?,
        },
        recorded_by: str_of(r, "by").and_then(|s| s.parse().ok()),
        added_at: DateTime::from_timestamp_millis(int_of(r, "added_at").unwrap_or(0))?,
    })
}
