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
