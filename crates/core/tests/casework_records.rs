//! The chronology, the consent register and plans on a case document. Every refusal
//! is checked to leave the document byte-for-byte unchanged.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase, NewMeeting, NewPerson, NewRating, RatingGiven};
use hearth_core::casework::{
    ChronologySource, ConsentStatus, Decision, Goal, GoalProgress, NewChronologyEvent, NewConsent,
    NewShareWithoutConsent, NewStage, PlanFields, PlanView, ProblemArea, Rag, ReviewFields, Risk,
    Stage, SupervisionFields,
};
use hearth_core::measures::MeasureSet;
use hearth_core::team::{DeviceId, NewTeam, TeamDoc, TeamView};
use hearth_core::{
    CaseId, ChronologyEventId, ConsentRecordId, CoreError, EpisodeId, MeetingId, MeetingKind,
    MemberId, MemberRole, PersonId, PersonRole, PlanId, PlanReviewId, RatingId, RatingMode,
    StageEntryId, SupervisionId, TeamId,
};

struct Fixture {
    doc: CaseDoc,
    team: TeamView,
    tm: MemberId,
    sw: MemberId,
    bso: MemberId,
    mum: PersonId,
    child: PersonId,
    teacher: PersonId,
    today: NaiveDate,
    now: DateTime<Utc>,
    next: u8,
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

impl Fixture {
    fn new() -> Fixture {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let today = now.date_naive();
        let device = DeviceId::from_random([7; 16]);
        let actor = device.actor([1; 8]);
        let tm = MemberId::from_random([101; 16]);
        let mut team_doc = TeamDoc::create(
            NewTeam {
                id: TeamId::from_random([100; 16]),
                name: "FS North".into(),
                first_member: tm.clone(),
                member_name: "Manager".into(),
                member_role: MemberRole::TeamManager,
                device,
            },
            &actor,
            now,
        )
        .unwrap();
        let mut add = |n: u8, role: MemberRole| {
            let id = MemberId::from_random([n; 16]);
            team_doc
                .add_member(&id, &format!("Member {n}"), role, &tm, now)
                .unwrap();
            id
        };
        let sw = add(102, MemberRole::SocialWorker);
        let bso = add(104, MemberRole::BusinessSupport);
        let team = team_doc.view().unwrap();
        let mut doc = CaseDoc::create(
            NewCase {
                id: CaseId::from_random([1; 16]),
                first_episode: EpisodeId::from_random([2; 16]),
                family_name: "Family".into(),
                reference: None,
                allocated_to: sw.clone(),
            },
            &actor,
            d("2026-01-10"),
            now,
        )
        .unwrap();
        let mut person = |n: u8, name: &str, role: PersonRole| {
            let id = PersonId::from_random([n; 16]);
            doc.add_person(
                NewPerson {
                    id: id.clone(),
                    name: name.into(),
                    role,
                    born: None,
                    party: None,
                },
                today,
                now,
            )
            .unwrap();
            id
        };
        let mum = person(3, "Mum", PersonRole::Parent);
        let child = person(4, "Child", PersonRole::Child);
        let teacher = person(5, "Teacher", PersonRole::Teacher);
        Fixture {
            doc,
            team,
            tm,
            sw,
            bso,
            mum,
            child,
            teacher,
            today,
            now,
            next: 10,
        }
    }

    fn bytes(&mut self) -> [u8; 16] {
        self.next += 1;
        [self.next; 16]
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.now += Duration::minutes(1);
        self.now
    }

    fn event(
        &mut self,
        by: &MemberId,
        date: &str,
        what: &str,
        impact: Option<&str>,
    ) -> Result<ChronologyEventId, CoreError> {
        let id = ChronologyEventId::from_random(self.bytes());
        let now = self.tick();
        self.doc.add_chronology_event(
            NewChronologyEvent {
                id,
                date: d(date),
                what: what.into(),
                source: Some("police notification".into()),
                impact: impact.map(str::to_string),
            },
            &self.team,
            by,
            self.today,
            now,
        )
    }

    fn consent(
        &mut self,
        by: &MemberId,
        person: &PersonId,
        purpose: &str,
        status: ConsentStatus,
        date: &str,
    ) -> Result<ConsentRecordId, CoreError> {
        let id = ConsentRecordId::from_random(self.bytes());
        let now = self.tick();
        self.doc.record_consent(
            NewConsent {
                id,
                person: person.clone(),
                purpose: purpose.into(),
                status,
                date: d(date),
            },
            &self.team,
            by,
            self.today,
            now,
        )
    }

    fn share(
        &mut self,
        by: &MemberId,
        person: &PersonId,
        basis: &str,
        date: &str,
    ) -> Result<ConsentRecordId, CoreError> {
        let id = ConsentRecordId::from_random(self.bytes());
        let now = self.tick();
        self.doc.record_share_without_consent(
            NewShareWithoutConsent {
                id,
                person: person.clone(),
                purpose: "share with police".into(),
                basis: basis.into(),
                date: d(date),
            },
            &self.team,
            by,
            self.today,
            now,
        )
    }

    fn meeting(&mut self, date: &str) -> MeetingId {
        let id = MeetingId::from_random(self.bytes());
        let now = self.tick();
        self.doc
            .add_meeting(
                NewMeeting {
                    id: id.clone(),
                    date: d(date),
                    kind: MeetingKind::CarePlan,
                    present: vec![self.mum.clone(), self.child.clone()],
                    notes: String::new(),
                },
                self.today,
                now,
            )
            .unwrap();
        id
    }

    fn rating(&mut self, meeting: &MeetingId, given: RatingGiven) -> RatingId {
        let id = RatingId::from_random(self.bytes());
        let now = self.tick();
        let sw = self.sw.clone();
        self.doc
            .record_rating(
                NewRating {
                    id: id.clone(),
                    meeting: meeting.clone(),
                    measure: "ORS".into(),
                    subject: self.mum.clone(),
                    rater: None,
                    given,
                },
                &MeasureSet::builtin(),
                &sw,
                now,
            )
            .unwrap();
        id
    }
}

fn last_message(doc: &mut CaseDoc) -> Option<String> {
    doc.automerge()
        .get_last_local_change()
        .and_then(|c| c.message().map(str::to_string))
}

// ---- chronology --------------------------------------------------------------------

#[test]
fn a_new_case_has_only_its_opening_in_the_chronology() {
    let f = Fixture::new();
    let c = f.doc.chronology().unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].source, ChronologySource::EpisodeOpened);
    assert_eq!(c[0].date, d("2026-01-10"));
    assert!(f.doc.consent_register().unwrap().history.is_empty());
}

#[test]
fn events_from_every_source_appear_in_date_order() {
    let mut f = Fixture::new();
    let (sw, tm) = (f.sw.clone(), f.tm.clone());
    let (mum, child) = (f.mum.clone(), f.child.clone());
    let m = f.meeting("2026-03-01");
    let scored = f.rating(
        &m,
        RatingGiven::Items {
            values: vec!["5.0".into(), "6.1".into(), "7.0".into(), "4.3".into()],
            mode: RatingMode::Screen,
        },
    );
    let m2 = f.meeting("2026-03-15");
    f.rating(
        &m2,
        RatingGiven::NotGiven {
            reason: "Mum too upset".into(),
        },
    );
    let hand = f
        .event(
            &sw,
            "2026-02-15",
            "Police called to the home after an argument.",
            Some("Child frightened, missed school next day."),
        )
        .unwrap();
    let now = f.tick();
    let stage_id = StageEntryId::from_random(f.bytes());
    f.doc
        .record_stage(
            NewStage {
                id: stage_id,
                person: mum.clone(),
                problem: ProblemArea::DomesticAbuse,
                stage: Stage::Contemplation,
                date: d("2026-04-01"),
                quote: Some("I want things to change".into()),
            },
            &f.team,
            &sw,
            f.today,
            now,
        )
        .unwrap();
    let sup = SupervisionId::from_random(f.bytes());
    let now = f.tick();
    f.doc
        .add_supervision(
            &sup,
            &SupervisionFields {
                date: d("2026-05-01"),
                chair: tm.clone(),
                attended: vec![tm.clone(), sw.clone()],
                sent_summary: vec![],
                progress: Default::default(),
                cycle_of_change: String::new(),
                child_views: String::new(),
                parent_views: String::new(),
                impact: String::new(),
                plan: String::new(),
                decisions: vec![
                    Decision {
                        decision: "Stay on CP plan".into(),
                        reason: "Too early".into(),
                    },
                    Decision {
                        decision: "Refer to Safer Us".into(),
                        reason: "Mum asked".into(),
                    },
                ],
                rag: Some(Rag::Amber),
            },
            &f.team,
            &tm,
            f.today,
            now,
        )
        .unwrap();
    f.consent(
        &sw,
        &mum,
        "share with school",
        ConsentStatus::Given,
        "2026-01-20",
    )
    .unwrap();
    f.share(&sw, &child, "s47 enquiry", "2026-06-01").unwrap();
    let now = f.tick();
    f.doc
        .close_episode(d("2026-10-01"), "Plan goals met", f.today, now)
        .unwrap();
    let now = f.tick();
    let episode = EpisodeId::from_random(f.bytes());
    f.doc
        .open_episode(&episode, d("2026-11-01"), f.today, now)
        .unwrap();

    let c = f.doc.chronology().unwrap();
    let sources: Vec<(String, ChronologySource)> =
        c.iter().map(|e| (e.date.to_string(), e.source)).collect();
    use ChronologySource::*;
    assert_eq!(
        sources,
        vec![
            ("2026-01-10".into(), EpisodeOpened),
            ("2026-01-20".into(), Consent),
            ("2026-02-15".into(), SignificantEvent),
            ("2026-03-01".into(), Meeting),
            ("2026-03-01".into(), Rating),
            ("2026-03-15".into(), Meeting),
            ("2026-03-15".into(), Rating),
            ("2026-04-01".into(), StageOfChange),
            ("2026-05-01".into(), Supervision),
            ("2026-05-01".into(), SupervisionDecision),
            ("2026-05-01".into(), SupervisionDecision),
            ("2026-06-01".into(), SharedWithoutConsent),
            ("2026-10-01".into(), EpisodeClosed),
            ("2026-11-01".into(), EpisodeOpened),
        ]
    );
    let by_source = |s: ChronologySource| c.iter().filter(move |e| e.source == s);
    let h = by_source(SignificantEvent).next().unwrap();
    assert_eq!(h.record, hand.to_string());
    assert_eq!(
        h.impact.as_deref(),
        Some("Child frightened, missed school next day.")
    );
    assert_eq!(h.information_source.as_deref(), Some("police notification"));
    assert_eq!(h.recorded_by.as_ref(), Some(&sw));
    // Only hand-entered events carry an impact.
    assert!(c.iter().filter(|e| e.impact.is_some()).count() == 1);
    let meeting = by_source(Meeting).next().unwrap();
    assert_eq!(meeting.record, m.to_string());
    assert_eq!(
        meeting.summary,
        "Care plan meeting; present: Mum (parent), Child (child)"
    );
    let ratings: Vec<&str> = by_source(Rating).map(|e| e.summary.as_str()).collect();
    assert_eq!(
        ratings,
        vec![
            "ORS by Mum (parent): total 22.4",
            "ORS by Mum (parent): not given (Mum too upset)"
        ]
    );
    assert_eq!(by_source(Rating).next().unwrap().record, scored.to_string());
    assert!(
        by_source(StageOfChange)
            .next()
            .unwrap()
            .summary
            .contains("domestic-abuse - contemplation")
    );
    let sup_events: Vec<&str> = c
        .iter()
        .filter(|e| e.record == sup.to_string())
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        sup_events,
        vec![
            "Case supervision: RAG amber, 2 decisions (draft)",
            "Decision: Stay on CP plan (because: Too early)",
            "Decision: Refer to Safer Us (because: Mum asked)",
        ]
    );
    assert_eq!(
        by_source(EpisodeClosed).next().unwrap().summary,
        "Episode closed: Plan goals met"
    );
    assert_eq!(
        by_source(EpisodeOpened).nth(1).unwrap().summary,
        "Episode opened (re-referral)"
    );
    assert!(
        by_source(SharedWithoutConsent)
            .next()
            .unwrap()
            .summary
            .contains("legal basis: s47 enquiry")
    );
    // The view round-trips through JSON (what the shells print).
    let json = serde_json::to_string(&c).unwrap();
    let back: Vec<hearth_core::casework::ChronologyEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn same_day_ties_follow_the_documented_order_then_the_order_added() {
    let mut f = Fixture::new();
    let sw = f.sw.clone();
    let second_typed_first = f.event(&sw, "2026-03-01", "B happened", None).unwrap();
    let m = f.meeting("2026-03-01");
    let later = f.event(&sw, "2026-03-01", "A happened", None).unwrap();
    let c = f.doc.chronology().unwrap();
    let records: Vec<&str> = c[1..].iter().map(|e| e.record.as_str()).collect();
    assert_eq!(
        records,
        vec![m.as_str(), second_typed_first.as_str(), later.as_str()]
    );
}

#[test]
fn a_hand_entry_in_the_future_or_empty_or_by_business_support_is_refused_and_changes_nothing() {
    let mut f = Fixture::new();
    let (sw, bso) = (f.sw.clone(), f.bso.clone());
    let before = f.doc.save();
    assert!(matches!(
        f.event(&sw, "2026-11-24", "Tomorrow", None),
        Err(CoreError::FutureDate { .. })
    ));
    assert!(matches!(
        f.event(&sw, "2026-11-01", "   ", None),
        Err(CoreError::Invalid(_))
    ));
    match f.event(&bso, "2026-11-01", "Something", None) {
        Err(CoreError::NotPermitted { action, .. }) => {
            assert_eq!(action, "add an event to the chronology")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.doc.save(), before);
    assert_eq!(f.doc.chronology().unwrap().len(), 1);
    // Today is allowed, and commits once under its action name.
    f.event(&sw, "2026-11-23", "Today", None).unwrap();
    assert_eq!(last_message(&mut f.doc).as_deref(), Some("chronology.add"));
}

// ---- consent -----------------------------------------------------------------------

#[test]
fn withdrawal_after_giving_shows_withdrawn_and_keeps_the_history() {
    let mut f = Fixture::new();
    let (sw, mum) = (f.sw.clone(), f.mum.clone());
    let given = f
        .consent(
            &sw,
            &mum,
            "share with school",
            ConsentStatus::Given,
            "2026-02-01",
        )
        .unwrap();
    assert_eq!(last_message(&mut f.doc).as_deref(), Some("consent.record"));
    let reg = f.doc.consent_register().unwrap();
    assert_eq!(
        reg.current_for(&mum, "Share with  SCHOOL").unwrap().status,
        ConsentStatus::Given
    );
    let withdrawn = f
        .consent(
            &sw,
            &mum,
            " Share with school ",
            ConsentStatus::Withdrawn,
            "2026-05-01",
        )
        .unwrap();
    let reg = f.doc.consent_register().unwrap();
    assert_eq!(reg.current.len(), 1);
    let now = reg.current_for(&mum, "share with school").unwrap();
    assert_eq!(now.status, ConsentStatus::Withdrawn);
    assert_eq!(now.record, withdrawn);
    assert_eq!(now.date, d("2026-05-01"));
    let history: Vec<(&ConsentRecordId, ConsentStatus)> =
        reg.history.iter().map(|r| (&r.id, r.status)).collect();
    assert_eq!(
        history,
        vec![
            (&given, ConsentStatus::Given),
            (&withdrawn, ConsentStatus::Withdrawn)
        ]
    );
}

#[test]
fn the_latest_by_date_counts_even_when_entered_earlier() {
    let mut f = Fixture::new();
    let (sw, mum, child) = (f.sw.clone(), f.mum.clone(), f.child.clone());
    f.consent(
        &sw,
        &mum,
        "share with GP",
        ConsentStatus::Given,
        "2026-06-01",
    )
    .unwrap();
    // A refusal from before, typed in afterwards, does not override the later consent.
    f.consent(
        &sw,
        &mum,
        "share with GP",
        ConsentStatus::Refused,
        "2026-03-01",
    )
    .unwrap();
    f.consent(
        &sw,
        &child,
        "share with GP",
        ConsentStatus::Refused,
        "2026-03-01",
    )
    .unwrap();
    let reg = f.doc.consent_register().unwrap();
    assert_eq!(reg.history.len(), 3);
    assert_eq!(reg.history[2].date, d("2026-06-01"));
    let current: Vec<(&PersonId, ConsentStatus)> =
        reg.current.iter().map(|c| (&c.person, c.status)).collect();
    assert_eq!(
        current,
        vec![
            (&mum, ConsentStatus::Given),
            (&child, ConsentStatus::Refused)
        ]
    );
}

#[test]
fn consent_refusals_change_nothing() {
    let mut f = Fixture::new();
    let (sw, bso, mum, teacher) = (
        f.sw.clone(),
        f.bso.clone(),
        f.mum.clone(),
        f.teacher.clone(),
    );
    let before = f.doc.save();
    // Withdrawn before it was ever given.
    assert!(matches!(
        f.consent(
            &sw,
            &mum,
            "share with school",
            ConsentStatus::Withdrawn,
            "2026-05-01"
        ),
        Err(CoreError::Invalid(_))
    ));
    assert!(matches!(
        f.consent(
            &sw,
            &mum,
            "share with school",
            ConsentStatus::Given,
            "2026-12-01"
        ),
        Err(CoreError::FutureDate { .. })
    ));
    assert!(matches!(
        f.consent(&sw, &mum, "  ", ConsentStatus::Given, "2026-05-01"),
        Err(CoreError::Invalid(_))
    ));
    assert!(matches!(
        f.consent(
            &sw,
            &teacher,
            "share with school",
            ConsentStatus::Given,
            "2026-05-01"
        ),
        Err(CoreError::Invalid(_))
    ));
    let stranger = PersonId::from_random([99; 16]);
    assert!(matches!(
        f.consent(
            &sw,
            &stranger,
            "share with school",
            ConsentStatus::Given,
            "2026-05-01"
        ),
        Err(CoreError::NotInCase(_))
    ));
    assert!(matches!(
        f.consent(
            &bso,
            &mum,
            "share with school",
            ConsentStatus::Given,
            "2026-05-01"
        ),
        Err(CoreError::NotPermitted { .. })
    ));
    assert_eq!(f.doc.save(), before);
    // Given later than the withdrawal date does not allow the earlier withdrawal.
    f.consent(
        &sw,
        &mum,
        "share with school",
        ConsentStatus::Given,
        "2026-06-01",
    )
    .unwrap();
    let before = f.doc.save();
    assert!(
        f.consent(
            &sw,
            &mum,
            "share with school",
            ConsentStatus::Withdrawn,
            "2026-05-01"
        )
        .is_err()
    );
    assert_eq!(f.doc.save(), before);
}

#[test]
fn sharing_without_consent_needs_a_legal_basis() {
    let mut f = Fixture::new();
    let (sw, child) = (f.sw.clone(), f.child.clone());
    let before = f.doc.save();
    for basis in ["", "   "] {
        match f.share(&sw, &child, basis, "2026-06-01") {
            Err(CoreError::Invalid(m)) => assert!(m.contains("legal basis"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(f.doc.save(), before);
    let id = f
        .share(
            &sw,
            &child,
            " s47 enquiry: telling the family would increase the risk of harm ",
            "2026-06-01",
        )
        .unwrap();
    assert_eq!(
        last_message(&mut f.doc).as_deref(),
        Some("consent.share-without")
    );
    let reg = f.doc.consent_register().unwrap();
    assert!(reg.current.is_empty(), "a share is not a consent status");
    assert_eq!(reg.shared_without_consent.len(), 1);
    let s = &reg.shared_without_consent[0];
    assert_eq!(s.id, id);
    assert_eq!(
        s.basis,
        "s47 enquiry: telling the family would increase the risk of harm"
    );
    assert_eq!(s.purpose, "share with police");
}

#[test]
fn consent_records_from_two_devices_merge() {
    let mut f = Fixture::new();
    let (sw, mum) = (f.sw.clone(), f.mum.clone());
    f.consent(
        &sw,
        &mum,
        "share with school",
        ConsentStatus::Given,
        "2026-02-01",
    )
    .unwrap();
    let other_actor = DeviceId::from_random([8; 16]).actor([2; 8]);
    let mut other = f.doc.fork(&other_actor);
    let now = f.tick();
    other
        .record_consent(
            NewConsent {
                id: ConsentRecordId::from_random([200; 16]),
                person: mum.clone(),
                purpose: "share with school".into(),
                status: ConsentStatus::Withdrawn,
                date: d("2026-04-01"),
            },
            &f.team,
            &sw,
            f.today,
            now,
        )
        .unwrap();
    f.consent(
        &sw,
        &mum,
        "share with GP",
        ConsentStatus::Refused,
        "2026-03-01",
    )
    .unwrap();
    f.doc.merge(&mut other).unwrap();
    let reg = f.doc.consent_register().unwrap();
    assert_eq!(reg.history.len(), 3);
    assert_eq!(
        reg.current_for(&mum, "share with school").unwrap().status,
        ConsentStatus::Withdrawn
    );
    assert_eq!(
        reg.current_for(&mum, "share with gp").unwrap().status,
        ConsentStatus::Refused
    );
}

// ---- plans and reviews -------------------------------------------------------------

fn plan_fields() -> PlanFields {
    PlanFields {
        date: d("2026-03-01"),
        goals: vec![
            Goal {
                goal: " We want the children to feel safe at home ".into(),
                actions: vec!["Mum attends Safer Us".into(), "  ".into()],
                who_helps: "Domestic-abuse practitioner".into(),
                success: "No police call-outs for three months".into(),
            },
            Goal {
                goal: "Zofia gets to school on time".into(),
                actions: vec![],
                who_helps: String::new(),
                success: String::new(),
            },
        ],
        risks: vec![Risk {
            risk: "Dad returns to the home".into(),
            managed: "Safety plan; Mum calls police".into(),
        }],
        child_views: "I want it to be quiet at night.".into(),
        review_date: d("2026-05-01"),
    }
}

fn review_fields(f: &Fixture) -> ReviewFields {
    ReviewFields {
        date: d("2026-05-01"),
        attended_people: vec![f.mum.clone(), f.child.clone()],
        attended_members: vec![f.sw.clone()],
        progress: vec![
            GoalProgress {
                goal: 2,
                progress: "On time 9 days out of 10".into(),
            },
            GoalProgress {
                goal: 1,
                progress: "Group: 4 of 8 sessions".into(),
            },
        ],
        changes: "Add a goal about bedtime.".into(),
        next_review: d("2026-07-01"),
    }
}

#[test]
fn a_plan_and_its_reviews_round_trip_and_reach_the_chronology() {
    let mut f = Fixture::new();
    let sw = f.sw.clone();
    let plan = PlanId::from_random(f.bytes());
    let now = f.tick();
    f.doc
        .add_plan(&plan, &plan_fields(), &f.team, &sw, f.today, now)
        .unwrap();
    assert_eq!(last_message(&mut f.doc).as_deref(), Some("plan.add"));
    let review = PlanReviewId::from_random(f.bytes());
    let now = f.tick();
    let fields = review_fields(&f);
    f.doc
        .review_plan(&plan, &review, &fields, &f.team, &sw, f.today, now)
        .unwrap();
    assert_eq!(last_message(&mut f.doc).as_deref(), Some("plan.review"));

    let plans = f.doc.plans().unwrap();
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.id, plan);
    assert_eq!(
        p.fields.goals[0].goal,
        "We want the children to feel safe at home"
    );
    assert_eq!(p.fields.goals[0].actions, vec!["Mum attends Safer Us"]);
    assert_eq!(p.fields.risks[0].managed, "Safety plan; Mum calls police");
    assert_eq!(p.fields.child_views, "I want it to be quiet at night.");
    assert_eq!(p.reviews.len(), 1);
    assert_eq!(p.reviews[0].id, review);
    assert_eq!(p.reviews[0].fields, fields);
    assert_eq!(p.next_review, d("2026-07-01"));

    let c = f.doc.chronology().unwrap();
    let plan_events: Vec<(NaiveDate, ChronologySource, &str)> = c
        .iter()
        .filter(|e| {
            matches!(
                e.source,
                ChronologySource::Plan | ChronologySource::PlanReview
            )
        })
        .map(|e| (e.date, e.source, e.summary.as_str()))
        .collect();
    assert_eq!(
        plan_events,
        vec![
            (
                d("2026-03-01"),
                ChronologySource::Plan,
                "Plan agreed: 2 goals, 1 risk, review due 2026-05-01"
            ),
            (
                d("2026-05-01"),
                ChronologySource::PlanReview,
                "Plan review; attended: Mum (parent), Child (child), 1 team member; next review 2026-07-01"
            ),
        ]
    );
    // JSON round trip of the view.
    let back: Vec<PlanView> =
        serde_json::from_str(&serde_json::to_string(&plans).unwrap()).unwrap();
    assert_eq!(back, plans);
}

#[test]
fn invalid_plans_and_reviews_are_refused_and_change_nothing() {
    let mut f = Fixture::new();
    let (sw, bso) = (f.sw.clone(), f.bso.clone());
    let before = f.doc.save();
    let bad_plans: Vec<(PlanFields, &str)> = vec![
        (
            PlanFields {
                goals: vec![],
                ..plan_fields()
            },
            "at least one goal",
        ),
        (
            PlanFields {
                review_date: d("2026-03-01"),
                ..plan_fields()
            },
            "review date must come after",
        ),
        (
            PlanFields {
                date: d("2026-12-01"),
                review_date: d("2027-01-01"),
                ..plan_fields()
            },
            "future",
        ),
        (
            PlanFields {
                risks: vec![Risk {
                    risk: "Dad returns".into(),
                    managed: " ".into(),
                }],
                ..plan_fields()
            },
            "how a risk is managed",
        ),
    ];
    for (fields, expected) in bad_plans {
        let id = PlanId::from_random(f.bytes());
        let now = f.tick();
        let e = f
            .doc
            .add_plan(&id, &fields, &f.team, &sw, f.today, now)
            .unwrap_err();
        assert!(e.to_string().contains(expected), "{e}");
    }
    let id = PlanId::from_random(f.bytes());
    let now = f.tick();
    assert!(matches!(
        f.doc
            .add_plan(&id, &plan_fields(), &f.team, &bso, f.today, now),
        Err(CoreError::NotPermitted { .. })
    ));
    assert_eq!(f.doc.save(), before);

    let plan = PlanId::from_random(f.bytes());
    let now = f.tick();
    f.doc
        .add_plan(&plan, &plan_fields(), &f.team, &sw, f.today, now)
        .unwrap();
    let before = f.doc.save();
    let good = review_fields(&f);
    let bad_reviews: Vec<(ReviewFields, &str)> = vec![
        (
            ReviewFields {
                next_review: d("2026-05-01"),
                ..good.clone()
            },
            "next review date must come after",
        ),
        (
            ReviewFields {
                date: d("2026-02-01"),
                ..good.clone()
            },
            "before the plan",
        ),
        (
            ReviewFields {
                progress: vec![GoalProgress {
                    goal: 3,
                    progress: "x".into(),
                }],
                ..good.clone()
            },
            "no goal 3",
        ),
        (
            ReviewFields {
                progress: vec![
                    GoalProgress {
                        goal: 1,
                        progress: "x".into(),
                    },
                    GoalProgress {
                        goal: 1,
                        progress: "y".into(),
                    },
                ],
                ..good.clone()
            },
            "given twice",
        ),
        (
            ReviewFields {
                attended_people: vec![],
                attended_members: vec![],
                ..good.clone()
            },
            "who attended",
        ),
        (
            ReviewFields {
                attended_people: vec![PersonId::from_random([99; 16])],
                ..good.clone()
            },
            "not in this case",
        ),
        (
            ReviewFields {
                attended_members: vec![MemberId::from_random([98; 16])],
                ..good.clone()
            },
            "not on the team roster",
        ),
    ];
    for (fields, expected) in bad_reviews {
        let id = PlanReviewId::from_random(f.bytes());
        let now = f.tick();
        let e = f
            .doc
            .review_plan(&plan, &id, &fields, &f.team, &sw, f.today, now)
            .unwrap_err();
        assert!(e.to_string().contains(expected), "{expected}: {e}");
    }
    let other = PlanId::from_random([97; 16]);
    let id = PlanReviewId::from_random(f.bytes());
    let now = f.tick();
    assert!(matches!(
        f.doc
            .review_plan(&other, &id, &good, &f.team, &sw, f.today, now),
        Err(CoreError::NotInCase(_))
    ));
    assert_eq!(f.doc.save(), before);
}
