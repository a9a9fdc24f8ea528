//! The case document's rules: what is accepted, what is refused (and that a refusal
//! changes nothing), and how corrections and episodes behave.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase, NewMeeting, NewPerson, NewRating, RatingGiven};
use hearth_core::measures::MeasureSet;
use hearth_core::team::DeviceId;
use hearth_core::{
    CaseId, CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId,
    RatingMode, Tenths,
};

struct Fixture {
    doc: CaseDoc,
    measures: MeasureSet,
    me: MemberId,
    today: NaiveDate,
    now: DateTime<Utc>,
    next: u8,
}

impl Fixture {
    fn new() -> Fixture {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let today = now.date_naive();
        let actor = DeviceId::from_random([7; 16]).actor([1; 8]);
        let me = MemberId::from_random([9; 16]);
        let doc = CaseDoc::create(
            NewCase {
                id: CaseId::from_random([1; 16]),
                first_episode: EpisodeId::from_random([2; 16]),
                family_name: "Østergård".into(),
                reference: Some("R-1".into()),
                allocated_to: me.clone(),
            },
            &actor,
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
            now,
        )
        .unwrap();
        Fixture {
            doc,
            measures: MeasureSet::builtin(),
            me,
            today,
            now,
            next: 10,
        }
    }

    fn bytes(&mut self) -> [u8; 16] {
        self.next += 1;
        [self.next; 16]
    }

    fn person(&mut self, name: &str, role: PersonRole, born: Option<&str>) -> PersonId {
        let id = PersonId::from_random(self.bytes());
        self.doc
            .add_person(
                NewPerson {
                    id,
                    name: name.into(),
                    role,
                    born: born.map(|b| b.parse().unwrap()),
                    party: None,
                },
                self.today,
                self.now,
            )
            .unwrap()
    }

    fn meeting(&mut self, date: &str, kind: MeetingKind) -> MeetingId {
        let id = MeetingId::from_random(self.bytes());
        self.doc
            .add_meeting(
                NewMeeting {
                    id,
                    date: date.parse().unwrap(),
                    kind,
                    present: vec![],
                    notes: String::new(),
                },
                self.today,
                self.now,
            )
            .unwrap()
    }

    fn rate(
        &mut self,
        meeting: &MeetingId,
        measure: &str,
        subject: &PersonId,
        rater: Option<&PersonId>,
        items: &[&str],
    ) -> Result<(RatingId, Vec<String>), CoreError> {
        let id = RatingId::from_random(self.bytes());
        let warnings = self.doc.record_rating(
            NewRating {
                id: id.clone(),
                meeting: meeting.clone(),
                measure: measure.into(),
                subject: subject.clone(),
                rater: rater.cloned(),
                given: RatingGiven::Items {
                    values: items.iter().map(|s| s.to_string()).collect(),
                    mode: RatingMode::Paper,
                },
            },
            &self.measures,
            &self.me,
            self.now,
        )?;
        Ok((id, warnings))
    }
}

#[test]
fn a_rating_is_recorded_with_its_values_rater_and_mode() {
    let mut f = Fixture::new();
    let child = f.person("Ida Østergård", PersonRole::Child, Some("2016-03-01"));
    let mother = f.person("Mette Østergård", PersonRole::Parent, Some("1988-05-05"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    let (id, warnings) = f
        .rate(&m, "ORS", &child, Some(&mother), &["4.5", "6", "3.2", "5"])
        .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let view = f.doc.view().unwrap();
    let r = view.ratings.iter().find(|r| r.id == id).unwrap();
    assert_eq!(r.rater, mother);
    assert_eq!(r.subject, child);
    assert_eq!(r.mode, RatingMode::Paper);
    assert_eq!(r.current_total(), Some(Tenths(187)));
    assert_eq!(r.date, "2026-02-01".parse::<NaiveDate>().unwrap());
}

#[test]
fn the_rater_defaults_to_the_subject() {
    let mut f = Fixture::new();
    let child = f.person("Ida", PersonRole::Child, Some("2016-03-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    let (id, _) = f
        .rate(&m, "CORS", &child, None, &["5", "5", "5", "5"])
        .unwrap();
    let view = f.doc.view().unwrap();
    assert_eq!(
        view.ratings.iter().find(|r| r.id == id).unwrap().rater,
        child
    );
}

#[test]
fn bad_ratings_are_refused_and_change_nothing() {
    let mut f = Fixture::new();
    let child = f.person("Ida", PersonRole::Child, Some("2016-03-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    let before = f.doc.save();
    let stranger = PersonId::from_random([200; 16]);
    let cases: Vec<(&str, &PersonId, Vec<&str>, &str)> = vec![
        ("ORS", &child, vec!["11", "5", "5", "5"], "outside"),
        ("ORS", &child, vec!["x", "5", "5", "5"], "not a number"),
        ("ORS", &child, vec!["5", "5", "5"], "4 items"),
        ("ORS", &child, vec!["5", "5", "5", "5", "5"], "4 items"),
        ("XYZ", &child, vec!["5", "5", "5", "5"], "unknown measure"),
        (
            "ORS",
            &stranger,
            vec!["5", "5", "5", "5"],
            "not in this case",
        ),
        ("ORS", &child, vec!["-1", "5", "5", "5"], "not a number"),
        ("ORS", &child, vec!["5.55", "5", "5", "5"], "not a number"),
    ];
    for (measure, subject, items, expected) in cases {
        let err = f
            .rate(&m, measure, subject, None, &items)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{measure} {items:?}: {err}");
    }
    assert_eq!(
        f.doc.save(),
        before,
        "a refused rating changed the document"
    );
    assert!(f.doc.view().unwrap().ratings.is_empty());
}

#[test]
fn a_measure_meant_for_another_age_warns_and_says_which() {
    let mut f = Fixture::new();
    let adult = f.person("Torben", PersonRole::Parent, Some("1990-01-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    let (_, warnings) = f
        .rate(&m, "CORS", &adult, None, &["5", "5", "5", "5"])
        .unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("CORS"), "{warnings:?}");
    assert!(warnings[0].contains("36"), "names the age: {warnings:?}");
    assert!(
        warnings[0].contains("ORS"),
        "names the right measure: {warnings:?}"
    );
}

#[test]
fn an_srs_in_a_network_meeting_warns() {
    let mut f = Fixture::new();
    let adult = f.person("Torben", PersonRole::Parent, Some("1990-01-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Network);
    let (_, warnings) = f
        .rate(&m, "SRS", &adult, None, &["9", "9", "9", "9"])
        .unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("network")),
        "{warnings:?}"
    );
}

#[test]
fn the_same_rating_twice_at_one_meeting_is_refused_in_favour_of_a_correction() {
    let mut f = Fixture::new();
    let child = f.person("Ida", PersonRole::Child, Some("2016-03-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    f.rate(&m, "CORS", &child, None, &["5", "5", "5", "5"])
        .unwrap();
    let err = f
        .rate(&m, "CORS", &child, None, &["6", "5", "5", "5"])
        .unwrap_err();
    assert!(err.to_string().contains("correct"), "{err}");
}

#[test]
fn a_correction_is_a_new_version_with_a_reason_and_history_keeps_all() {
    let mut f = Fixture::new();
    let child = f.person("Ida", PersonRole::Child, Some("2016-03-01"));
    let m = f.meeting("2026-02-01", MeetingKind::Status);
    let (id, _) = f
        .rate(&m, "CORS", &child, None, &["5", "5", "5", "5"])
        .unwrap();
    let later = f.now + chrono::Duration::minutes(5);
    let values: Vec<String> = ["5", "7", "5", "5"].iter().map(|s| s.to_string()).collect();
    f.doc
        .correct_rating(
            &id,
            &values,
            "typed 5 for 7 from paper",
            &f.measures,
            &f.me,
            later,
        )
        .unwrap();
    let view = f.doc.view().unwrap();
    let r = view.ratings.iter().find(|r| r.id == id).unwrap();
    assert_eq!(r.versions.len(), 2);
    assert_eq!(r.versions[0].items, vec![Tenths(50); 4]);
    assert_eq!(r.current_total(), Some(Tenths(220)));
    assert_eq!(
        r.versions[1].reason.as_deref(),
        Some("typed 5 for 7 from paper")
    );

    // No reason, or nothing changed: refused.
    assert!(
        f.doc
            .correct_rating(&id, &values, " ", &f.measures, &f.me, later)
            .is_err()
    );
    assert!(
        f.doc
            .correct_rating(&id, &values, "again", &f.measures, &f.me, later)
            .is_err()
    );
}

#[test]
fn future_dates_are_refused() {
    let mut f = Fixture::new();
    let err = f
        .doc
        .add_meeting(
            NewMeeting {
                id: MeetingId::from_random([99; 16]),
                date: "2026-11-24".parse().unwrap(),
                kind: MeetingKind::Status,
                present: vec![],
                notes: String::new(),
            },
            f.today,
            f.now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("future"), "{err}");
    let err = f
        .doc
        .add_person(
            NewPerson {
                id: PersonId::from_random([98; 16]),
                name: "Baby".into(),
                role: PersonRole::Child,
                born: Some("2027-01-01".parse().unwrap()),
                party: None,
            },
            f.today,
            f.now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("future"), "{err}");
}

#[test]
fn present_people_must_belong_to_the_case() {
    let mut f = Fixture::new();
    let err = f
        .doc
        .add_meeting(
            NewMeeting {
                id: MeetingId::from_random([99; 16]),
                date: "2026-02-01".parse().unwrap(),
                kind: MeetingKind::Status,
                present: vec![PersonId::from_random([42; 16])],
                notes: String::new(),
            },
            f.today,
            f.now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("not in this case"), "{err}");
}

#[test]
fn a_closed_case_takes_no_meetings_until_a_re_referral_opens_a_new_episode() {
    let mut f = Fixture::new();
    f.doc
        .close_episode(
            "2026-06-01".parse().unwrap(),
            "goals reached",
            f.today,
            f.now,
        )
        .unwrap();
    let err = f
        .doc
        .add_meeting(
            NewMeeting {
                id: MeetingId::from_random([99; 16]),
                date: "2026-07-01".parse().unwrap(),
                kind: MeetingKind::Status,
                present: vec![],
                notes: String::new(),
            },
            f.today,
            f.now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    f.doc
        .open_episode(
            &EpisodeId::from_random([77; 16]),
            "2026-09-01".parse().unwrap(),
            f.today,
            f.now,
        )
        .unwrap();
    let view = f.doc.view().unwrap();
    assert_eq!(view.episodes.len(), 2);
    assert_eq!(view.episodes[0].closing_reason, "goals reached");
    f.meeting("2026-09-02", MeetingKind::Status);
}

#[test]
fn outcomes_cover_only_the_current_episode() {
    let mut f = Fixture::new();
    let adult = f.person("Torben", PersonRole::Parent, Some("1990-01-01"));
    let m1 = f.meeting("2026-02-01", MeetingKind::Status);
    f.rate(&m1, "ORS", &adult, None, &["2", "2", "2", "2"])
        .unwrap();
    f.doc
        .close_episode(
            "2026-06-01".parse().unwrap(),
            "goals reached",
            f.today,
            f.now,
        )
        .unwrap();
    f.doc
        .open_episode(
            &EpisodeId::from_random([77; 16]),
            "2026-09-01".parse().unwrap(),
            f.today,
            f.now,
        )
        .unwrap();
    let m2 = f.meeting("2026-09-02", MeetingKind::Status);
    f.rate(&m2, "ORS", &adult, None, &["6", "6", "6", "6"])
        .unwrap();
    let view = f.doc.view().unwrap();
    let (_, ratings) = view.analytics_inputs(None);
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0].meeting, m2);
    let (_, first) = view.analytics_inputs(Some(&view.episodes[0].id));
    assert_eq!(first[0].meeting, m1);
}

#[test]
fn a_saved_case_loads_back_identical() {
    let mut f = Fixture::new();
    let child = f.person("Łucja Wiśniewska", PersonRole::Child, Some("2015-04-04"));
    let m = f.meeting("2026-02-01", MeetingKind::ChildInterview);
    f.rate(&m, "CORS", &child, None, &["5", "5", "5", "5"])
        .unwrap();
    let actor = DeviceId::from_random([8; 16]).actor([2; 8]);
    let full = f.doc.save();
    let loaded = CaseDoc::load([full.as_slice()], &actor).unwrap();
    assert_eq!(loaded.view().unwrap(), f.doc.view().unwrap());
    assert!(CaseDoc::load([b"garbage".as_slice()], &actor).is_err());
}

#[test]
fn after_loading_only_new_changes_are_saved_incrementally() {
    let mut f = Fixture::new();
    for i in 0..20 {
        f.person(&format!("Person {i}"), PersonRole::Relative, None);
    }
    let full = f.doc.save();
    let actor = DeviceId::from_random([8; 16]).actor([2; 8]);
    let mut loaded = CaseDoc::load([full.as_slice()], &actor).unwrap();
    loaded
        .set_meeting_notes(&MeetingId::from_random([1; 16]), "x", f.now)
        .unwrap_err();
    loaded
        .add_person(
            NewPerson {
                id: PersonId::from_random([250; 16]),
                name: "Late arrival".into(),
                role: PersonRole::Child,
                born: None,
                party: None,
            },
            f.today,
            f.now,
        )
        .unwrap();
    let increment = loaded.save_incremental();
    assert!(
        increment.len() * 4 < full.len(),
        "an increment of one edit ({} bytes) rewrote the history ({} bytes)",
        increment.len(),
        full.len()
    );
    assert!(
        loaded.save_incremental().is_empty(),
        "nothing new, nothing saved"
    );
    let again = CaseDoc::load([full.as_slice(), increment.as_slice()], &actor).unwrap();
    assert_eq!(again.view().unwrap(), loaded.view().unwrap());
}
