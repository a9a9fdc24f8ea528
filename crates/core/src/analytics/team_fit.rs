//! The team view's numbers: how consistently FIT is used and how often closed episodes
//! show reliable or clinically significant change. These are for learning, not for
//! judging people: there is no figure per worker, a worker sees their own caseload and
//! a team manager the team's, and the change shares stay hidden until there are enough
//! closed episodes for them to mean something.

use super::{ReliableChange, Series, case_outcomes};
use crate::case::{CaseView, EpisodeStatus};
use crate::measures::{MeasureSet, Purpose};
use crate::{MemberId, MemberRole};
use serde::Serialize;

/// Whose cases the numbers cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum FitScope {
    /// The cases allocated to this member.
    Own { member: MemberId },
    /// Every case on this device (a team manager's view).
    Team,
}

impl FitScope {
    /// A team manager sees the team; everyone else their own caseload.
    pub fn for_member(member: &MemberId, role: MemberRole) -> FitScope {
        if role == MemberRole::TeamManager {
            FitScope::Team
        } else {
            FitScope::Own {
                member: member.clone(),
            }
        }
    }

    fn includes(&self, case: &CaseView) -> bool {
        match self {
            FitScope::Team => true,
            FitScope::Own { member } => case.allocated_to.as_ref() == Some(member),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamFitSummary {
    pub scope: FitScope,
    /// Families with an open episode.
    pub open_families: usize,
    /// Of those, families whose last meeting has both an outcome and a session rating.
    pub covered_families: usize,
    /// `covered / open`; `None` with no open families.
    pub coverage: Option<f64>,
    /// Closed episodes with at least two outcome ratings of someone (so change can be
    /// measured).
    pub measured_closed_episodes: usize,
    /// Closed episodes without two outcome ratings of anyone.
    pub unmeasured_closed_episodes: usize,
    /// The shares below are shown from this many measured closed episodes.
    pub minimum_episodes: usize,
    /// `None` while hidden (fewer measured episodes than the minimum).
    pub reliable_improvement: Option<Share>,
    pub clinically_significant: Option<Share>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
    pub share: f64,
}

impl Share {
    fn of(count: usize, of: usize) -> Share {
        Share {
            count,
            of,
            share: if of == 0 {
                0.0
            } else {
                count as f64 / of as f64
            },
        }
    }
}

/// The numbers for `scope` over `cases`; shares need `minimum_episodes` measured
/// closed episodes.
pub fn team_fit_summary<'a>(
    cases: impl IntoIterator<Item = &'a CaseView>,
    measures: &MeasureSet,
    scope: FitScope,
    minimum_episodes: usize,
) -> TeamFitSummary {
    let mut open_families = 0;
    let mut covered_families = 0;
    let mut measured = 0;
    let mut unmeasured = 0;
    let mut reliable = 0;
    let mut significant = 0;
    for case in cases.into_iter().filter(|c| scope.includes(c)) {
        if case.episodes.last().map(|e| e.status) == Some(EpisodeStatus::Open) {
            open_families += 1;
            if last_meeting_has_both(case, measures) {
                covered_families += 1;
            }
        }
        for episode in case
            .episodes
            .iter()
            .filter(|e| e.status == EpisodeStatus::Closed)
        {
            match episode_change(case, &episode.id, measures) {
                None => unmeasured += 1,
                Some(change) => {
                    measured += 1;
                    reliable += usize::from(change.reliable_improvement);
                    significant += usize::from(change.clinically_significant);
                }
            }
        }
    }
    let shown = measured >= minimum_episodes && measured > 0;
    TeamFitSummary {
        scope,
        open_families,
        covered_families,
        coverage: (open_families > 0).then(|| covered_families as f64 / open_families as f64),
        measured_closed_episodes: measured,
        unmeasured_closed_episodes: unmeasured,
        minimum_episodes,
        reliable_improvement: shown.then(|| Share::of(reliable, measured)),
        clinically_significant: shown.then(|| Share::of(significant, measured)),
    }
}

/// Whether the open episode's latest meeting has a given outcome rating and a given
/// session rating (a scale recorded as "not given" does not count).
fn last_meeting_has_both(case: &CaseView, measures: &MeasureSet) -> bool {
    let episode = case.episodes.last().map(|e| &e.id);
    let Some(last) = case
        .meetings
        .iter()
        .filter(|m| m.episode.as_ref() == episode)
        .max_by_key(|m| (m.date, m.added_at))
    else {
        return false;
    };
    let purposes: Vec<Purpose> = case
        .ratings
        .iter()
        .filter(|r| r.meeting == last.id && r.current_items().is_some())
        .filter_map(|r| measures.get(&r.measure).ok().map(|m| m.purpose))
        .collect();
    purposes.contains(&Purpose::Outcome) && purposes.contains(&Purpose::Session)
}

struct EpisodeChange {
    reliable_improvement: bool,
    clinically_significant: bool,
}

/// An episode shows change when, for any person rated in it, their main outcome series
/// (their own rating if they gave one, else the first collateral one) does. `None` when
/// nobody has two outcome ratings in the episode.
fn episode_change(
    case: &CaseView,
    episode: &crate::EpisodeId,
    measures: &MeasureSet,
) -> Option<EpisodeChange> {
    let (subjects, ratings) = case.analytics_inputs(Some(episode));
    let outcomes = case_outcomes(&subjects, &ratings, measures).ok()?;
    let mut main: Vec<&Series> = Vec::new();
    for subject in &outcomes.subjects {
        let measurable = |s: &&Series| {
            s.points.len() >= 2
                && measures
                    .get(&s.measure)
                    .is_ok_and(|m| m.purpose == Purpose::Outcome)
        };
        let own = subject
            .series
            .iter()
            .filter(measurable)
            .find(|s| s.rater == subject.person);
        if let Some(series) = own.or_else(|| subject.series.iter().find(measurable)) {
            main.push(series);
        }
    }
    if main.is_empty() {
        return None;
    }
    Some(EpisodeChange {
        reliable_improvement: main
            .iter()
            .any(|s| s.reliable_change == Some(ReliableChange::Improved)),
        clinically_significant: main.iter().any(|s| s.clinically_significant == Some(true)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Episode, Family, Meeting, Person, Rating, RatingVersion};
    use crate::{
        EpisodeId, MeetingId, MeetingKind, PersonId, PersonRole, RatingId, RatingMode, Tenths,
    };
    use chrono::{NaiveDate, TimeZone, Utc};

    fn id16(a: u8, b: u8) -> [u8; 16] {
        let mut bytes = [0; 16];
        bytes[0] = a;
        bytes[1] = b;
        bytes
    }

    fn worker(n: u8) -> MemberId {
        MemberId::from_random(id16(n, 99))
    }

    /// A case builder: one child, episodes of meetings, each meeting a list of
    /// (measure, total tenths or None for "not given").
    struct Build {
        case: CaseView,
        n: u8,
    }

    impl Build {
        fn new(n: u8, allocated: u8) -> Build {
            Build {
                case: CaseView {
                    id: crate::CaseId::from_random(id16(n, 1)),
                    family: Family {
                        name: format!("F{n}"),
                        reference: String::new(),
                    },
                    allocated_to: Some(worker(allocated)),
                    people: vec![Person {
                        id: PersonId::from_random(id16(n, 2)),
                        name: "Child".into(),
                        born: NaiveDate::from_ymd_opt(2014, 1, 1),
                        role: PersonRole::Child,
                        party: true,
                        added_at: 0,
                    }],
                    episodes: Vec::new(),
                    meetings: Vec::new(),
                    ratings: Vec::new(),
                },
                n,
            }
        }

        fn episode(mut self, status: EpisodeStatus, meetings: &[&[(&str, Option<i32>)]]) -> Build {
            let e = self.case.episodes.len() as u8;
            let episode = EpisodeId::from_random(id16(self.n, 10 + e));
            self.case.episodes.push(Episode {
                id: episode.clone(),
                status,
                referred: None,
                opened: None,
                closed: None,
                closing_reason: String::new(),
            });
            let child = self.case.people[0].id.clone();
            for (m, ratings) in meetings.iter().enumerate() {
                let k = self.case.meetings.len() as u8;
                let meeting = MeetingId::from_random(id16(self.n, 100 + k));
                let date =
                    NaiveDate::from_ymd_opt(2025, 1 + k as u32 % 12, 1 + m as u32).expect("date");
                self.case.meetings.push(Meeting {
                    id: meeting.clone(),
                    episode: Some(episode.clone()),
                    date,
                    kind: MeetingKind::Status,
                    present: vec![child.clone()],
                    notes: String::new(),
                    added_at: 0,
                });
                for (measure, total) in ratings.iter() {
                    let r = self.case.ratings.len() as u8;
                    self.case.ratings.push(Rating {
                        id: RatingId::from_random(id16(self.n, 200u8.wrapping_add(r))),
                        meeting: meeting.clone(),
                        date,
                        measure: measure.to_string(),
                        subject: child.clone(),
                        rater: child.clone(),
                        mode: RatingMode::Paper,
                        not_given: total.is_none().then(|| "refused".to_string()),
                        versions: total
                            .map(|t| RatingVersion {
                                items: vec![Tenths(t / 4); 4],
                                reason: None,
                                at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
                                by: None,
                            })
                            .into_iter()
                            .collect(),
                        recorded_by: None,
                        added_at: 0,
                    });
                }
            }
            self
        }
    }

    fn summary(cases: &[CaseView], scope: FitScope, minimum: usize) -> TeamFitSummary {
        team_fit_summary(cases, &MeasureSet::builtin(), scope, minimum)
    }

    const BOTH: &[(&str, Option<i32>)] = &[("CORS", Some(200)), ("CSRS", Some(380))];
    const ORS_ONLY: &[(&str, Option<i32>)] = &[("CORS", Some(200))];
    const SRS_NOT_GIVEN: &[(&str, Option<i32>)] = &[("CORS", Some(200)), ("CSRS", None)];

    #[test]
    fn coverage_counts_open_families_whose_last_meeting_has_both_scales() {
        let cases = [
            Build::new(1, 1)
                .episode(EpisodeStatus::Open, &[ORS_ONLY, BOTH])
                .case,
            // Both at the first meeting but not at the last: not covered.
            Build::new(2, 1)
                .episode(EpisodeStatus::Open, &[BOTH, ORS_ONLY])
                .case,
            // An SRS recorded as not given does not count.
            Build::new(3, 1)
                .episode(EpisodeStatus::Open, &[SRS_NOT_GIVEN])
                .case,
            // No meeting yet: open, not covered.
            Build::new(4, 1).episode(EpisodeStatus::Open, &[]).case,
            // Closed families are not in the coverage.
            Build::new(5, 1)
                .episode(EpisodeStatus::Closed, &[BOTH])
                .case,
        ];
        let s = summary(&cases, FitScope::Team, 1);
        assert_eq!((s.open_families, s.covered_families), (4, 1));
        assert_eq!(s.coverage, Some(0.25));
    }

    #[test]
    fn no_open_families_means_no_coverage_figure_rather_than_zero() {
        let cases = [Build::new(1, 1)
            .episode(EpisodeStatus::Closed, &[BOTH])
            .case];
        assert_eq!(summary(&cases, FitScope::Team, 1).coverage, None);
    }

    fn closed(n: u8, first: i32, last: i32) -> CaseView {
        Build::new(n, 1)
            .episode(
                EpisodeStatus::Closed,
                &[&[("CORS", Some(first))], &[("CORS", Some(last))]],
            )
            .case
    }

    #[test]
    fn change_shares_count_measured_closed_episodes() {
        let cases = [
            // +6: reliable; 20 -> 34 crosses the cut-off of 32 too: clinically significant.
            closed(1, 200, 340),
            // +6 but stays below 32: reliable only.
            closed(2, 200, 260),
            // +2: neither.
            closed(3, 200, 220),
            // One rating only: not measured.
            Build::new(4, 1)
                .episode(EpisodeStatus::Closed, &[ORS_ONLY])
                .case,
        ];
        let s = summary(&cases, FitScope::Team, 3);
        assert_eq!(
            (s.measured_closed_episodes, s.unmeasured_closed_episodes),
            (3, 1)
        );
        let reliable = s.reliable_improvement.expect("shown at the minimum");
        assert_eq!((reliable.count, reliable.of), (2, 3));
        let significant = s.clinically_significant.expect("shown");
        assert_eq!((significant.count, significant.of), (1, 3));
    }

    #[test]
    fn shares_stay_hidden_below_the_minimum() {
        let cases = [closed(1, 200, 340), closed(2, 200, 260)];
        let s = summary(&cases, FitScope::Team, 3);
        assert_eq!(s.measured_closed_episodes, 2);
        assert_eq!(s.reliable_improvement, None);
        assert_eq!(s.clinically_significant, None);
    }

    #[test]
    fn a_worker_sees_their_own_cases_and_a_manager_the_team() {
        let cases = [
            Build::new(1, 1).episode(EpisodeStatus::Open, &[BOTH]).case,
            Build::new(2, 2)
                .episode(EpisodeStatus::Open, &[ORS_ONLY])
                .case,
            Build::new(3, 2)
                .episode(EpisodeStatus::Open, &[ORS_ONLY])
                .case,
        ];
        let own = FitScope::for_member(&worker(1), MemberRole::SocialWorker);
        let s = summary(&cases, own, 1);
        assert_eq!((s.open_families, s.covered_families), (1, 1));
        let team = FitScope::for_member(&worker(1), MemberRole::TeamManager);
        assert_eq!(team, FitScope::Team);
        let s = summary(&cases, team, 1);
        assert_eq!((s.open_families, s.covered_families), (3, 1));
    }
}
