//! The expected-response curve for one person's self-rated outcome series: from the
//! team's own closed episodes (local norms) or from a parameter file a team is licensed
//! to use. Never from shipped vendor coefficients: Hearth ships none.

use hearth_core::analytics::{
    EtrParameters, EtrUnavailable, ExpectedCurve, ExpectedResponse, LocalNorms,
};
use hearth_core::case::CaseView;
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

/// The curve for one subject, before it is shaped for the CLI or the chart.
pub(crate) struct ExpectedFor {
    /// The measure and first total of the subject's own outcome ratings, if any.
    pub intake: Option<(String, Tenths)>,
    /// Closed episodes the local norms were computed from.
    pub episodes: Option<usize>,
    pub curve: std::result::Result<ExpectedCurve, EtrUnavailable>,
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
        let params = parameters_json.map(EtrParameters::from_json).transpose()?;
        let model = if params.is_some() {
            "parameters"
        } else {
            "local-norms"
        };
        let found = self.expected_for(&view, &subject, params.as_ref())?;
        let Some((measure, intake)) = found.intake else {
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
        let (curve, unavailable) = match found.curve {
            Ok(curve) => (Some(curve), None),
            Err(why) => (None, Some(why.to_string())),
        };
        Ok(Expected {
            person: subject,
            measure: Some(measure),
            intake: Some(intake),
            model,
            episodes: found.episodes,
            curve,
            unavailable,
        })
    }

    /// The curve from `params` when given, else from the team's local norms.
    pub(crate) fn expected_for(
        &self,
        view: &CaseView,
        subject: &PersonId,
        params: Option<&EtrParameters>,
    ) -> Result<ExpectedFor> {
        let (_, ratings) = view.analytics_inputs(None);
        let own: Vec<_> = ratings
            .iter()
            .filter(|r| &r.subject == subject && &r.rater == subject)
            .filter(|r| {
                self.measures
                    .get(&r.measure)
                    .is_ok_and(|m| m.purpose == Purpose::Outcome)
            })
            .collect();
        let Some(first) = own.iter().min_by_key(|r| r.date) else {
            return Ok(ExpectedFor {
                intake: None,
                episodes: None,
                curve: Err(EtrUnavailable::NoModel),
            });
        };
        let measure = first.measure.clone();
        let intake: Tenths = first.items.iter().copied().sum();
        let sessions = own.iter().filter(|r| r.measure == measure).count().max(6);
        let (curve, episodes) = match params {
            Some(params) => (params.expected(&measure, intake, sessions), None),
            None => {
                let min = self.team.view()?.settings.etr_min_episodes as usize;
                let episodes = self.closed_episode_totals(&measure)?;
                let count = episodes.len();
                let curve = LocalNorms::from_closed_episodes(&measure, &episodes, min)
                    .and_then(|norms| norms.expected(&measure, intake, sessions));
                (curve, Some(count))
            }
        };
        Ok(ExpectedFor {
            intake: Some((measure, intake)),
            episodes,
            curve,
        })
    }
}
