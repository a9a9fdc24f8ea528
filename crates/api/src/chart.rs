//! The FIT graph of one person in a case, as the chart scene both the desktop app and
//! the PDF exporter draw.

use hearth_core::analytics::{self, SubjectOutcomes};
use hearth_core::chart::{self, ChartScene, ExpectedInput, ExpectedStatus, RaterLabel};
use hearth_core::{CaseId, PersonId};

use crate::error::{ApiError, Result};
use crate::workspace::Workspace;

impl Workspace {
    /// The graph of `subject` (a child, or anyone rated) in the case's current episode,
    /// with the expected-response band from the team's local norms when they suffice.
    pub fn chart(&self, case: &str, subject: &str) -> Result<ChartScene> {
        let case: CaseId = case.parse()?;
        let subject: PersonId = subject.parse()?;
        let view = self.case_view(&case)?;
        let Some(person) = view.people.iter().find(|p| p.id == subject) else {
            return Err(ApiError::Invalid(hearth_core::CoreError::NotInCase(
                format!("person {subject} is not in this case"),
            )));
        };
        let (subjects, ratings) = view.analytics_inputs(None);
        let outcomes = analytics::case_outcomes(&subjects, &ratings, &self.measures)?;
        let series = outcomes
            .subjects
            .into_iter()
            .find(|s| s.person == subject)
            .unwrap_or_else(|| SubjectOutcomes {
                person: subject.clone(),
                name: person.name.clone(),
                series: Vec::new(),
            });
        let raters: Vec<RaterLabel> = view
            .people
            .iter()
            .map(|p| RaterLabel {
                person: p.id.clone(),
                name: p.name.clone(),
            })
            .collect();
        let found = self.expected_for(&view, &subject, None)?;
        let expected = match (found.intake, found.curve) {
            (None, _) => ExpectedInput::Missing(ExpectedStatus::NoOwnRating),
            (Some((measure, _)), Ok(curve)) => ExpectedInput::Curve { measure, curve },
            (Some(_), Err(why)) => ExpectedInput::Missing(why.into()),
        };
        Ok(chart::chart_scene(
            &series,
            &raters,
            &self.measures,
            expected,
        ))
    }
}
