//! From a case view to the inputs of the outcome analytics: the one bridge, so every
//! consumer gets the same series for the same case.

use super::view::CaseView;
use crate::EpisodeId;
use crate::analytics::{RatingInput, SubjectInput};

impl CaseView {
    /// Subjects and current rating values of one episode (the current one when `None`).
    /// Subjects are the children plus anyone who has been rated; ratings recorded as
    /// "not given" carry no values and are left out of the series.
    pub fn analytics_inputs(
        &self,
        episode: Option<&EpisodeId>,
    ) -> (Vec<SubjectInput>, Vec<RatingInput>) {
        let episode = episode.or(self.episodes.last().map(|e| &e.id));
        let in_episode: std::collections::HashSet<_> = self
            .meetings
            .iter()
            .filter(|m| episode.is_none() || m.episode.as_ref() == episode)
            .map(|m| &m.id)
            .collect();
        let ratings: Vec<RatingInput> = self
            .ratings
            .iter()
            .filter(|r| in_episode.contains(&r.meeting))
            .filter_map(|r| {
                Some(RatingInput {
                    rating: r.id.clone(),
                    meeting: r.meeting.clone(),
                    date: r.date,
                    measure: r.measure.clone(),
                    subject: r.subject.clone(),
                    rater: r.rater.clone(),
                    items: r.current_items()?.to_vec(),
                })
            })
            .collect();
        let subjects = self
            .people
            .iter()
            .filter(|p| p.role.is_child() || ratings.iter().any(|r| r.subject == p.id))
            .map(|p| SubjectInput {
                person: p.id.clone(),
                name: p.name.clone(),
                born: p.born,
                role: p.role,
            })
            .collect();
        (subjects, ratings)
    }
}

impl CaseView {
    /// For local expected-response norms: per closed episode and per subject, the
    /// self-rated totals of `measure` in date order.
    pub fn closed_episode_totals(&self, measure: &str) -> Vec<Vec<crate::Tenths>> {
        use super::view::EpisodeStatus;
        let mut out = Vec::new();
        for episode in self
            .episodes
            .iter()
            .filter(|e| e.status == EpisodeStatus::Closed)
        {
            let meetings: std::collections::HashSet<_> = self
                .meetings
                .iter()
                .filter(|m| m.episode.as_ref() == Some(&episode.id))
                .map(|m| &m.id)
                .collect();
            for person in &self.people {
                let totals: Vec<crate::Tenths> = self
                    .ratings
                    .iter()
                    .filter(|r| meetings.contains(&r.meeting))
                    .filter(|r| r.subject == person.id && r.rater == person.id)
                    .filter(|r| r.measure.eq_ignore_ascii_case(measure))
                    .filter_map(|r| r.current_total())
                    .collect();
                if !totals.is_empty() {
                    out.push(totals);
                }
            }
        }
        out
    }
}
