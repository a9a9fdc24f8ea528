//! Closure on a case document: the waiting list, the team manager's decision, the
//! closing summary with its FIT numbers and sign-off (which closes the episode), merges
//! into a signed summary, closure letters and re-referral. Every refusal is checked to
//! leave the document byte-for-byte unchanged.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hearth_core::analytics::case_outcomes;
use hearth_core::case::{
    CaseDoc, EpisodeStatus, NewCase, NewMeeting, NewPerson, NewRating, RatingGiven,
};
use hearth_core::casework::{
    ChangeWord, ClosingSummaryFields, Goal, GoalRef, LetterRecipient, LetterSender, PlanFields,
    SignOffStatus, closure_letters,
};
use hearth_core::measures::MeasureSet;
use hearth_core::team::{DeviceId, NewTeam, TeamDoc, TeamView};
use hearth_core::{
    CaseId, CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, MemberRole, PersonId,
    PersonRole, PlanId, RatingId, RatingMode,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Fixture {
    doc: CaseDoc,
    team: TeamView,
    measures: MeasureSet,
    tm: MemberId,
    sw: MemberId,
    bso: MemberId,
    mum: PersonId,
    zofia: PersonId,
    kacper: PersonId,
    plan: PlanId,
    today: NaiveDate,
    now: DateTime<Utc>,
    next: u8,
}

impl Fixture {
    /// A case referred onto the waiting list on 2026-01-05, with a mother and two
    /// children; nothing else yet.
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
                member_name: "Priya Shah".into(),
                member_role: MemberRole::TeamManager,
                device,
            },
            &actor,
            now,
        )
        .unwrap();
        let sw = MemberId::from_random([102; 16]);
        team_doc
            .add_member(&sw, "Bjørn Holm", MemberRole::SocialWorker, &tm, now)
            .unwrap();
        let bso = MemberId::from_random([104; 16]);
        team_doc
            .add_member(&bso, "Sam Lee", MemberRole::BusinessSupport, &tm, now)
            .unwrap();
        let team = team_doc.view().unwrap();
        let mut doc = CaseDoc::create_on_waiting_list(
            NewCase {
                id: CaseId::from_random([1; 16]),
                first_episode: EpisodeId::from_random([2; 16]),
                family_name: "Nowak".into(),
                reference: None,
                allocated_to: sw.clone(),
            },
            &actor,
            d("2026-01-05"),
            today,
            now,
        )
        .unwrap();
        let mut person = |n: u8, name: &str, role: PersonRole, born: &str| {
            let id = PersonId::from_random([n; 16]);
            doc.add_person(
                NewPerson {
                    id: id.clone(),
                    name: name.into(),
                    role,
                    born: Some(d(born)),
                    party: None,
                },
                today,
                now,
            )
            .unwrap();
            id
        };
        let mum = person(3, "Anna Nowak", PersonRole::Parent, "1990-04-02");
        let zofia = person(4, "Zofia Nowak", PersonRole::Child, "2017-06-01");
        let kacper = person(5, "Kacper Nowak", PersonRole::Child, "2012-02-11");
        Fixture {
            doc,
            team,
            measures: MeasureSet::builtin(),
            tm,
            sw,
            bso,
            mum,
            zofia,
            kacper,
            plan: PlanId::from_random([6; 16]),
            today,
            now,
            next: 20,
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

    fn meeting(&mut self, date: &str) -> MeetingId {
        let id = MeetingId::from_random(self.bytes());
        let now = self.tick();
        self.doc
            .add_meeting(
                NewMeeting {
                    id: id.clone(),
                    date: d(date),
                    kind: MeetingKind::CarePlan,
                    present: vec![],
                    notes: String::new(),
                },
                self.today,
                now,
            )
            .unwrap();
        id
    }

    fn rate(&mut self, meeting: &MeetingId, measure: &str, subject: &PersonId, items: &str) {
        let id = RatingId::from_random(self.bytes());
        let now = self.tick();
        let sw = self.sw.clone();
        self.doc
            .record_rating(
                NewRating {
                    id,
                    meeting: meeting.clone(),
                    measure: measure.into(),
                    subject: subject.clone(),
                    rater: None,
                    given: RatingGiven::Items {
                        values: items.split(',').map(str::to_string).collect(),
                        mode: RatingMode::Paper,
                    },
                },
                &self.measures,
                &sw,
                now,
            )
            .unwrap();
    }

    /// Opens the case from the waiting list, adds a plan and three meetings with ORS
    /// ratings of the mother and CORS ratings of Zofia.
    fn open_with_work(&mut self) {
        let now = self.tick();
        self.doc
            .open_from_waiting_list(d("2026-01-20"), self.today, now)
            .unwrap();
        let now = self.tick();
        let plan = self.plan.clone();
        let sw = self.sw.clone();
        self.doc
            .add_plan(
                &plan,
                &PlanFields {
                    date: d("2026-02-01"),
                    goals: vec![
                        Goal {
                            goal: "We want Zofia to feel safe at home".into(),
                            actions: vec![],
                            who_helps: String::new(),
                            success: String::new(),
                        },
                        Goal {
                            goal: "Kacper gets to school on time every day".into(),
                            actions: vec![],
                            who_helps: String::new(),
                            success: String::new(),
                        },
                    ],
                    risks: vec![],
                    child_views: String::new(),
                    review_date: d("2026-04-01"),
                },
                &self.team,
                &sw,
                self.today,
                now,
            )
            .unwrap();
        let (mum, zofia) = (self.mum.clone(), self.zofia.clone());
        let m1 = self.meeting("2026-02-01");
        self.rate(&m1, "ORS", &mum, "4,5,4,5");
        self.rate(&m1, "CORS", &zofia, "5,5,6,5");
        let m2 = self.meeting("2026-05-01");
        self.rate(&m2, "ORS", &mum, "6,6,6,6");
        let m3 = self.meeting("2026-09-01");
        self.rate(&m3, "ORS", &mum, "8,7.5,8,8");
        self.rate(&m3, "CORS", &zofia, "9,9,8.5,9");
    }

    fn decide(&mut self, by: &MemberId, reason: &str) -> Result<(), CoreError> {
        let now = self.tick();
        self.doc
            .record_closure_decision(d("2026-11-01"), reason, &self.team, by, self.today, now)
    }

    fn write(&mut self, by: &MemberId, fields: &ClosingSummaryFields) -> Result<(), CoreError> {
        let now = self.tick();
        self.doc
            .write_closing_summary(fields, &self.measures, &self.team, by, now)
    }

    fn sign(&mut self, by: &MemberId) -> Result<(), CoreError> {
        let now = self.tick();
        self.doc
            .sign_closing_summary(&self.measures, &self.team, by, self.today, now)
    }

    fn summary_fields(&self) -> ClosingSummaryFields {
        ClosingSummaryFields {
            reason: String::new(),
            what_changed: "Anna left the relationship and got an injunction. She goes to the \
                           Freedom Programme every week."
                .into(),
            goals_achieved: "Zofia sleeps in her own bed again.".into(),
            goal_refs: vec![
                GoalRef {
                    plan: self.plan.clone(),
                    goal: 1,
                },
                GoalRef {
                    plan: self.plan.clone(),
                    goal: 2,
                },
            ],
            sustainability_plan: "Anna keeps going to her group. Grandma visits on Sundays.".into(),
            signposting: "Women's Aid helpline: 0808 2000 247.".into(),
            child_views: "Zofia says home is quiet now.".into(),
            family_views: "Anna says she feels stronger.".into(),
        }
    }
}

use hearth_core::TeamId;

fn assert_refused(
    f: &mut Fixture,
    expected: &str,
    op: impl FnOnce(&mut Fixture) -> Result<(), CoreError>,
) {
    let before = f.doc.save();
    let err = op(f).unwrap_err();
    assert!(err.to_string().contains(expected), "{err}");
    assert_eq!(f.doc.save(), before, "a refusal changed the document");
}

#[test]
fn waiting_list_open_decide_write_sign_close_and_re_refer() {
    let mut f = Fixture::new();
    let ep = f.doc.current_episode().unwrap();
    assert_eq!(ep.status, EpisodeStatus::WaitingList);
    assert_eq!(ep.referred, Some(d("2026-01-05")));
    assert_eq!(ep.opened, None);
    let tm = f.tm.clone();
    assert_refused(&mut f, "waiting list", |f| f.decide(&tm, "Goals met"));
    assert_refused(&mut f, "before it was referred", |f| {
        let now = f.tick();
        f.doc.open_from_waiting_list(d("2026-01-01"), f.today, now)
    });

    f.open_with_work();
    let ep = f.doc.current_episode().unwrap();
    assert_eq!(ep.status, EpisodeStatus::Open);
    assert_eq!(ep.opened, Some(d("2026-01-20")));

    // The summary needs the decision first; only a team manager decides.
    let (sw, bso) = (f.sw.clone(), f.bso.clone());
    let fields = f.summary_fields();
    assert_refused(&mut f, "decides the closure before", |f| {
        f.write(&sw, &fields)
    });
    assert_refused(
        &mut f,
        "only a team manager may decide to close a case",
        |f| f.decide(&sw, "Goals met"),
    );
    f.decide(&tm, "The plan's goals are met and the family is settled")
        .unwrap();
    assert_refused(&mut f, "already decided", |f| f.decide(&tm, "again"));
    // Deciding does not close the episode.
    assert_eq!(f.doc.current_episode().unwrap().status, EpisodeStatus::Open);

    // Any practitioner writes; business support does not.
    assert_refused(&mut f, "only a practitioner", |f| f.write(&bso, &fields));
    f.write(&sw, &fields).unwrap();
    let c = f.doc.closure(None, &f.measures).unwrap();
    let s = c.summary.unwrap();
    assert_eq!(s.status, SignOffStatus::Draft);
    assert_eq!(
        s.fields.reason, "The plan's goals are met and the family is settled",
        "an empty reason is the decision's"
    );
    assert_eq!(s.plan_goals.len(), 2);
    assert_eq!(s.plan_goals[0].text, "We want Zofia to feel safe at home");

    // Editable until signed, by the smallest text edit.
    let mut edited = fields.clone();
    edited.family_views = "Anna says she feels stronger and calmer.".into();
    f.write(&sw, &edited).unwrap();
    assert_refused(&mut f, "already exactly this", |f| f.write(&sw, &edited));

    // A social worker may not sign; nothing changes.
    assert_refused(
        &mut f,
        "only a team manager may sign off a closing summary",
        |f| f.sign(&sw),
    );
    assert_eq!(f.doc.current_episode().unwrap().status, EpisodeStatus::Open);

    f.sign(&tm).unwrap();
    let ep = f.doc.current_episode().unwrap();
    assert_eq!(ep.status, EpisodeStatus::Closed);
    assert_eq!(
        ep.closed,
        Some(f.today),
        "closed on the day of the sign-off"
    );
    assert_eq!(
        ep.closing_reason,
        "The plan's goals are met and the family is settled"
    );
    let c = f.doc.closure(None, &f.measures).unwrap();
    let s = c.summary.unwrap();
    assert_eq!(s.status, SignOffStatus::Signed);
    assert_eq!(s.signed.as_ref().unwrap().by, tm);
    assert_eq!(
        s.fields.family_views,
        "Anna says she feels stronger and calmer."
    );
    let message = f
        .doc
        .automerge()
        .get_last_local_change()
        .and_then(|c| c.message().map(str::to_string));
    assert_eq!(message.as_deref(), Some("closing-summary.sign"));

    assert_refused(&mut f, "", |f| f.write(&sw, &edited));
    assert_refused(&mut f, "", |f| f.sign(&tm));

    // A re-referral opens a new episode of the same case; the old closure stays.
    let old = ep.id.clone();
    let new = EpisodeId::from_random([50; 16]);
    let now = f.tick();
    f.doc.open_episode(&new, f.today, f.today, now).unwrap();
    let eps = f.doc.view().unwrap().episodes;
    assert_eq!(eps.len(), 2);
    assert_eq!(eps[1].id, new);
    assert_eq!(eps[1].status, EpisodeStatus::Open);
    let c = f.doc.closure(None, &f.measures).unwrap();
    assert_eq!(c.episode, new);
    assert!(c.decision.is_none() && c.summary.is_none());
    let c = f.doc.closure(Some(&old), &f.measures).unwrap();
    assert_eq!(c.summary.unwrap().status, SignOffStatus::Signed);
    let milestones = f.doc.closure_milestones().unwrap();
    assert_eq!(milestones.len(), 1);
    assert_eq!(milestones[0].episode, old);
    assert_eq!(
        milestones[0].decision.as_ref().unwrap().date,
        d("2026-11-01")
    );
    assert_eq!(milestones[0].summary_written_by.as_ref(), Some(&sw));
    assert_eq!(milestones[0].sign_offs.len(), 1);

    // The child's story tells the referral, the opening and the closure, in order.
    let story: Vec<String> = f
        .doc
        .chronology()
        .unwrap()
        .into_iter()
        .map(|e| e.summary)
        .collect();
    let at = |needle: &str| {
        story
            .iter()
            .position(|s| s.starts_with(needle))
            .unwrap_or_else(|| panic!("{needle:?} missing from {story:?}"))
    };
    assert!(at("Referred (waiting list)") < at("Opened from the waiting list"));
    assert!(at("Opened from the waiting list") < at("Closure decided: The plan's goals"));
    assert!(at("Closure decided") < at("Closing summary signed off"));
    assert!(at("Closing summary signed off") < at("Episode closed"));
}

#[test]
fn a_closed_case_can_be_re_referred_onto_the_waiting_list() {
    let mut f = Fixture::new();
    f.open_with_work();
    let (tm, sw) = (f.tm.clone(), f.sw.clone());
    f.decide(&tm, "Goals met").unwrap();
    let fields = f.summary_fields();
    f.write(&sw, &fields).unwrap();
    f.sign(&tm).unwrap();
    let new = EpisodeId::from_random([51; 16]);
    assert_refused(&mut f, "not on the waiting list", |f| {
        let now = f.tick();
        f.doc.open_from_waiting_list(f.today, f.today, now)
    });
    let now = f.tick();
    f.doc
        .refer_to_waiting_list(&new, f.today, f.today, now)
        .unwrap();
    let ep = f.doc.current_episode().unwrap();
    assert_eq!(
        (ep.id.clone(), ep.status),
        (new.clone(), EpisodeStatus::WaitingList)
    );
    assert_refused(&mut f, "already has an episode", |f| {
        let now = f.tick();
        f.doc
            .refer_to_waiting_list(&EpisodeId::from_random([52; 16]), f.today, f.today, now)
    });
    let now = f.tick();
    f.doc.open_from_waiting_list(f.today, f.today, now).unwrap();
    assert_eq!(f.doc.current_episode().unwrap().status, EpisodeStatus::Open);
}

#[test]
fn the_summary_holds_the_episodes_fit_numbers_from_the_analytics() {
    let mut f = Fixture::new();
    f.open_with_work();
    let (tm, sw) = (f.tm.clone(), f.sw.clone());
    f.decide(&tm, "Goals met").unwrap();
    let fields = f.summary_fields();
    f.write(&sw, &fields).unwrap();
    let c = f.doc.closure(None, &f.measures).unwrap();
    let s = c.summary.unwrap();

    let view = f.doc.view().unwrap();
    let (subjects, ratings) = view.analytics_inputs(Some(&c.episode));
    let expected = case_outcomes(&subjects, &ratings, &f.measures).unwrap();
    let series: Vec<_> = expected
        .subjects
        .iter()
        .flat_map(|s| s.series.iter().map(move |x| (s.person.clone(), x)))
        .collect();
    assert_eq!(s.outcomes.len(), series.len());
    assert!(s.outcomes.len() >= 2);
    for (line, (person, x)) in s.outcomes.iter().zip(&series) {
        assert_eq!(&line.subject, person);
        assert_eq!(line.measure, x.measure);
        assert_eq!(line.rater, x.rater);
        assert_eq!(
            (line.first, line.last, line.change),
            (x.first, x.last, x.change)
        );
        assert_eq!(line.ratings, x.points.len());
        assert_eq!(
            line.reliable_change,
            x.reliable_change.map(ChangeWord::from)
        );
        assert_eq!(line.clinically_significant, x.clinically_significant);
    }
    let ors = s
        .outcomes
        .iter()
        .find(|l| l.measure == "ORS" && l.subject == f.mum)
        .unwrap();
    assert_eq!(ors.reliable_change, Some(ChangeWord::Improved));
    assert_eq!(ors.clinically_significant, Some(true));
    assert_eq!(s.outcomes, s.outcomes_now);
    assert!(!s.outcomes_changed);

    // A later rating shows in the live numbers; the written ones stay until rewritten.
    let mum = f.mum.clone();
    let m = f.meeting("2026-11-10");
    f.rate(&m, "ORS", &mum, "9,9,9,9");
    let s = f.doc.closure(None, &f.measures).unwrap().summary.unwrap();
    assert!(s.outcomes_changed);
    assert_ne!(s.outcomes, s.outcomes_now);
    f.write(&sw, &fields).unwrap();
    let s = f.doc.closure(None, &f.measures).unwrap().summary.unwrap();
    assert_eq!(s.outcomes, s.outcomes_now);
}

#[test]
fn a_change_merged_into_a_signed_summary_shows_as_amended_with_the_signed_version_kept() {
    let mut f = Fixture::new();
    f.open_with_work();
    let (tm, sw) = (f.tm.clone(), f.sw.clone());
    f.decide(&tm, "Goals met").unwrap();
    let fields = f.summary_fields();
    f.write(&sw, &fields).unwrap();

    // Another device has the draft and edits it while this one signs.
    let other = DeviceId::from_random([8; 16]).actor([2; 8]);
    let mut peer = f.doc.fork(&other);
    let mut theirs = fields.clone();
    theirs
        .what_changed
        .push_str(" She also started a college course.");
    let now = f.tick();
    peer.write_closing_summary(&theirs, &f.measures, &f.team, &sw, now)
        .unwrap();

    f.sign(&tm).unwrap();
    let signed = f
        .doc
        .closure(None, &f.measures)
        .unwrap()
        .summary
        .unwrap()
        .signed
        .unwrap();
    f.doc.merge(&mut peer).unwrap();

    let s = f.doc.closure(None, &f.measures).unwrap().summary.unwrap();
    assert_eq!(
        s.status,
        SignOffStatus::AmendedAfterSignOff {
            changes: vec!["what_changed".into()]
        }
    );
    assert!(s.fields.what_changed.ends_with("college course."));
    let kept = s.signed.unwrap();
    assert_eq!(kept, signed);
    let v = kept.signed_value().unwrap();
    assert_eq!(v["what_changed"], fields.what_changed.as_str());
    assert_eq!(
        f.doc.current_episode().unwrap().status,
        EpisodeStatus::Closed
    );
}

#[test]
fn a_reason_resting_on_the_scales_is_refused() {
    let mut f = Fixture::new();
    f.open_with_work();
    let (tm, sw) = (f.tm.clone(), f.sw.clone());
    assert_refused(&mut f, "measures well-being, not risk", |f| {
        f.decide(&tm, "ORS above the cut-off for three sessions")
    });
    f.decide(&tm, "Goals met").unwrap();
    let mut fields = f.summary_fields();
    fields.reason = "Mum's scores are high now".into();
    assert_refused(&mut f, "not risk", |f| f.write(&sw, &fields));
    let mut fields = f.summary_fields();
    fields.goal_refs = vec![GoalRef {
        plan: f.plan.clone(),
        goal: 3,
    }];
    assert_refused(&mut f, "there is no goal 3", |f| f.write(&sw, &fields));
}

#[test]
fn letters_use_first_names_plain_words_and_never_the_scales() {
    let mut f = Fixture::new();
    f.open_with_work();
    let (tm, sw) = (f.tm.clone(), f.sw.clone());
    f.decide(&tm, "Goals met").unwrap();
    let mut fields = f.summary_fields();
    fields.what_changed.push_str(
        " Her ORS went from 18 to 31.5, above the clinical cut-off. We can close because the scores are high.",
    );
    fields.goals_achieved.push_str(" Zofia's CORS is 35.5.");
    f.write(&sw, &fields).unwrap();
    let view = f.doc.view().unwrap();
    let summary = f.doc.closure(None, &f.measures).unwrap().summary.unwrap();
    let letters = closure_letters(
        &view,
        &summary,
        &LetterSender {
            worker: "Bjørn Holm",
            team: "FS North",
        },
    );
    assert!(
        letters.family.starts_with("Dear Anna,"),
        "{}",
        letters.family
    );
    assert!(letters.family.contains("Zofia and Kacper"));
    assert!(
        letters
            .family
            .contains("We want Zofia to feel safe at home.")
    );
    assert!(letters.family.contains("Women's Aid"));
    assert!(letters.family.contains("Bjørn Holm"));
    assert_eq!(letters.children.len(), 2);
    let names: Vec<&str> = letters.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Zofia", "Kacper"]);
    assert_eq!(letters.children[1].person, f.kacper);
    for c in &letters.children {
        assert!(
            c.text.starts_with(&format!("Dear {},", c.name)),
            "{}",
            c.text
        );
        assert!(c.text.contains("Anna"));
        assert!(!c.text.contains("Nowak"), "first names only: {}", c.text);
    }
    let all = std::iter::once(letters.family.as_str())
        .chain(letters.children.iter().map(|c| c.text.as_str()));
    for text in all {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            assert!(
                !["ORS", "CORS", "SRS", "YCORS"].contains(&word),
                "measure named: {text}"
            );
        }
        let lower = text.to_lowercase();
        for banned in [
            "score",
            "cut-off",
            "clinical",
            "31.5",
            "35.5",
            "safeguarding",
            "episode",
        ] {
            assert!(!lower.contains(banned), "{banned:?} in: {text}");
        }
        for sentence in text.split(['.', '\n']) {
            let s = sentence.to_lowercase();
            assert!(
                !(s.contains("close") && (s.contains("high") || s.contains("score"))),
                "a sentence suggests closing because scores are high: {sentence}"
            );
        }
        // Short sentences.
        for sentence in text.split(['.', '!', '?', '\n']) {
            assert!(
                sentence.split_whitespace().count() <= 20,
                "long: {sentence}"
            );
        }
    }

    // The worker saves an edited letter; it is kept as text, edited in place.
    let now = f.tick();
    let mut edited = letters.children[0].text.clone();
    edited.push_str("\nP.S. Good luck with your swimming!");
    let zofia = f.zofia.clone();
    f.doc
        .save_closure_letter(
            &LetterRecipient::Child(zofia.clone()),
            &edited,
            &f.team,
            &sw,
            now,
        )
        .unwrap();
    let bso = f.bso.clone();
    let mum = f.mum.clone();
    assert_refused(&mut f, "only a practitioner", |f| {
        let now = f.tick();
        f.doc
            .save_closure_letter(&LetterRecipient::Family, "x", &f.team, &bso, now)
    });
    assert_refused(&mut f, "not a child", |f| {
        let now = f.tick();
        f.doc
            .save_closure_letter(&LetterRecipient::Child(mum), "x", &f.team, &sw, now)
    });
    let saved = f.doc.closure(None, &f.measures).unwrap().letters;
    assert_eq!(saved.children, vec![(zofia, edited)]);
    assert_eq!(saved.family, None);
}
