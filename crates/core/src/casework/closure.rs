//! Closure (seeds 001, 002): the waiting list, the team manager's closure decision,
//! the worker's closing summary with its sign-off, and strengths-based closure letters.
//!
//! Rules:
//! - a case can be put on the waiting list when it is created
//!   ([`CaseDoc::create_on_waiting_list`]) or re-referred onto it once its last episode
//!   is closed ([`CaseDoc::refer_to_waiting_list`]); [`CaseDoc::open_from_waiting_list`]
//!   opens it (on or after the referral date). `CaseDoc::create` still opens at once;
//!   `CaseDoc::open_episode` (a re-referral straight to an open episode) is unchanged;
//! - only a team manager records the closure decision, once per episode, on the
//!   current open episode; the episode stays open until the closing summary is signed;
//! - after the decision, a practitioner writes the closing summary of that episode and
//!   edits it (each text by its smallest edit) until it is signed. Writing takes the FIT
//!   outcome numbers of the episode from [`crate::analytics::case_outcomes`] as they are
//!   at that moment; the view also shows them live, and says when they differ;
//! - only a team manager signs the summary off (see `signoff.rs`). Signing closes the
//!   episode in the same commit: status closed, closing reason = the summary's reason,
//!   closed date = the date of the sign-off (the day the case actually closes; the
//!   decision keeps its own date). A signed summary is not edited again; a change merged
//!   in from another copy shows as "amended after sign-off" with the signed version kept;
//! - the reason for closing may not rest on the rating scales: the ORS measures
//!   well-being, not risk (domain.md), so a reason naming a measure or scores is refused;
//! - closure letters (to the family and to each child) are drafted by pure functions
//!   ([`closure_letters`]) from the summary; a practitioner may save an edited letter,
//!   stored as Automerge text. Drafts never mention the rating scales or scores.
//!
//! Schema (top-level map created on first write; older documents read as empty):
//! ```text
//! closures: { <episode-id>: {
//!   decision?: { date, reason: text, by, added_at },
//!   summary?:  { reason: text, what_changed: text, goals_achieved: text,
//!                goal_refs: [ { plan: plan-id, goal: int (1 = first) } ],
//!                sustainability_plan: text, signposting: text,
//!                child_views: text, family_views: text,
//!                outcomes: canonical JSON of [outcome line], outcomes_at: ms,
//!                by, added_at, edited_by?, edited_at?, signoffs: [sign-off] },
//!   letters?:  { family?: text, children: { <person-id>: text }, by, saved_at } } }
//! ```

use automerge::hydrate::{Map, Value as AmValue};
use automerge::{ObjId, ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::signoff::{self, SignOff, SignOffStatus, read_signoffs, write_signoff};
use crate::analytics::{self, ReliableChange};
use crate::case::{CaseDoc, CaseView, EpisodeStatus, NewCase};
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_text, required_obj, update_text};
use crate::hydrated::{int_of, list_of, map_of, str_of, text_of};
use crate::measures::MeasureSet;
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{CoreError, EpisodeId, MemberId, PersonId, PersonRole, PlanId, Tenths};

/// The team manager's decision to close an episode.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClosureDecision {
    pub date: NaiveDate,
    pub reason: String,
    pub by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
}

/// A goal of a plan, by its number (1 = the first), as `plan show` prints it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoalRef {
    pub plan: PlanId,
    pub goal: u32,
}

/// What the worker writes in the closing summary.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClosingSummaryFields {
    /// Why the case closes; empty means the closure decision's reason.
    pub reason: String,
    /// What changed for the child and family (required).
    pub what_changed: String,
    /// Goals achieved, in words.
    pub goals_achieved: String,
    /// Goals achieved, as goals of the case's plans.
    pub goal_refs: Vec<GoalRef>,
    pub sustainability_plan: String,
    pub signposting: String,
    pub child_views: String,
    pub family_views: String,
}

/// Reliable change, as stored in the summary (the same three words as the analytics).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChangeWord {
    Improved,
    Deteriorated,
    None,
}

impl From<ReliableChange> for ChangeWord {
    fn from(r: ReliableChange) -> Self {
        match r {
            ReliableChange::Improved => ChangeWord::Improved,
            ReliableChange::Deteriorated => ChangeWord::Deteriorated,
            ReliableChange::None => ChangeWord::None,
        }
    }
}

/// One line of FIT numbers: one subject, measure and rater, from
/// [`analytics::case_outcomes`] for the episode.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutcomeLine {
    pub subject: PersonId,
    pub measure: String,
    pub rater: PersonId,
    /// How many ratings the series has.
    pub ratings: usize,
    pub first: Tenths,
    pub last: Tenths,
    pub change: Tenths,
    pub cutoff: Option<Tenths>,
    pub reliable_change: Option<ChangeWord>,
    pub clinically_significant: Option<bool>,
}

/// A plan goal named in the summary, with its words.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AchievedGoal {
    pub plan: PlanId,
    pub goal: u32,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClosingSummaryView {
    pub fields: ClosingSummaryFields,
    /// The FIT numbers as they were when the summary was last written (signed with it).
    pub outcomes: Vec<OutcomeLine>,
    pub outcomes_at: DateTime<Utc>,
    /// The FIT numbers of the episode now (e.g. after a rating was corrected).
    pub outcomes_now: Vec<OutcomeLine>,
    /// Whether `outcomes_now` differs from `outcomes`.
    pub outcomes_changed: bool,
    /// The plan goals in `fields.goal_refs`, with their words.
    pub plan_goals: Vec<AchievedGoal>,
    pub written_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
    pub edited_by: Option<MemberId>,
    pub status: SignOffStatus,
    /// The latest sign-off: its content is the signed summary.
    pub signed: Option<SignOff>,
    pub sign_offs: Vec<SignOff>,
}

/// Letters a worker has saved (edited drafts).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SavedLetters {
    pub family: Option<String>,
    pub children: Vec<(PersonId, String)>,
}

/// Everything about the closure of one episode.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClosureView {
    pub episode: EpisodeId,
    pub episode_status: EpisodeStatus,
    pub closed: Option<NaiveDate>,
    pub decision: Option<ClosureDecision>,
    pub summary: Option<ClosingSummaryView>,
    pub letters: SavedLetters,
}

/// The dated steps of one episode's closure, without the summary's content.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClosureMilestones {
    pub episode: EpisodeId,
    pub decision: Option<ClosureDecision>,
    pub summary_written_by: Option<MemberId>,
    pub summary_added_at: Option<DateTime<Utc>>,
    /// The closing summary's sign-offs, oldest first.
    pub sign_offs: Vec<SignOff>,
}

/// Who a closure letter is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LetterRecipient {
    Family,
    Child(PersonId),
}

/// Words that name the rating scales or their numbers. A reason for closing may not
/// rest on them, and letters never contain them.
const SCALE_WORDS: &[&str] = &[
    "ors", "srs", "cors", "csrs", "ycors", "ycsrs", "gsrs", "score", "scores", "scored", "scoring",
    "cut-off", "cutoff",
];

fn mentions_scales(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .any(|w| SCALE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Refuses a reason for closing that rests on the rating scales.
fn closing_reason(text: &str) -> Result<String, CoreError> {
    let reason = super::required_narrative("reason for closing", text)?;
    if mentions_scales(&reason) {
        return Err(CoreError::Invalid(
            "the reason for closing mentions the rating scales or scores: the ORS measures well-being, not risk, so give the reason in other words".into(),
        ));
    }
    Ok(reason)
}

impl ClosingSummaryFields {
    /// What a sign-off covers, one key per field, plus the FIT numbers.
    fn content(&self, outcomes: &[OutcomeLine]) -> Value {
        let mut refs = self.goal_refs.clone();
        refs.sort();
        json!({
            "reason": self.reason,
            "what_changed": self.what_changed,
            "goals_achieved": self.goals_achieved,
            "goal_refs": refs.iter()
                .map(|r| json!({"plan": r.plan.as_str(), "goal": r.goal}))
                .collect::<Vec<_>>(),
            "sustainability_plan": self.sustainability_plan,
            "signposting": self.signposting,
            "child_views": self.child_views,
            "family_views": self.family_views,
            "outcomes": serde_json::to_value(outcomes).unwrap_or(Value::Null),
        })
    }
}

const NARRATIVES: [&str; 7] = [
    "reason",
    "what_changed",
    "goals_achieved",
    "sustainability_plan",
    "signposting",
    "child_views",
    "family_views",
];

fn narrative<'a>(f: &'a ClosingSummaryFields, key: &str) -> &'a str {
    match key {
        "reason" => &f.reason,
        "what_changed" => &f.what_changed,
        "goals_achieved" => &f.goals_achieved,
        "sustainability_plan" => &f.sustainability_plan,
        "signposting" => &f.signposting,
        "child_views" => &f.child_views,
        _ => &f.family_views,
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

impl CaseDoc {
    /// A new case whose first episode waits on the waiting list from `referred`.
    ///
    /// Composed from [`CaseDoc::create`] (which opens at once) and one more commit that
    /// puts the new episode on the waiting list; the store saves both in one chunk.
    pub fn create_on_waiting_list(
        new: NewCase,
        actor: &automerge::ActorId,
        referred: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CaseDoc, CoreError> {
        not_in_future(referred, today)?;
        let episode = new.first_episode.clone();
        let mut case = CaseDoc::create(new, actor, referred, now)?;
        let episodes = required_obj(&case.doc, &ROOT, "episodes")?;
        let e = required_obj(&case.doc, &episodes, episode.as_str())?;
        case.doc.put(&e, "status", "waiting-list")?;
        case.doc.delete(&e, "opened")?;
        case.commit("episode.waiting-list", now);
        Ok(case)
    }

    /// A re-referral onto the waiting list: a new episode, once the last one is closed.
    pub fn refer_to_waiting_list(
        &mut self,
        id: &EpisodeId,
        date: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        not_in_future(date, today)?;
        let current = self.current_episode()?;
        if current.status != EpisodeStatus::Closed {
            return Err(CoreError::Invalid(
                "the case already has an episode open or on the waiting list".into(),
            ));
        }
        if current.closed.is_some_and(|c| date < c) {
            return Err(CoreError::Invalid(
                "a new referral cannot come before the last episode closed".into(),
            ));
        }
        let episodes = required_obj(&self.doc, &ROOT, "episodes")?;
        if obj_at(&self.doc, &episodes, id.as_str()).is_some() {
            return Err(CoreError::Invalid("that episode id is already used".into()));
        }
        let e = self.doc.put_object(&episodes, id.as_str(), ObjType::Map)?;
        self.doc.put(&e, "status", "waiting-list")?;
        self.doc.put(&e, "referred", date.to_string())?;
        self.doc.put(&e, "added_at", now.timestamp_millis())?;
        put_text(&mut self.doc, &e, "closing_reason", "")?;
        self.commit("episode.waiting-list", now);
        Ok(())
    }

    /// Opens the episode waiting on the waiting list, on `date` (not before the referral).
    pub fn open_from_waiting_list(
        &mut self,
        date: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        not_in_future(date, today)?;
        let current = self.current_episode()?;
        if current.status != EpisodeStatus::WaitingList {
            return Err(CoreError::Invalid(
                "the case is not on the waiting list".into(),
            ));
        }
        if current.referred.is_some_and(|r| date < r) {
            return Err(CoreError::Invalid(
                "the case cannot open before it was referred".into(),
            ));
        }
        let episodes = required_obj(&self.doc, &ROOT, "episodes")?;
        let e = required_obj(&self.doc, &episodes, current.id.as_str())?;
        self.doc.put(&e, "status", "open")?;
        self.doc.put(&e, "opened", date.to_string())?;
        self.commit("episode.open-from-waiting-list", now);
        Ok(())
    }

    /// Records the decision to close the current episode (a team manager only). The
    /// episode stays open until the closing summary is signed off.
    pub fn record_closure_decision(
        &mut self,
        date: NaiveDate,
        reason: &str,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::DecideClosure)?;
        permissions::check(Action::DecideClosure, actor)?;
        not_in_future(date, today)?;
        let episode = self.open_episode_for("decide to close it")?;
        if episode.opened.is_some_and(|o| date < o) {
            return Err(CoreError::Invalid(
                "the closure decision is dated before the episode opened".into(),
            ));
        }
        let reason = closing_reason(reason)?;
        if self.closure_obj(&episode.id, "decision").is_some() {
            return Err(CoreError::Invalid(
                "the closure of this episode is already decided".into(),
            ));
        }
        let all = self.map_or_create(&ROOT, "closures")?;
        let c = self.map_or_create(&all, episode.id.as_str())?;
        let d = self.doc.put_object(&c, "decision", ObjType::Map)?;
        self.doc.put(&d, "date", date.to_string())?;
        put_text(&mut self.doc, &d, "reason", &reason)?;
        self.doc.put(&d, "by", by.as_str())?;
        self.doc.put(&d, "added_at", now.timestamp_millis())?;
        self.commit("closure.decide", now);
        Ok(())
    }

    /// Writes (or, while it is not signed, edits) the closing summary of the current
    /// episode (a practitioner), after the closure decision. Takes the episode's FIT
    /// numbers as they are now. An edit writes only what changed.
    pub fn write_closing_summary(
        &mut self,
        fields: &ClosingSummaryFields,
        measures: &MeasureSet,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::WriteClosingSummary)?;
        permissions::check(Action::WriteClosingSummary, actor)?;
        let episode = self.open_episode_for("write its closing summary")?;
        let closure = self.closure(Some(&episode.id), measures)?;
        let Some(decision) = closure.decision else {
            return Err(CoreError::Invalid(
                "a team manager decides the closure before the closing summary is written".into(),
            ));
        };
        if closure
            .summary
            .as_ref()
            .is_some_and(|s| s.status.is_finalised())
        {
            return Err(CoreError::Invalid(
                "the closing summary is signed off and can no longer be edited".into(),
            ));
        }
        let fields = self.validated_summary(fields, &decision)?;
        let outcomes = self.outcome_lines(&episode.id, measures)?;
        let outcomes_json = serde_json::to_string(&outcomes)
            .map_err(|e| CoreError::Document(format!("outcome numbers: {e}")))?;
        let all = self.map_or_create(&ROOT, "closures")?;
        let c = self.map_or_create(&all, episode.id.as_str())?;
        match &closure.summary {
            None => {
                let s = self.doc.put_object(&c, "summary", ObjType::Map)?;
                for key in NARRATIVES {
                    put_text(&mut self.doc, &s, key, narrative(&fields, key))?;
                }
                put_goal_refs(&mut self.doc, &s, &fields.goal_refs)?;
                self.doc.put(&s, "outcomes", outcomes_json.as_str())?;
                self.doc.put(&s, "outcomes_at", now.timestamp_millis())?;
                self.doc.put(&s, "by", by.as_str())?;
                self.doc.put(&s, "added_at", now.timestamp_millis())?;
                self.commit("closing-summary.write", now);
            }
            Some(old) => {
                if old.fields == fields && old.outcomes == outcomes {
                    return Err(CoreError::Invalid(
                        "the closing summary is already exactly this".into(),
                    ));
                }
                let s = required_obj(&self.doc, &c, "summary")?;
                for key in NARRATIVES {
                    if narrative(&old.fields, key) != narrative(&fields, key) {
                        update_text(&mut self.doc, &s, key, narrative(&fields, key))?;
                    }
                }
                if old.fields.goal_refs != fields.goal_refs {
                    put_goal_refs(&mut self.doc, &s, &fields.goal_refs)?;
                }
                if old.outcomes != outcomes {
                    self.doc.put(&s, "outcomes", outcomes_json.as_str())?;
                    self.doc.put(&s, "outcomes_at", now.timestamp_millis())?;
                }
                self.doc.put(&s, "edited_by", by.as_str())?;
                self.doc.put(&s, "edited_at", now.timestamp_millis())?;
                self.commit("closing-summary.edit", now);
            }
        }
        Ok(())
    }

    /// Signs off the closing summary of the current episode (a team manager only) and,
    /// in the same commit, closes the episode on `today` with the summary's reason.
    pub fn sign_closing_summary(
        &mut self,
        measures: &MeasureSet,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::SignClosingSummary)?;
        permissions::check(Action::SignClosingSummary, actor)?;
        let episode = self.current_episode()?;
        let closure = self.closure(Some(&episode.id), measures)?;
        let Some(decision) = &closure.decision else {
            return Err(CoreError::Invalid(
                "there is no closure decision for the current episode".into(),
            ));
        };
        let Some(summary) = &closure.summary else {
            return Err(CoreError::Invalid(
                "the closing summary of the current episode is not written yet".into(),
            ));
        };
        if summary.status == SignOffStatus::Signed {
            return Err(CoreError::Invalid(
                "the closing summary is already signed off as it stands".into(),
            ));
        }
        if today < decision.date {
            return Err(CoreError::Invalid(
                "the sign-off cannot come before the closure decision".into(),
            ));
        }
        let signoff = SignOff::sign(&summary.fields.content(&summary.outcomes), actor, now);
        let c = self
            .closure_obj(&episode.id, "summary")
            .ok_or_else(|| CoreError::Document("closing summary missing".into()))?;
        write_signoff(&mut self.doc, &c, &signoff)?;
        if episode.status != EpisodeStatus::Closed {
            let episodes = required_obj(&self.doc, &ROOT, "episodes")?;
            let e = required_obj(&self.doc, &episodes, episode.id.as_str())?;
            self.doc.put(&e, "status", "closed")?;
            self.doc.put(&e, "closed", today.to_string())?;
            update_text(&mut self.doc, &e, "closing_reason", &summary.fields.reason)?;
        }
        self.commit("closing-summary.sign", now);
        Ok(())
    }

    /// Saves the edited text of a closure letter (a practitioner), once the closing
    /// summary of the current episode is written. Each save is the smallest text edit.
    pub fn save_closure_letter(
        &mut self,
        recipient: &LetterRecipient,
        text: &str,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::SaveClosureLetter)?;
        permissions::check(Action::SaveClosureLetter, actor)?;
        let episode = self.current_episode()?;
        if self.closure_obj(&episode.id, "summary").is_none() {
            return Err(CoreError::Invalid(
                "write the closing summary before saving closure letters".into(),
            ));
        }
        if text.trim().is_empty() {
            return Err(CoreError::Invalid("the letter is empty".into()));
        }
        if let LetterRecipient::Child(p) = recipient {
            let people = self.people()?;
            if !people.iter().any(|q| &q.id == p && q.role.is_child()) {
                return Err(CoreError::NotInCase(format!(
                    "person {p} is not a child in this case"
                )));
            }
        }
        let all = self.map_or_create(&ROOT, "closures")?;
        let c = self.map_or_create(&all, episode.id.as_str())?;
        let l = self.map_or_create(&c, "letters")?;
        match recipient {
            LetterRecipient::Family => update_text(&mut self.doc, &l, "family", text)?,
            LetterRecipient::Child(p) => {
                let children = self.map_or_create(&l, "children")?;
                update_text(&mut self.doc, &children, p.as_str(), text)?;
            }
        }
        self.doc.put(&l, "by", by.as_str())?;
        self.doc.put(&l, "saved_at", now.timestamp_millis())?;
        self.commit("closure.letter", now);
        Ok(())
    }

    /// The closure of one episode (the current one when `None`), with the FIT numbers
    /// of the summary as written and as they are now.
    pub fn closure(
        &self,
        episode: Option<&EpisodeId>,
        measures: &MeasureSet,
    ) -> Result<ClosureView, CoreError> {
        let episodes = self.episodes()?;
        let ep = match episode {
            Some(id) => episodes
                .iter()
                .find(|e| &e.id == id)
                .ok_or_else(|| CoreError::NotInCase(format!("episode {id} is not in this case")))?,
            None => episodes
                .last()
                .ok_or_else(|| CoreError::Document("case without an episode".into()))?,
        };
        let all = self.hydrate_optional("closures")?.unwrap_or_default();
        let c = map_of(&all, ep.id.as_str()).cloned().unwrap_or_default();
        let decision = map_of(&c, "decision").and_then(|d| {
            Some(ClosureDecision {
                date: str_of(d, "date")?.parse().ok()?,
                reason: text_of(d, "reason").unwrap_or_default(),
                by: str_of(d, "by").and_then(|s| s.parse().ok()),
                added_at: DateTime::from_timestamp_millis(int_of(d, "added_at").unwrap_or(0))?,
            })
        });
        let summary = match map_of(&c, "summary") {
            Some(s) => Some(self.read_summary(s, &ep.id, measures)?),
            None => None,
        };
        let letters = map_of(&c, "letters")
            .map(|l| SavedLetters {
                family: text_of(l, "family"),
                children: map_of(l, "children")
                    .map(|ch| {
                        ch.iter()
                            .filter_map(|(k, v)| {
                                let text = match &v.value {
                                    AmValue::Text(t) => t.to_string(),
                                    _ => return None,
                                };
                                Some((k.parse().ok()?, text))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .unwrap_or_default();
        Ok(ClosureView {
            episode: ep.id.clone(),
            episode_status: ep.status,
            closed: ep.closed,
            decision,
            summary,
            letters,
        })
    }

    /// Per episode with a closure record, oldest first: the decision and the closing
    /// summary's sign-offs, read without computing the FIT numbers (for the
    /// chronology and lists).
    pub fn closure_milestones(&self) -> Result<Vec<ClosureMilestones>, CoreError> {
        let all = self.hydrate_optional("closures")?.unwrap_or_default();
        let mut out = Vec::new();
        for ep in self.episodes()? {
            let Some(c) = map_of(&all, ep.id.as_str()) else {
                continue;
            };
            let decision = map_of(c, "decision").and_then(|d| {
                Some(ClosureDecision {
                    date: str_of(d, "date")?.parse().ok()?,
                    reason: text_of(d, "reason").unwrap_or_default(),
                    by: str_of(d, "by").and_then(|s| s.parse().ok()),
                    added_at: DateTime::from_timestamp_millis(int_of(d, "added_at").unwrap_or(0))?,
                })
            });
            let summary = map_of(c, "summary");
            out.push(ClosureMilestones {
                episode: ep.id.clone(),
                decision,
                summary_written_by: summary
                    .and_then(|s| str_of(s, "by"))
                    .and_then(|s| s.parse().ok()),
                summary_added_at: summary
                    .and_then(|s| int_of(s, "added_at"))
                    .and_then(DateTime::from_timestamp_millis),
                sign_offs: summary.map(read_signoffs).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    fn read_summary(
        &self,
        s: &Map,
        episode: &EpisodeId,
        measures: &MeasureSet,
    ) -> Result<ClosingSummaryView, CoreError> {
        let goal_refs = list_of(s, "goal_refs")
            .filter_map(|g| match g {
                AmValue::Map(m) => Some(GoalRef {
                    plan: str_of(m, "plan")?.parse().ok()?,
                    goal: u32::try_from(int_of(m, "goal")?).ok()?,
                }),
                _ => None,
            })
            .collect();
        let t = |k: &str| text_of(s, k).unwrap_or_default();
        let fields = ClosingSummaryFields {
            reason: t("reason"),
            what_changed: t("what_changed"),
            goals_achieved: t("goals_achieved"),
            goal_refs,
            sustainability_plan: t("sustainability_plan"),
            signposting: t("signposting"),
            child_views: t("child_views"),
            family_views: t("family_views"),
        };
        let outcomes: Vec<OutcomeLine> = str_of(s, "outcomes")
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        let outcomes_now = self.outcome_lines(episode, measures)?;
        let plans = self.plans()?;
        let plan_goals = fields
            .goal_refs
            .iter()
            .filter_map(|r| {
                let plan = plans.iter().find(|p| p.id == r.plan)?;
                let goal = plan.fields.goals.get((r.goal as usize).checked_sub(1)?)?;
                Some(AchievedGoal {
                    plan: r.plan.clone(),
                    goal: r.goal,
                    text: goal.goal.clone(),
                })
            })
            .collect();
        let sign_offs = read_signoffs(s);
        let ms = |k: &str| DateTime::from_timestamp_millis(int_of(s, k).unwrap_or(0));
        Ok(ClosingSummaryView {
            status: signoff::status(&sign_offs, &fields.content(&outcomes)),
            outcomes_changed: outcomes != outcomes_now,
            fields,
            outcomes,
            outcomes_at: ms("outcomes_at").unwrap_or_default(),
            outcomes_now,
            plan_goals,
            written_by: str_of(s, "by").and_then(|v| v.parse().ok()),
            added_at: ms("added_at").unwrap_or_default(),
            edited_by: str_of(s, "edited_by").and_then(|v| v.parse().ok()),
            signed: sign_offs.last().cloned(),
            sign_offs,
        })
    }

    /// The FIT numbers of one episode, one line per subject, measure and rater, as
    /// [`analytics::case_outcomes`] computes them.
    pub fn outcome_lines(
        &self,
        episode: &EpisodeId,
        measures: &MeasureSet,
    ) -> Result<Vec<OutcomeLine>, CoreError> {
        let view = self.view()?;
        let (subjects, ratings) = view.analytics_inputs(Some(episode));
        let outcomes = analytics::case_outcomes(&subjects, &ratings, measures)?;
        Ok(outcomes
            .subjects
            .iter()
            .flat_map(|s| {
                s.series.iter().map(|series| OutcomeLine {
                    subject: s.person.clone(),
                    measure: series.measure.clone(),
                    rater: series.rater.clone(),
                    ratings: series.points.len(),
                    first: series.first,
                    last: series.last,
                    change: series.change,
                    cutoff: series.cutoff,
                    reliable_change: series.reliable_change.map(ChangeWord::from),
                    clinically_significant: series.clinically_significant,
                })
            })
            .collect())
    }

    /// The current episode when it is open; otherwise a refusal saying why not.
    fn open_episode_for(&self, what: &str) -> Result<crate::case::Episode, CoreError> {
        let episode = self.current_episode()?;
        match episode.status {
            EpisodeStatus::Open => Ok(episode),
            EpisodeStatus::WaitingList => Err(CoreError::Invalid(format!(
                "the case is on the waiting list; open it before you {what}"
            ))),
            EpisodeStatus::Closed => Err(CoreError::Invalid(format!(
                "the case is closed; there is no open episode to {what}"
            ))),
        }
    }

    fn closure_obj(&self, episode: &EpisodeId, key: &str) -> Option<ObjId> {
        obj_at(&self.doc, &ROOT, "closures")
            .and_then(|a| obj_at(&self.doc, &a, episode.as_str()))
            .and_then(|c| obj_at(&self.doc, &c, key))
    }

    fn validated_summary(
        &self,
        f: &ClosingSummaryFields,
        decision: &ClosureDecision,
    ) -> Result<ClosingSummaryFields, CoreError> {
        let reason = if f.reason.trim().is_empty() {
            decision.reason.clone()
        } else {
            f.reason.clone()
        };
        let reason = closing_reason(&reason)?;
        let what_changed =
            super::required_narrative("description of what changed", &f.what_changed)?;
        let plans = self.plans()?;
        let mut goal_refs: Vec<GoalRef> = Vec::new();
        for r in &f.goal_refs {
            let plan = plans.iter().find(|p| p.id == r.plan).ok_or_else(|| {
                CoreError::NotInCase(format!("plan {} is not in this case", r.plan))
            })?;
            let n = plan.fields.goals.len();
            if r.goal == 0 || r.goal as usize > n {
                return Err(CoreError::Invalid(format!(
                    "plan {} has goals 1 to {n}; there is no goal {}",
                    r.plan, r.goal
                )));
            }
            if !goal_refs.contains(r) {
                goal_refs.push(r.clone());
            }
        }
        Ok(ClosingSummaryFields {
            reason,
            what_changed,
            goals_achieved: f.goals_achieved.trim().into(),
            goal_refs,
            sustainability_plan: f.sustainability_plan.trim().into(),
            signposting: f.signposting.trim().into(),
            child_views: f.child_views.trim().into(),
            family_views: f.family_views.trim().into(),
        })
    }
}

fn put_goal_refs(
    doc: &mut automerge::AutoCommit,
    obj: &ObjId,
    refs: &[GoalRef],
) -> Result<(), CoreError> {
    let list = doc.put_object(obj, "goal_refs", ObjType::List)?;
    for (i, r) in refs.iter().enumerate() {
        let m = doc.insert_object(&list, i, ObjType::Map)?;
        doc.put(&m, "plan", r.plan.as_str())?;
        doc.put(&m, "goal", i64::from(r.goal))?;
    }
    Ok(())
}

// ---- closure letters ---------------------------------------------------------------

/// One child's letter.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChildLetter {
    pub person: PersonId,
    pub name: String,
    pub text: String,
}

/// Draft letters: one to the family, one to each child.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClosureLetters {
    pub family: String,
    pub children: Vec<ChildLetter>,
}

/// Who writes the letters and how the family can reach the team again.
pub struct LetterSender<'a> {
    /// The worker's name.
    pub worker: &'a str,
    /// The team's name.
    pub team: &'a str,
}

/// The sentences of a text, each ending in its punctuation; sentences that mention the
/// rating scales or scores are left out (letters never present them).
fn plain_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c == '\n' {
            push_sentence(&mut out, &current);
            current.clear();
            continue;
        }
        current.push(c);
        if matches!(c, '.' | '!' | '?') {
            push_sentence(&mut out, &current);
            current.clear();
        }
    }
    push_sentence(&mut out, &current);
    out
}

fn push_sentence(out: &mut Vec<String>, s: &str) {
    let s = s.trim().trim_start_matches(['-', '*', '•']).trim();
    if s.is_empty() || mentions_scales(s) {
        return;
    }
    let mut s = s.to_string();
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    out.push(s);
}

/// What went well: the plan goals named as achieved (in the family's own words), then
/// the goals achieved as written.
fn went_well(summary: &ClosingSummaryView) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in &summary.plan_goals {
        for s in plain_sentences(&g.text) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    for s in plain_sentences(&summary.fields.goals_achieved) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Drafts the closure letters from the closing summary: short sentences, first names,
/// what went well, what the family did, who to contact. Pure: the worker edits the
/// drafts before anything is sent. The rating scales and scores are never mentioned,
/// and the scores are never given as a reason for closing.
pub fn closure_letters(
    case: &CaseView,
    summary: &ClosingSummaryView,
    sender: &LetterSender<'_>,
) -> ClosureLetters {
    let worker = sender.worker.trim();
    let worker_first = first_name(worker);
    let grown_ups: Vec<&str> = case
        .people
        .iter()
        .filter(|p| p.party && matches!(p.role, PersonRole::Parent | PersonRole::Carer))
        .map(|p| first_name(&p.name))
        .collect();
    let children: Vec<&crate::case::Person> =
        case.people.iter().filter(|p| p.role.is_child()).collect();
    let child_names: Vec<&str> = children.iter().map(|p| first_name(&p.name)).collect();
    let well = went_well(summary);
    let did = plain_sentences(&summary.fields.what_changed);
    let keep = plain_sentences(&summary.fields.sustainability_plan);
    let contact = plain_sentences(&summary.fields.signposting);

    // The family's letter.
    let mut f = Vec::new();
    if grown_ups.is_empty() {
        f.push(format!("Dear {} family,", case.family.name.trim()));
    } else {
        f.push(format!("Dear {},", and_list(&grown_ups)));
    }
    f.push(String::new());
    f.push("Our work with your family is coming to an end.".into());
    f.push("I want to thank you. You worked hard, and it shows.".into());
    if !well.is_empty() {
        f.push(String::new());
        f.push("What went well:".into());
        f.extend(well.iter().map(|s| format!("- {s}")));
    }
    if !did.is_empty() {
        f.push(String::new());
        f.push("What you did:".into());
        f.extend(did.iter().map(|s| format!("- {s}")));
    }
    if !keep.is_empty() {
        f.push(String::new());
        f.push("What will help you keep things going well:".into());
        f.extend(keep.iter().map(|s| format!("- {s}")));
    }
    f.push(String::new());
    f.push("Who to contact:".into());
    f.extend(contact.iter().map(|s| format!("- {s}")));
    f.push(format!(
        "- If you are worried, or you need help again, you can contact {} at {}.",
        worker_first,
        sender.team.trim()
    ));
    if !child_names.is_empty() {
        f.push(String::new());
        f.push(format!(
            "We have also written a letter to {}.",
            and_list(&child_names)
        ));
    }
    f.push(String::new());
    f.push("Best wishes,".into());
    f.push(worker.to_string());
    let family = f.join("\n");

    // Each child's letter.
    let children = children
        .iter()
        .map(|child| {
            let name = first_name(&child.name);
            let mut c = Vec::new();
            c.push(format!("Dear {name},"));
            c.push(String::new());
            c.push(format!(
                "My name is {worker_first}. I have been seeing you and your family."
            ));
            c.push("Our time together is now coming to an end.".into());
            c.push("Thank you for talking to me and for telling me what you think.".into());
            if !well.is_empty() {
                c.push(String::new());
                c.push("Some good things have happened:".into());
                c.extend(well.iter().map(|s| format!("- {s}")));
            }
            c.push(String::new());
            if grown_ups.is_empty() {
                c.push("Your family worked hard to make things better.".into());
            } else {
                c.push(format!(
                    "{} worked hard to make things better.",
                    and_list(&grown_ups)
                ));
            }
            c.push("You did too. You should be proud.".into());
            c.push(String::new());
            c.push("If you are ever worried or sad, talk to a grown-up you trust.".into());
            if !grown_ups.is_empty() {
                c.push(format!("That could be {}.", and_list(&grown_ups)));
            }
            c.push("It could be your teacher too.".into());
            c.push(format!(
                "They can call {} at {} if you need help again.",
                worker_first,
                sender.team.trim()
            ));
            c.push(String::new());
            c.push("From".into());
            c.push(worker_first.to_string());
            ChildLetter {
                person: child.id.clone(),
                name: name.to_string(),
                text: c.join("\n"),
            }
        })
        .collect();
    ClosureLetters { family, children }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_naming_the_scales_are_left_out() {
        let s = plain_sentences(
            "Mum got a job. The ORS rose above the cut-off!\n- Zofia goes to school",
        );
        assert_eq!(s, vec!["Mum got a job.", "Zofia goes to school."]);
    }

    #[test]
    fn a_reason_resting_on_scores_is_refused() {
        assert!(closing_reason("ORS above the cut-off").is_err());
        assert!(closing_reason("Her scores are high").is_err());
        assert!(closing_reason("Plan goals met; the family is safe and settled").is_ok());
    }
}
