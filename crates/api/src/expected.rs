//! The expected-response curve for one person's self-rated outcome series: from the
//! team's own closed episodes (local norms) or from a parameter file a team is licensed
//! to use. Never from shipped vendor coefficients: Hearth ships none.

use hearth_core::analytics::{EtrParameters, ExpectedCurve, ExpectedResponse, LocalNorms};
use hearth_core::measures::Purpose;
use hearth_core::{CaseId, PersonId, Tenths};
use serde::Serialize;

use crate::error::{ApiError, Result};
use crate::workspace::Workspace;

#[derive(Debug, Serialize)]
pub struct Expected {
    pub person: PersonId,
    pub measure: Option<String>,
    pub intake: Option<Tenths>,
    /// "local-norms" or "parameters".
    pub model: &'static str,
    /// Closed episodes the local norms were computed from.
    pub episodes: Option<usize>,
    pub curve: Option<ExpectedCurve>,
    /// Why there is no curve (e.g. not enough closed episodes), in words.
    pub unavailable: Option<String>,
}

impl Workspace {
    /// The expected curve for `subject`'s own outcome ratings in the current episode,
    /// as far as the sessions recorded so far (at least 6 sessions ahead).
    pub fn expected_response(
        &self,
        case: &str,
        subject: &str,
        parameters_json: Option<&str>,
    ) -> Result<Expected> {
        let case: CaseId = case.parse()?;
        let subject: PersonId = subject.parse()?;
        let view = self.case_view(&case)?;
        if !view.people.iter().any(|p| p.id == subject) {
            return Err(ApiError::Invalid(hearth_core::CoreError::NotInCase(
                format!("person {subject} is not in this case"),
            )));
        }
        let (subjects, ratings) = view.analytics_inputs(None);
        let own: Vec<_> = ratings
            .iter()
            .filter(|r| r.subject == subject && r.rater == subject)
            .filter(|r| {
                self.measures
                    .get(&r.measure)
                    .is_ok_and(|m| m.purpose == Purpose::Outcome)
            })
            .collect();
        let _ = subjects;
        let model = if parameters_json.is_some() {
            "parameters"
        } else {
            "local-norms"
        };
        let Some(first) = own.iter().min_by_key(|r| r.date) else {
            return Ok(Expected {
                person: subject,
                measure: None,
                intake: None,
                model,
                episodes: None,
                curve: None,
                unavailable: Some(
                    "no outcome rating yet: the curve starts at the first one".into(),
                ),
            });
        };
        let measure = first.measure.clone();
        let intake: Tenths = first.items.iter().copied().sum();
        let sessions = own.iter().filter(|r| r.measure == measure).count().max(6);
        let (result, episodes) = match parameters_json {
            Some(json) => {
                let params = EtrParameters::from_json(json)?;
                (params.expected(&measure, intake, sessions), None)
            }
            None => {
                let min = self.team.view()?.settings.etr_min_episodes as usize;
                let mut episodes = Vec::new();
                for id in self.case_ids()? {
                    episodes.extend(self.case_view(&id)?.closed_episode_totals(&measure));
                }
                let count = episodes.len();
                let result = LocalNorms::from_closed_episodes(&measure, &episodes, min)
                    .and_then(|norms| norms.expected(&measure, intake, sessions));
                (result, Some(count))
            }
        };
        let (curve, unavailable) = match result {
            Ok(curve) => (Some(curve), None),
            Err(why) => (None, Some(why.to_string())),
        };
        Ok(Expected {
            person: subject,
            measure: Some(measure),
            intake: Some(intake),
            model,
            episodes,
            curve,
            unavailable,
        })
    }
}
