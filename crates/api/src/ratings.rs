//! Recording, correcting and reading FIT ratings and their outcome numbers.

use hearth_core::analytics::{self, Outcomes};
use hearth_core::case::{NewRating, RatingGiven};
use hearth_core::{CaseId, MeetingId, PersonId, RatingId, RatingMode};
use serde::Serialize;

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

/// A rating as the shells hand it over (strings as typed).
pub struct RateRequest<'a> {
    pub case: &'a str,
    pub meeting: &'a str,
    pub measure: &'a str,
    pub subject: &'a str,
    /// Defaults to the subject.
    pub rater: Option<&'a str>,
    /// Item values as typed; ignored when `not_given` is set.
    pub items: Vec<String>,
    pub mode: Option<&'a str>,
    pub not_given: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Recorded {
    pub rating: RatingId,
    /// Warnings that did not block the rating (e.g. a measure meant for another age).
    pub warnings: Vec<String>,
}

/// The outcome numbers of one case, as `outcomes --json` prints them.
#[derive(Debug, Serialize)]
pub struct CaseOutcomes {
    pub case: CaseId,
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

impl Workspace {
    pub fn rate(&mut self, req: RateRequest<'_>) -> Result<Recorded> {
        let case: CaseId = req.case.parse()?;
        let given = match req.not_given {
            Some(reason) => RatingGiven::NotGiven {
                reason: reason.to_string(),
            },
            None => RatingGiven::Items {
                values: req.items,
                mode: req.mode.unwrap_or("screen").parse::<RatingMode>()?,
            },
        };
        let new = NewRating {
            id: RatingId::from_random(random_bytes()),
            meeting: req.meeting.parse::<MeetingId>()?,
            measure: req.measure.to_string(),
            subject: req.subject.parse::<PersonId>()?,
            rater: req.rater.map(|r| r.parse::<PersonId>()).transpose()?,
            given,
        };
        let id = new.id.clone();
        let (mut doc, base) = self.load_case(&case)?;
        let warnings = doc.record_rating(new, &self.measures, &self.member, self.clock.now())?;
        self.save_case(&case, doc, base)?;
        Ok(Recorded {
            rating: id,
            warnings,
        })
    }

    pub fn correct_rating(
        &mut self,
        case: &str,
        rating: &str,
        items: &[String],
        reason: &str,
    ) -> Result<()> {
        let case: CaseId = case.parse()?;
        let rating: RatingId = rating.parse()?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.correct_rating(
            &rating,
            items,
            reason,
            &self.measures,
            &self.member,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)
    }

    /// Outcome series, change and flags for the case's current episode.
    pub fn outcomes(&self, case: &str) -> Result<CaseOutcomes> {
        let id: CaseId = case.parse()?;
        let view = self.case_view(&id)?;
        let (subjects, ratings) = view.analytics_inputs(None);
        Ok(CaseOutcomes {
            case: id,
            outcomes: analytics::case_outcomes(&subjects, &ratings, &self.measures)?,
        })
    }
}
