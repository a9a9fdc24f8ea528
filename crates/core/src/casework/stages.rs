//! Stages of change (the cycle of change, seed 003 FS:128-140), per parent and per
//! problem area. Every observation is a new dated entry, never an overwrite, so the
//! history can be graphed and fed into case supervision's "reflection on the cycle of
//! change". An entry may carry change talk in the parent's own words.

use automerge::{ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::CaseDoc;
use crate::dates::not_in_future;
use crate::doc_access::obj_at;
use crate::hydrated::{entries, int_of, str_of};
use crate::permissions::{self, Action};
use crate::team::TeamView;
use crate::{CoreError, MemberId, PersonId, PersonRole, StageEntryId};

closed_list!(
    /// The problem area a stage of change is about.
    ProblemArea, "problem area" {
        DomesticAbuse => "domestic-abuse",
        SubstanceMisuse => "substance-misuse",
        MentalHealth => "mental-health",
        Other => "other",
    }
);

closed_list!(
    /// A stage in the cycle of change; six, including relapse.
    Stage, "stage of change" {
        PreContemplation => "pre-contemplation",
        Contemplation => "contemplation",
        Preparation => "preparation",
        Action => "action",
        Maintenance => "maintenance",
        Relapse => "relapse",
    }
);

/// A new stage-of-change observation.
pub struct NewStage {
    pub id: StageEntryId,
    /// A parent or carer in the case.
    pub person: PersonId,
    pub problem: ProblemArea,
    pub stage: Stage,
    pub date: NaiveDate,
    /// Change talk, in the parent's own words.
    pub quote: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StageEntry {
    pub id: StageEntryId,
    pub date: NaiveDate,
    pub stage: Stage,
    pub quote: Option<String>,
    pub recorded_by: Option<MemberId>,
    pub added_at: DateTime<Utc>,
}

/// One parent's history for one problem area, in date order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StageSeries {
    pub person: PersonId,
    pub problem: ProblemArea,
    pub history: Vec<StageEntry>,
}

impl StageSeries {
    /// The latest stage (what case supervision reflects on).
    pub fn current(&self) -> Option<&StageEntry> {
        self.history.last()
    }
}

impl CaseDoc {
    /// Records a stage of change for a parent and problem area (a practitioner).
    pub fn record_stage(
        &mut self,
        new: NewStage,
        team: &TeamView,
        by: &MemberId,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<StageEntryId, CoreError> {
        let actor = permissions::actor(team, by, Action::SetStageOfChange)?;
        permissions::check(Action::SetStageOfChange, actor)?;
        not_in_future(new.date, today)?;
        let people = self.people()?;
        let person = people.iter().find(|p| p.id == new.person).ok_or_else(|| {
            CoreError::NotInCase(format!("person {} is not in this case", new.person))
        })?;
        if !matches!(person.role, PersonRole::Parent | PersonRole::Carer) {
            return Err(CoreError::Invalid(format!(
                "stages of change are recorded for parents and carers, not a {}",
                person.role
            )));
        }
        let quote = match new.quote.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(q) => Some(q.to_string()),
        };
        if obj_at(&self.doc, &ROOT, "stages")
            .and_then(|s| obj_at(&self.doc, &s, new.id.as_str()))
            .is_some()
        {
            return Err(CoreError::Invalid(
                "that stage-of-change entry id is already used".into(),
            ));
        }
        let all = self.map_or_create(&ROOT, "stages")?;
        let e = self.doc.put_object(&all, new.id.as_str(), ObjType::Map)?;
        self.doc.put(&e, "person", new.person.as_str())?;
        self.doc.put(&e, "problem", new.problem.as_str())?;
        self.doc.put(&e, "stage", new.stage.as_str())?;
        self.doc.put(&e, "date", new.date.to_string())?;
        if let Some(q) = &quote {
            self.doc.put(&e, "quote", q.as_str())?;
        }
        self.doc.put(&e, "by", by.as_str())?;
        self.doc.put(&e, "added_at", now.timestamp_millis())?;
        self.commit("stage.record", now);
        Ok(new.id)
    }

    /// Every (person, problem) history, each in date order (ties in the order added);
    /// series ordered by person (as added to the case) and problem area.
    pub fn stages_of_change(&self) -> Result<Vec<StageSeries>, CoreError> {
        let all = self.hydrate_optional("stages")?.unwrap_or_default();
        let mut rows: Vec<(PersonId, ProblemArea, StageEntry)> = entries(&all)
            .filter_map(|(k, e)| {
                Some((
                    str_of(e, "person")?.parse().ok()?,
                    str_of(e, "problem")?.parse().ok()?,
                    StageEntry {
                        id: k.parse().ok()?,
                        date: str_of(e, "date")?.parse().ok()?,
                        stage: str_of(e, "stage")?.parse().ok()?,
                        quote: str_of(e, "quote"),
                        recorded_by: str_of(e, "by").and_then(|s| s.parse().ok()),
                        added_at: DateTime::from_timestamp_millis(
                            int_of(e, "added_at").unwrap_or(0),
                        )?,
                    },
                ))
            })
            .collect();
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let people = self.people()?;
        let rank = |p: &PersonId| people.iter().position(|q| &q.id == p).unwrap_or(usize::MAX);
        rows.sort_by(|a, b| {
            (rank(&a.0), &a.0, a.1, a.2.date, a.2.added_at, &a.2.id).cmp(&(
                rank(&b.0),
                &b.0,
                b.1,
                b.2.date,
                b.2.added_at,
                &b.2.id,
            ))
        });
        let mut series: Vec<StageSeries> = Vec::new();
        for (person, problem, entry) in rows {
            match series.last_mut() {
                Some(s) if s.person == person && s.problem == problem => s.history.push(entry),
                _ => series.push(StageSeries {
                    person,
                    problem,
                    history: vec![entry],
                }),
            }
        }
        Ok(series)
    }
}
