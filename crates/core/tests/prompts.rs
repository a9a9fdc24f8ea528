//! Drift prompts: each fires exactly at its threshold (day N, not day N-1), with the
//! defaults and with a team's own thresholds, and none ever blocks an action.

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate, TimeZone, Utc};
use hearth_core::case::{
    CaseDoc, CaseView, Episode, EpisodeStatus, Family, Meeting, NewCase, NewMeeting, Rating,
    RatingVersion,
};
use hearth_core::casework::{
    Decision, Goal, PlanFields, PlanReviewView, PlanView, ReviewFields, SignOffStatus,
    SupervisionFields, SupervisionView,
};
use hearth_core::measures::MeasureSet;
use hearth_core::prompts::{DriftSettings, Prompt, PromptLevel, drift_prompts};
use hearth_core::team::DeviceId;
use hearth_core::{
    CaseId, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PlanId, PlanReviewId, RatingId,
    RatingMode, SupervisionId, Tenths,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn days(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_add_days(Days::new(n)).unwrap()
}

fn before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap()
}

fn months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap()
}

const OPENED: &str = "2025-01-10";

struct Case {
    view: CaseView,
    plans: Vec<PlanView>,
    supervisions: Vec<SupervisionView>,
    next: u8,
}

impl Case {
    fn new() -> Case {
        Case {
            view: CaseView {
                id: CaseId::from_random([1; 16]),
                family: Family {
                    name: "Test".into(),
                    reference: String::new(),
                },
                allocated_to: None,
                people: Vec::new(),
                episodes: vec![Episode {
                    id: EpisodeId::from_random([2; 16]),
                    status: EpisodeStatus::Open,
                    referred: Some(d(OPENED)),
                    opened: Some(d(OPENED)),
                    closed: None,
                    closing_reason: String::new(),
                }],
                meetings: Vec::new(),
                ratings: Vec::new(),
            },
            plans: Vec::new(),
            supervisions: Vec::new(),
            next: 10,
        }
    }

    fn bytes(&mut self) -> [u8; 16] {
        self.next += 1;
        [self.next; 16]
    }

    fn meeting(&mut self, date: NaiveDate, kind: MeetingKind) -> MeetingId {
        let id = MeetingId::from_random(self.bytes());
        self.view.meetings.push(Meeting {
            id: id.clone(),
            episode: Some(self.view.episodes[0].id.clone()),
            date,
            kind,
            present: Vec::new(),
            notes: String::new(),
            added_at: 0,
        });
        self.view.meetings.sort_by_key(|m| m.date);
        id
    }

    fn rating(&mut self, meeting: &MeetingId, measure: &str, given: bool) {
        let date = self
            .view
            .meetings
            .iter()
            .find(|m| &m.id == meeting)
            .unwrap()
            .date;
        let person = PersonId::from_random([3; 16]);
        let id = RatingId::from_random(self.bytes());
        self.view.ratings.push(Rating {
            id,
            meeting: meeting.clone(),
            date,
            measure: measure.into(),
            subject: person.clone(),
            rater: person,
            mode: RatingMode::Paper,
            not_given: (!given).then(|| "family declined".to_string()),
            versions: if given {
                vec![RatingVersion {
                    items: vec![Tenths(50); 4],
                    reason: None,
                    at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
                    by: None,
                }]
            } else {
                Vec::new()
            },
            recorded_by: None,
            added_at: 0,
        });
    }

    fn plan(&mut self, date: NaiveDate, reviews: &[NaiveDate]) {
        let reviews = reviews
            .iter()
            .map(|r| PlanReviewView {
                id: PlanReviewId::from_random(self.bytes()),
                fields: ReviewFields {
                    date: *r,
                    attended_people: Vec::new(),
                    attended_members: Vec::new(),
                    progress: Vec::new(),
                    changes: String::new(),
                    next_review: days(*r, 60),
                },
                recorded_by: None,
                added_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            })
            .collect();
        let id = PlanId::from_random(self.bytes());
        self.plans.push(PlanView {
            id,
            fields: PlanFields {
                date,
                goals: vec![Goal {
                    goal: "g".into(),
                    actions: Vec::new(),
                    who_helps: String::new(),
                    success: String::new(),
                }],
                risks: Vec::new(),
                child_views: String::new(),
                review_date: days(date, 60),
            },
            recorded_by: None,
            added_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            reviews,
            next_review: days(date, 60),
        });
    }

    fn supervision(&mut self, date: NaiveDate, with_decision: bool) {
        let chair = MemberId::from_random([4; 16]);
        let id = SupervisionId::from_random(self.bytes());
        self.supervisions.push(SupervisionView {
            id,
            fields: SupervisionFields {
                date,
                chair,
                attended: Vec::new(),
                sent_summary: Vec::new(),
                progress: BTreeMap::new(),
                cycle_of_change: "reflection".into(),
                child_views: String::new(),
                parent_views: String::new(),
                impact: String::new(),
                plan: String::new(),
                decisions: if with_decision {
                    vec![Decision {
                        decision: "keep open".into(),
                        reason: "work with dad continues".into(),
                    }]
                } else {
                    Vec::new()
                },
                rag: None,
            },
            recorded_by: None,
            added_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            status: SignOffStatus::Draft,
            finalised: None,
            sign_offs: Vec::new(),
            amendments: Vec::new(),
        });
    }

    fn prompts(&self, settings: &DriftSettings, today: NaiveDate) -> Vec<Prompt> {
        drift_prompts(
            &self.view,
            &self.plans,
            &self.supervisions,
            &MeasureSet::builtin(),
            settings,
            today,
        )
    }

    fn kind(&self, kind: &str, settings: &DriftSettings, today: NaiveDate) -> Option<Prompt> {
        let mut all: Vec<Prompt> = self
            .prompts(settings, today)
            .into_iter()
            .filter(|p| p.kind == kind)
            .collect();
        assert!(all.len() <= 1, "{kind} twice: {all:?}");
        all.pop()
    }
}

fn custom() -> DriftSettings {
    DriftSettings {
        first_contact_days: 3,
        review_min_weeks: 4,
        review_max_weeks: 8,
        reason_after_months: 6,
        reason_valid_months: 2,
        reflective_review_months: 10,
        unrated_meetings: 3,
    }
}

/// `kind` is absent the day before `day` and present, dated `day`, on it.
fn fires_at(case: &Case, kind: &str, settings: &DriftSettings, day: NaiveDate) -> Prompt {
    assert_eq!(
        case.kind(kind, settings, before(day)),
        None,
        "{kind} the day before {day}"
    );
    let p = case
        .kind(kind, settings, day)
        .unwrap_or_else(|| panic!("{kind} missing on {day}"));
    assert_eq!(p.since, day, "{kind}");
    assert_eq!(p.case, case.view.id);
    assert!(!p.message.is_empty() && !p.message.contains('\n'));
    p
}

#[test]
fn defaults_are_the_documented_ones() {
    let s = DriftSettings::default();
    assert_eq!(
        (
            s.first_contact_days,
            s.review_min_weeks,
            s.review_max_weeks,
            s.reason_after_months,
            s.reason_valid_months,
            s.reflective_review_months,
            s.unrated_meetings
        ),
        (5, 6, 12, 9, 3, 12, 2)
    );
    s.validate().unwrap();
    custom().validate().unwrap();
    let mut bad = custom();
    bad.review_min_weeks = 9;
    assert!(bad.validate().is_err());
    bad = custom();
    bad.first_contact_days = 0;
    assert!(bad.validate().is_err());
}

#[test]
fn first_contact_fires_on_day_n_without_a_meeting() {
    let case = Case::new();
    for s in [DriftSettings::default(), custom()] {
        let day = days(d(OPENED), s.first_contact_days.into());
        fires_at(&case, "first_contact", &s, day);
    }
}

#[test]
fn first_contact_on_day_n_minus_1_is_in_time_and_on_day_n_is_late() {
    for s in [DriftSettings::default(), custom()] {
        let n: u64 = s.first_contact_days.into();
        let far = d("2025-01-30");
        let mut in_time = Case::new();
        in_time.meeting(days(d(OPENED), n - 1), MeetingKind::Assessment);
        assert_eq!(in_time.kind("first_contact", &s, far), None);
        let mut late = Case::new();
        late.meeting(days(d(OPENED), n), MeetingKind::Assessment);
        let p = late.kind("first_contact", &s, far).unwrap();
        assert_eq!(p.since, days(d(OPENED), n));
        assert_eq!(p.level, PromptLevel::Prompt);
    }
}

#[test]
fn plan_review_note_and_prompt_fire_at_min_and_max_weeks() {
    for s in [DriftSettings::default(), custom()] {
        // No plan: counted from the opening.
        let case = Case::new();
        let min = days(d(OPENED), u64::from(s.review_min_weeks) * 7);
        let max = days(d(OPENED), u64::from(s.review_max_weeks) * 7);
        let note = fires_at(&case, "plan_review_due", &s, min);
        assert_eq!(note.level, PromptLevel::Note);
        let p = fires_at(&case, "plan_review_overdue", &s, max);
        assert_eq!(p.level, PromptLevel::Prompt);
        assert_eq!(case.kind("plan_review_due", &s, max), None, "not both");

        // From the latest plan or review.
        let mut case = Case::new();
        let review = d("2025-03-01");
        case.plan(d("2025-01-20"), &[review, d("2025-02-01")]);
        let min = days(review, u64::from(s.review_min_weeks) * 7);
        let max = days(review, u64::from(s.review_max_weeks) * 7);
        fires_at(&case, "plan_review_due", &s, min);
        fires_at(&case, "plan_review_overdue", &s, max);
    }
}

#[test]
fn a_reason_is_needed_past_n_months_and_a_supervision_decision_counts_for_a_while() {
    for s in [DriftSettings::default(), custom()] {
        let case = Case::new();
        fires_at(
            &case,
            "open_without_reason",
            &s,
            months(d(OPENED), s.reason_after_months),
        );

        // A decision with its reason shortly before the threshold postpones it.
        let mut case = Case::new();
        let decided = before(months(d(OPENED), s.reason_after_months));
        case.supervision(decided, true);
        fires_at(
            &case,
            "open_without_reason",
            &s,
            months(decided, s.reason_valid_months),
        );

        // A record without a decision is not a reason.
        let mut case = Case::new();
        case.supervision(decided, false);
        fires_at(
            &case,
            "open_without_reason",
            &s,
            months(d(OPENED), s.reason_after_months),
        );
    }
}

#[test]
fn a_reflective_review_is_needed_past_n_months() {
    for s in [DriftSettings::default(), custom()] {
        let case = Case::new();
        fires_at(
            &case,
            "no_reflective_review",
            &s,
            months(d(OPENED), s.reflective_review_months),
        );
        let mut case = Case::new();
        let reviewed = d("2025-05-05");
        case.supervision(reviewed, false);
        fires_at(
            &case,
            "no_reflective_review",
            &s,
            months(reviewed, s.reflective_review_months),
        );
    }
}

#[test]
fn scales_not_used_at_the_last_n_meetings() {
    let today = d("2025-02-01");
    for s in [DriftSettings::default(), custom()] {
        let n = s.unrated_meetings as usize;
        let mut case = Case::new();
        // One rated meeting, then n - 1 unrated: nothing yet.
        let rated = case.meeting(d("2025-01-12"), MeetingKind::Assessment);
        case.rating(&rated, "ORS", true);
        case.rating(&rated, "SRS", true);
        for i in 0..n - 1 {
            case.meeting(days(d("2025-01-13"), i as u64), MeetingKind::Assessment);
        }
        assert_eq!(case.kind("ors_not_recorded", &s, today), None);
        assert_eq!(case.kind("srs_not_recorded", &s, today), None);
        // The nth unrated meeting: both fire, since the first of the n.
        let m = case.meeting(d("2025-01-25"), MeetingKind::Status);
        // "Not given" counts as not recorded.
        case.rating(&m, "ORS", false);
        case.rating(&m, "SRS", false);
        let ors = case.kind("ors_not_recorded", &s, today).unwrap();
        assert_eq!(ors.since, d("2025-01-13"));
        assert!(case.kind("srs_not_recorded", &s, today).is_some());
    }
}

#[test]
fn child_versions_count_and_network_meetings_do_not_expect_an_srs() {
    let today = d("2025-02-01");
    let s = DriftSettings::default();
    let mut case = Case::new();
    let a = case.meeting(d("2025-01-12"), MeetingKind::Assessment);
    case.rating(&a, "CORS", true);
    case.rating(&a, "CSRS", true);
    let b = case.meeting(d("2025-01-14"), MeetingKind::Network);
    case.rating(&b, "CORS", true);
    let c = case.meeting(d("2025-01-16"), MeetingKind::Network);
    case.rating(&c, "CORS", true);
    // Two network meetings without an SRS: the last non-network meeting had one.
    assert_eq!(case.kind("srs_not_recorded", &s, today), None);
    assert_eq!(case.kind("ors_not_recorded", &s, today), None);
    // One more non-network meeting without an SRS is still only one.
    case.meeting(d("2025-01-18"), MeetingKind::Status);
    assert_eq!(case.kind("srs_not_recorded", &s, today), None);
    assert_eq!(case.kind("ors_not_recorded", &s, today), None);
}

#[test]
fn closed_episodes_have_no_prompts() {
    let mut case = Case::new();
    case.view.episodes[0].status = EpisodeStatus::Closed;
    case.view.episodes[0].closed = Some(d("2025-01-11"));
    assert!(
        case.prompts(&DriftSettings::default(), d("2027-01-01"))
            .is_empty()
    );
}

#[test]
fn an_action_succeeds_while_prompts_fire() {
    let opened = d("2025-01-10");
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let today = now.date_naive();
    let actor = DeviceId::from_random([9; 16]).actor([1; 8]);
    let mut doc = CaseDoc::create(
        NewCase {
            id: CaseId::from_random([1; 16]),
            first_episode: EpisodeId::from_random([2; 16]),
            family_name: "Test".into(),
            reference: None,
            allocated_to: MemberId::from_random([3; 16]),
        },
        &actor,
        opened,
        now,
    )
    .unwrap();
    let prompts = drift_prompts(
        &doc.view().unwrap(),
        &[],
        &[],
        &MeasureSet::builtin(),
        &DriftSettings::default(),
        today,
    );
    let kinds: Vec<&str> = prompts.iter().map(|p| p.kind.as_str()).collect();
    assert!(kinds.contains(&"first_contact"), "{kinds:?}");
    assert!(kinds.contains(&"open_without_reason"), "{kinds:?}");
    // Prompts inform; the worker still records the meeting and can close the case.
    doc.add_meeting(
        NewMeeting {
            id: MeetingId::from_random([5; 16]),
            date: today,
            kind: MeetingKind::Assessment,
            present: Vec::new(),
            notes: String::new(),
        },
        today,
        now,
    )
    .unwrap();
    doc.close_episode(today, "work completed", today, now)
        .unwrap();
    assert_eq!(doc.view().unwrap().meetings.len(), 1);
}

#[test]
fn drift_settings_live_in_the_team_document_and_only_managers_change_them() {
    use hearth_core::team::{NewTeam, TeamDoc};
    use hearth_core::{MemberRole, TeamId};
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let device = DeviceId::from_random([7; 16]);
    let actor = device.actor([1; 8]);
    let tm = MemberId::from_random([1; 16]);
    let sw = MemberId::from_random([2; 16]);
    let mut team = TeamDoc::create(
        NewTeam {
            id: TeamId::from_random([3; 16]),
            name: "FS".into(),
            first_member: tm.clone(),
            member_name: "Manager".into(),
            member_role: MemberRole::TeamManager,
            device,
        },
        &actor,
        now,
    )
    .unwrap();
    team.add_member(&sw, "Worker", MemberRole::SocialWorker, &tm, now)
        .unwrap();
    assert_eq!(
        team.view().unwrap().settings.drift,
        DriftSettings::default()
    );

    let before = team.save();
    assert!(team.set_drift_settings(&custom(), &sw, now).is_err());
    let mut upside_down = custom();
    upside_down.review_min_weeks = 20;
    assert!(team.set_drift_settings(&upside_down, &tm, now).is_err());
    assert_eq!(team.save(), before, "a refused change writes nothing");

    team.set_drift_settings(&custom(), &tm, now).unwrap();
    let saved = team.save();
    let loaded = TeamDoc::load([saved.as_slice()], &actor).unwrap();
    assert_eq!(loaded.view().unwrap().settings.drift, custom());
}
