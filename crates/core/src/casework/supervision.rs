//! Family Safeguarding case supervision records (seed 003, FS:209-229): chaired by the
//! team manager, minuted by business support, finalised only by the team manager.
//!
//! Rules:
//! - a team manager or business support adds and edits a record while it is a draft;
//!   an edit replaces the fields, writing only what changed (narratives by the smallest
//!   text edit), so concurrent edits of different fields or parts both survive a merge;
//! - only a team manager finalises it, and only with a red/amber/green rating;
//! - a finalised record is never edited in place: `edit_supervision` is refused, and
//!   `amend_supervision` (team manager, with a reason) changes it while the old
//!   sign-off stays visible, the record shows "amended after sign-off" naming the
//!   changed fields, and the amendment (who, when, why) is listed; finalising again
//!   adds a new sign-off to the history.

use std::collections::BTreeMap;

use automerge::hydrate::{Map, Value as AmValue};
use automerge::{ObjId, ObjType, ROOT, ReadDoc, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::signoff::{self, SignOff, SignOffStatus, read_signoffs, write_signoff};
use crate::case::CaseDoc;
use crate::dates::not_in_future;
use crate::doc_access::{obj_at, put_str_list, put_text, update_text};
use crate::hydrated::{entries, int_of, list_of, map_of, str_list_of, str_of, text_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{CoreError, MemberId, MemberRole, SupervisionId};

closed_list!(
    /// The red/amber/green rating of the risk to the child's outcomes (FS:225).
    Rag, "RAG rating" {
        Red => "red",
        Amber => "amber",
        Green => "green",
    }
);

/// A decision and why it was made.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Decision {
    pub decision: String,
    pub reason: String,
}

/// Everything a supervision record holds, as the minute-taker fills it in.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SupervisionFields {
    pub date: NaiveDate,
    /// A team manager.
    pub chair: MemberId,
    pub attended: Vec<MemberId>,
    /// Who could not attend and sent a summary in advance.
    pub sent_summary: Vec<MemberId>,
    /// Each professional's summary of progress.
    pub progress: BTreeMap<MemberId, String>,
    pub cycle_of_change: String,
    pub child_views: String,
    pub parent_views: String,
    pub impact: String,
    pub plan: String,
    pub decisions: Vec<Decision>,
    /// Required to finalise.
    pub rag: Option<Rag>,
}

/// A change to a finalised record: who, when and why.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Amendment {
    pub by: MemberId,
    pub at: DateTime<Utc>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SupervisionView {
    pub id: SupervisionId,
    pub fields: SupervisionFields,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
    pub status: SignOffStatus,
    /// The latest sign-off: its content is the signed record.
    pub finalised: Option<SignOff>,
    /// Every sign-off, oldest first.
    pub sign_offs: Vec<SignOff>,
    pub amendments: Vec<Amendment>,
}

impl SupervisionFields {
    /// What a sign-off covers, one key per field (the names `changes` reports).
    fn content(&self) -> Value {
        fn sorted(ids: &[MemberId]) -> Vec<&str> {
            let mut v: Vec<&str> = ids.iter().map(MemberId::as_str).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        let progress: serde_json::Map<String, Value> = self
            .progress
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
            .collect();
        json!({
            "date": self.date.to_string(),
            "chair": self.chair.as_str(),
            "attended": sorted(&self.attended),
            "sent_summary": sorted(&self.sent_summary),
            "progress": progress,
            "cycle_of_change": self.cycle_of_change,
            "child_views": self.child_views,
            "parent_views": self.parent_views,
            "impact": self.impact,
            "plan": self.plan,
            "decisions": self.decisions.iter()
                .map(|d| json!({"decision": d.decision, "reason": d.reason}))
                .collect::<Vec<_>>(),
            "rag": self.rag.map(Rag::as_str),
        })
    }

    /// Checks the fields against the team roster and today; returns them tidied
    /// (texts trimmed, member lists without repeats).
    fn validated(&self, team: &TeamView, today: NaiveDate) -> Result<SupervisionFields, CoreError> {
        not_in_future(self.date, today)?;
        match team.member(&self.chair) {
            Some(m) if m.role == MemberRole::TeamManager => {}
            Some(_) => {
                return Err(CoreError::Invalid(
                    "the chair of case supervision must be a team manager".into(),
                ));
            }
            None => {
                return Err(CoreError::Invalid(format!(
                    "the chair {} is not on the team roster",
                    self.chair
                )));
            }
        }
        let on_roster = |ids: &mut dyn Iterator<Item = &MemberId>| -> Result<(), CoreError> {
            for id in ids {
                if team.member(id).is_none() {
                    return Err(CoreError::Invalid(format!(
                        "member {id} is not on the team roster"
                    )));
                }
            }
            Ok(())
        };
        on_roster(&mut self.attended.iter())?;
        on_roster(&mut self.sent_summary.iter())?;
        on_roster(&mut self.progress.keys())?;
        let mut decisions = Vec::new();
        for d in &self.decisions {
            let decision = super::required_narrative("decision", &d.decision)?;
            let reason = super::required_narrative("reason for a decision", &d.reason)?;
            decisions.push(Decision { decision, reason });
        }
        let unique = |ids: &[MemberId]| {
            let mut out: Vec<MemberId> = Vec::new();
            for id in ids {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
            out
        };
        Ok(SupervisionFields {
            date: self.date,
            chair: self.chair.clone(),
            attended: unique(&self.attended),
            sent_summary: unique(&self.sent_summary),
            progress: self
                .progress
                .iter()
                .map(|(k, v)| (k.clone(), v.trim().to_string()))
                .collect(),
            cycle_of_change: self.cycle_of_change.trim().into(),
            child_views: self.child_views.trim().into(),
            parent_views: self.parent_views.trim().into(),
            impact: self.impact.trim().into(),
            plan: self.plan.trim().into(),
            decisions,
            rag: self.rag,
        })
    }
}

const NARRATIVES: [&str; 5] = [
    "cycle_of_change",
    "child_views",
    "parent_views",
    "impact",
    "plan",
];

fn narrative(f: &SupervisionFields, key: &str) -> String {
    match key {
        "cycle_of_change" => f.cycle_of_change.clone(),
        "child_views" => f.child_views.clone(),
        "parent_views" => f.parent_views.clone(),
        "impact" => f.impact.clone(),
        _ => f.plan.clone(),
    }
}

impl CaseDoc {
    /// Adds a case supervision record (a team manager or business support).
    pub fn add_supervision(
        &mut self,
        id: &SupervisionId,
        fields: &SupervisionFields,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::AddSupervision)?;
        permissions::check(Action::AddSupervision, actor)?;
        let fields = fields.validated(team, today)?;
        if obj_at(&self.doc, &ROOT, "supervisions")
            .and_then(|s| obj_at(&self.doc, &s, id.as_str()))
            .is_some()
        {
            return Err(CoreError::Invalid(
                "that supervision record id is already used".into(),
            ));
        }
        let all = self.map_or_create(&ROOT, "supervisions")?;
        let r = self.doc.put_object(&all, id.as_str(), ObjType::Map)?;
        self.doc.put(&r, "date", fields.date.to_string())?;
        self.doc.put(&r, "chair", fields.chair.as_str())?;
        put_ids(&mut self.doc, &r, "attended", &fields.attended)?;
        put_ids(&mut self.doc, &r, "sent_summary", &fields.sent_summary)?;
        let progress = self.doc.put_object(&r, "progress", ObjType::Map)?;
        for (member, text) in &fields.progress {
            put_text(&mut self.doc, &progress, member.as_str(), text)?;
        }
        for key in NARRATIVES {
            put_text(&mut self.doc, &r, key, &narrative(&fields, key))?;
        }
        let decisions = self.doc.put_object(&r, "decisions", ObjType::List)?;
        for (i, d) in fields.decisions.iter().enumerate() {
            let m = self.doc.insert_object(&decisions, i, ObjType::Map)?;
            put_text(&mut self.doc, &m, "decision", &d.decision)?;
            put_text(&mut self.doc, &m, "reason", &d.reason)?;
        }
        if let Some(rag) = fields.rag {
            self.doc.put(&r, "rag", rag.as_str())?;
        }
        self.doc.put(&r, "added_by", by.as_str())?;
        self.doc.put(&r, "added_at", now.timestamp_millis())?;
        self.commit("supervision.add", now);
        Ok(())
    }

    /// Edits a draft record (a team manager or business support). Refused once the
    /// record is finalised: see [`CaseDoc::amend_supervision`].
    pub fn edit_supervision(
        &mut self,
        id: &SupervisionId,
        fields: &SupervisionFields,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::EditSupervision)?;
        permissions::check(Action::EditSupervision, actor)?;
        let current = self.supervision(id)?;
        if current.status.is_finalised() {
            return Err(CoreError::Invalid(
                "the supervision record is finalised; a team manager may amend it, giving a reason"
                    .into(),
            ));
        }
        let fields = fields.validated(team, today)?;
        self.write_supervision_changes(id, &current.fields, &fields)?;
        self.commit("supervision.edit", now);
        Ok(())
    }

    /// Changes a finalised record (a team manager, with a reason). The earlier sign-off
    /// stays as it was; the record reads as amended after sign-off until it is
    /// finalised again.
    #[allow(clippy::too_many_arguments)]
    pub fn amend_supervision(
        &mut self,
        id: &SupervisionId,
        fields: &SupervisionFields,
        reason: &str,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::AmendSupervision)?;
        permissions::check(Action::AmendSupervision, actor)?;
        let current = self.supervision(id)?;
        if !current.status.is_finalised() {
            return Err(CoreError::Invalid(
                "the supervision record is not finalised; edit it instead".into(),
            ));
        }
        let reason = crate::case::required_text("reason for the amendment", reason)?;
        let fields = fields.validated(team, today)?;
        if fields.content() == current.fields.content() {
            return Err(CoreError::Invalid(
                "the amendment changes nothing in the record".into(),
            ));
        }
        self.write_supervision_changes(id, &current.fields, &fields)?;
        let r = self.supervision_obj(id)?;
        let list = match obj_at(&self.doc, &r, "amendments") {
            Some(l) => l,
            None => self.doc.put_object(&r, "amendments", ObjType::List)?,
        };
        let at = self.doc.length(&list);
        let a = self.doc.insert_object(&list, at, ObjType::Map)?;
        self.doc.put(&a, "by", by.as_str())?;
        self.doc.put(&a, "at", now.timestamp_millis())?;
        self.doc.put(&a, "reason", reason.as_str())?;
        self.commit("supervision.amend", now);
        Ok(())
    }

    /// Finalises a record (a team manager only), which needs a RAG rating. Refused
    /// when it is already finalised as it stands.
    pub fn finalise_supervision(
        &mut self,
        id: &SupervisionId,
        team: &TeamView,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let actor = permissions::actor(team, by, Action::FinaliseSupervision)?;
        permissions::check(Action::FinaliseSupervision, actor)?;
        let current = self.supervision(id)?;
        if current.status == SignOffStatus::Signed {
            return Err(CoreError::Invalid(
                "the supervision record is already finalised as it stands".into(),
            ));
        }
        if current.fields.rag.is_none() {
            return Err(CoreError::Invalid(
                "give the red/amber/green rating before finalising the record".into(),
            ));
        }
        let signoff = SignOff::sign(&current.fields.content(), actor, now);
        let r = self.supervision_obj(id)?;
        write_signoff(&mut self.doc, &r, &signoff)?;
        self.commit("supervision.finalise", now);
        Ok(())
    }

    /// Every supervision record of the case, by date (ties in the order added).
    pub fn supervisions(&self) -> Result<Vec<SupervisionView>, CoreError> {
        let all = self.hydrate_optional("supervisions")?.unwrap_or_default();
        let mut list: Vec<SupervisionView> = entries(&all)
            .filter_map(|(k, r)| read_supervision(k, r))
            .collect();
        list.sort_by(|a, b| {
            (a.fields.date, a.added_at, &a.id).cmp(&(b.fields.date, b.added_at, &b.id))
        });
        Ok(list)
    }

    /// One supervision record.
    pub fn supervision(&self, id: &SupervisionId) -> Result<SupervisionView, CoreError> {
        let obj = self.supervision_obj(id)?;
        match self.doc.hydrate(&obj, None)? {
            AmValue::Map(m) => read_supervision(id.as_str(), &m),
            _ => None,
        }
        .ok_or_else(|| CoreError::Document(format!("supervision record {id} is damaged")))
    }

    fn supervision_obj(&self, id: &SupervisionId) -> Result<ObjId, CoreError> {
        obj_at(&self.doc, &ROOT, "supervisions")
            .and_then(|s| obj_at(&self.doc, &s, id.as_str()))
            .ok_or_else(|| {
                CoreError::NotInCase(format!("supervision record {id} is not in this case"))
            })
    }

    /// Writes only what differs from `old`, so a concurrent edit of another field is
    /// not overwritten by a stale copy of it.
    fn write_supervision_changes(
        &mut self,
        id: &SupervisionId,
        old: &SupervisionFields,
        new: &SupervisionFields,
    ) -> Result<(), CoreError> {
        let r = self.supervision_obj(id)?;
        let doc = &mut self.doc;
        if old.date != new.date {
            doc.put(&r, "date", new.date.to_string())?;
        }
        if old.chair != new.chair {
            doc.put(&r, "chair", new.chair.as_str())?;
        }
        if old.attended != new.attended {
            put_ids(doc, &r, "attended", &new.attended)?;
        }
        if old.sent_summary != new.sent_summary {
            put_ids(doc, &r, "sent_summary", &new.sent_summary)?;
        }
        if old.progress != new.progress {
            let progress = match obj_at(doc, &r, "progress") {
                Some(p) => p,
                None => doc.put_object(&r, "progress", ObjType::Map)?,
            };
            for member in old.progress.keys() {
                if !new.progress.contains_key(member) {
                    doc.delete(&progress, member.as_str())?;
                }
            }
            for (member, text) in &new.progress {
                if old.progress.get(member) != Some(text) {
                    update_text(doc, &progress, member.as_str(), text)?;
                }
            }
        }
        for key in NARRATIVES {
            let text = narrative(new, key);
            if narrative(old, key) != text {
                update_text(doc, &r, key, &text)?;
            }
        }
        if old.decisions != new.decisions {
            let list = match obj_at(doc, &r, "decisions") {
                Some(l) => l,
                None => doc.put_object(&r, "decisions", ObjType::List)?,
            };
            let len = doc.length(&list);
            for (i, d) in new.decisions.iter().enumerate() {
                let existing = if i < len {
                    match doc.get(&list, i)? {
                        Some((automerge::Value::Object(ObjType::Map), o)) => Some(o),
                        _ => None,
                    }
                } else {
                    None
                };
                match existing {
                    Some(m) => {
                        update_text(doc, &m, "decision", &d.decision)?;
                        update_text(doc, &m, "reason", &d.reason)?;
                    }
                    None => {
                        let m = if i < len {
                            doc.delete(&list, i)?;
                            doc.insert_object(&list, i, ObjType::Map)?
                        } else {
                            doc.insert_object(&list, i, ObjType::Map)?
                        };
                        put_text(doc, &m, "decision", &d.decision)?;
                        put_text(doc, &m, "reason", &d.reason)?;
                    }
                }
            }
            for i in (new.decisions.len()..len).rev() {
                doc.delete(&list, i)?;
            }
        }
        if old.rag != new.rag {
            match new.rag {
                Some(rag) => doc.put(&r, "rag", rag.as_str())?,
                None => doc.delete(&r, "rag")?,
            }
        }
        Ok(())
    }
}

fn put_ids(
    doc: &mut automerge::AutoCommit,
    obj: &ObjId,
    key: &str,
    ids: &[MemberId],
) -> Result<(), CoreError> {
    let values: Vec<String> = ids.iter().map(|m| m.to_string()).collect();
    put_str_list(doc, obj, key, &values)
}

fn ids_of(map: &Map, key: &str) -> Vec<MemberId> {
    str_list_of(map, key)
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// A record that does not parse (written by a newer or damaged device) is skipped.
fn read_supervision(key: &str, r: &Map) -> Option<SupervisionView> {
    let progress = map_of(r, "progress")
        .map(|p| {
            p.iter()
                .filter_map(|(k, v)| {
                    let text = match &v.value {
                        AmValue::Text(t) => t.to_string(),
                        AmValue::Scalar(automerge::ScalarValue::Str(s)) => s.to_string(),
                        _ => return None,
                    };
                    Some((k.parse().ok()?, text))
                })
                .collect()
        })
        .unwrap_or_default();
    let decisions = list_of(r, "decisions")
        .filter_map(|d| match d {
            AmValue::Map(m) => Some(Decision {
                decision: text_of(m, "decision").unwrap_or_default(),
                reason: text_of(m, "reason").unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    let amendments = list_of(r, "amendments")
        .filter_map(|a| match a {
            AmValue::Map(m) => Some(Amendment {
                by: str_of(m, "by")?.parse().ok()?,
                at: DateTime::from_timestamp_millis(int_of(m, "at")?)?,
                reason: str_of(m, "reason").unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    let fields = SupervisionFields {
        date: str_of(r, "date")?.parse().ok()?,
        chair: str_of(r, "chair")?.parse().ok()?,
        attended: ids_of(r, "attended"),
        sent_summary: ids_of(r, "sent_summary"),
        progress,
        cycle_of_change: text_of(r, "cycle_of_change").unwrap_or_default(),
        child_views: text_of(r, "child_views").unwrap_or_default(),
        parent_views: text_of(r, "parent_views").unwrap_or_default(),
        impact: text_of(r, "impact").unwrap_or_default(),
        plan: text_of(r, "plan").unwrap_or_default(),
        decisions,
        rag: str_of(r, "rag").and_then(|s| s.parse().ok()),
    };
    let sign_offs = read_signoffs(r);
    Some(SupervisionView {
        id: key.parse().ok()?,
        status: signoff::status(&sign_offs, &fields.content()),
        fields,
        recorded_by: str_of(r, "added_by").and_then(|s| s.parse().ok()),
        added_at: DateTime::from_timestamp_millis(int_of(r, "added_at").unwrap_or(0))?,
        finalised: sign_offs.last().cloned(),
        sign_offs,
        amendments,
    })
}
