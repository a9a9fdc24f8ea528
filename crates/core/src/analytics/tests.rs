use super::*;
use crate::measures::MeasureSet;
use crate::{CoreError, MeetingId, PersonId, PersonRole, RatingId, Tenths};
use chrono::NaiveDate;

fn person(n: u8) -> PersonId {
    PersonId::from_random([n; 16])
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn subject(n: u8, born: Option<&str>, role: PersonRole) -> SubjectInput {
    SubjectInput {
        person: person(n),
        name: format!("P{n}"),
        born: born.map(d),
        role,
    }
}

/// Four items adding up to `total` tenths.
fn items_for(total: i32) -> Vec<Tenths> {
    let base = total / 4;
    let extra = total % 4;
    (0..4)
        .map(|i| Tenths(base + i32::from(i < extra)))
        .collect()
}

/// A rating by `rater` of `subject`; each rating gets its own meeting.
fn rating(n: u16, date: &str, measure: &str, subject: u8, rater: u8, total: i32) -> RatingInput {
    let [a, b] = n.to_be_bytes();
    RatingInput {
        rating: RatingId::from_random([a, b, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        meeting: MeetingId::from_random([a, b, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        date: d(date),
        measure: measure.into(),
        subject: person(subject),
        rater: person(rater),
        items: items_for(total),
    }
}

/// One self-rated series of `totals` (tenths) on `measure`, a month apart from 2025-01-01.
fn series_of(s: &SubjectInput, measure: &str, totals: &[i32]) -> Series {
    let n = s.person.as_str().as_bytes()[0];
    let ratings: Vec<RatingInput> = totals
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let date = format!("2025-{:02}-01", i + 1);
            let mut r = rating(i as u16, &date, measure, n, n, t);
            r.subject = s.person.clone();
            r.rater = s.person.clone();
            r
        })
        .collect();
    let out = case_outcomes(std::slice::from_ref(s), &ratings, &MeasureSet::builtin())
        .expect("valid case");
    out.subjects[0].series[0].clone()
}

fn adult() -> SubjectInput {
    subject(1, Some("1980-05-05"), PersonRole::Parent)
}

fn t(points: f64) -> Tenths {
    Tenths((points * 10.0).round() as i32)
}

#[test]
fn point_cutoff_follows_age_on_the_rating_date() {
    fn check(measure: &str, age: u32, expected: Option<i32>) {
        // Born 1 March; rated on the birthday itself.
        let born = format!("{}-03-01", 2020 - age as i32);
        let s = subject(7, Some(&born), PersonRole::Child);
        let r = rating(1, "2020-03-01", measure, 7, 7, 200);
        let out = case_outcomes(&[s], &[r], &MeasureSet::builtin()).expect("valid");
        let series = &out.subjects[0].series[0];
        let expected = expected.map(Tenths::from_points);
        assert_eq!(series.points[0].cutoff, expected, "{measure} age {age}");
        assert_eq!(series.cutoff, expected, "{measure} age {age}");
    }
    for (age, cutoff) in [
        (5, None),
        (6, Some(32)),
        (12, Some(32)),
        (13, Some(28)),
        (17, Some(28)),
        (18, Some(25)),
    ] {
        check("ORS", age, cutoff);
        check("CORS", age, cutoff);
        check("YCORS", age, None);
        check("SRS", age, Some(36));
    }
}

#[test]
fn birthday_between_ratings_changes_the_cutoff() {
    let s = subject(3, Some("2012-03-10"), PersonRole::Child);
    let ratings = [
        rating(1, "2025-03-09", "ORS", 3, 3, 200), // 12
        rating(2, "2025-03-10", "ORS", 3, 3, 290), // 13
    ];
    let out = case_outcomes(&[s], &ratings, &MeasureSet::builtin()).expect("valid");
    let series = &out.subjects[0].series[0];
    assert_eq!(series.points[0].cutoff, Some(Tenths(320)));
    assert_eq!(series.points[1].cutoff, Some(Tenths(280)));
    assert_eq!(series.cutoff, Some(Tenths(280)));
    // 20.0 -> 29.0 crosses the latest point's cut-off (28), though not the first's (32).
    assert_eq!(series.clinically_significant, Some(true));
    assert_eq!(series.points[1].below_cutoff, Some(false));
    assert_eq!(series.points[0].below_cutoff, Some(true));
}

#[test]
fn unknown_birth_date_child_has_no_outcome_cutoff_adult_gets_adult_band() {
    fn check(role: PersonRole, measure: &str, expected: Option<i32>) {
        let s = subject(4, None, role);
        let series = series_of(&s, measure, &[200]);
        assert_eq!(
            series.cutoff,
            expected.map(Tenths::from_points),
            "{role} {measure}"
        );
    }
    check(PersonRole::Child, "ORS", None);
    check(PersonRole::Sibling, "CORS", None);
    check(PersonRole::Child, "SRS", Some(36));
    check(PersonRole::Parent, "ORS", Some(25));
    check(PersonRole::Carer, "ORS", Some(25));
    check(PersonRole::Parent, "SRS", Some(36));
}

#[test]
fn reliable_change_at_the_threshold() {
    fn check(totals: &[i32], expected: ReliableChange, change: i32) {
        let series = series_of(&adult(), "ORS", totals);
        assert_eq!(series.reliable_change, Some(expected), "{totals:?}");
        assert_eq!(series.change, Tenths(change), "{totals:?}");
        assert_eq!(series.first, Tenths(totals[0]));
        assert_eq!(series.last, Tenths(*totals.last().expect("points")));
    }
    check(&[200, 250], ReliableChange::Improved, 50);
    check(&[200, 249], ReliableChange::None, 49);
    check(&[200, 150], ReliableChange::Deteriorated, -50);
    check(&[200, 151], ReliableChange::None, -49);
    check(&[200, 300, 249], ReliableChange::None, 49);
    check(&[200], ReliableChange::None, 0);
}

#[test]
fn clinically_significant_change_for_an_adult() {
    fn check(first: f64, last: f64, expected: bool) {
        let series = series_of(&adult(), "ORS", &[t(first).0, t(last).0]);
        assert_eq!(
            series.clinically_significant,
            Some(expected),
            "{first} -> {last}"
        );
    }
    check(24.9, 31.0, true);
    check(25.0, 31.0, false); // first not below the cut-off
    check(20.0, 24.9, false); // does not reach the cut-off
    check(20.0, 25.0, true); // reaching the cut-off exactly counts
    check(21.0, 25.9, false); // crosses, but 4.9 is not reliable
    check(31.0, 20.0, false);
}

#[test]
fn measures_without_cutoff_or_change_rules_give_null() {
    let child = subject(2, Some("2022-01-01"), PersonRole::Child);
    let ycors = series_of(&child, "YCORS", &[100, 300]);
    assert_eq!(ycors.cutoff, None);
    assert_eq!(ycors.clinically_significant, None);
    assert_eq!(ycors.reliable_change, Some(ReliableChange::Improved));
    assert_eq!(ycors.points[0].below_cutoff, None);
    for measure in ["SRS", "CSRS", "YCSRS", "GSRS"] {
        let srs = series_of(&adult(), measure, &[300, 380]);
        assert_eq!(srs.reliable_change, None, "{measure}");
        assert_eq!(srs.clinically_significant, None, "{measure}");
        assert_eq!(
            (srs.first, srs.last, srs.change),
            (Tenths(300), Tenths(380), Tenths(80))
        );
        assert_eq!(srs.cutoff, Some(Tenths(360)));
    }
}

#[test]
fn flags_fire_at_their_edges() {
    fn check(measure: &str, totals: &[i32], expected: &[Flag]) {
        let series = series_of(&adult(), measure, totals);
        assert_eq!(series.flags, expected, "{measure} {totals:?}");
    }
    use Flag::*;
    check("ORS", &[249], &[BelowCutoff]);
    check("ORS", &[250], &[]);
    check("ORS", &[260, 249], &[BelowCutoff]);
    check("ORS", &[300, 310], &[]);
    check("ORS", &[300, 300, 349], &[NotImproving]);
    check("ORS", &[300, 300, 350], &[]);
    check("ORS", &[300, 250], &[Deteriorated]);
    check("ORS", &[300, 251], &[]);
    check(
        "ORS",
        &[300, 300, 240],
        &[BelowCutoff, NotImproving, Deteriorated],
    );
    check("SRS", &[359], &[SrsBelowCutoff]);
    check("SRS", &[360], &[]);
    check("SRS", &[400], &[]);
    check("SRS", &[400, 400], &[SrsAlwaysMax]);
    check("SRS", &[400, 399], &[]);
    check("SRS", &[200, 200, 200], &[SrsBelowCutoff]);
    check("GSRS", &[400, 400, 400], &[SrsAlwaysMax]);
    // A high ORS raises nothing: well-being, not risk.
    check("ORS", &[400, 400, 400], &[NotImproving]);
}

#[test]
fn collateral_raters_get_their_own_series_in_order() {
    let child = subject(1, Some("2015-01-01"), PersonRole::Child);
    let sibling = subject(9, Some("2016-01-01"), PersonRole::Sibling);
    let (mother, teacher) = (5, 6);
    let ratings = [
        rating(1, "2025-02-01", "SRS", 1, 1, 380),
        rating(2, "2025-03-01", "CORS", 1, teacher, 200),
        rating(3, "2025-02-15", "CORS", 1, mother, 210),
        rating(4, "2025-04-01", "CORS", 1, 1, 300),
        rating(5, "2025-02-01", "CORS", 1, 1, 250),
        rating(6, "2025-05-01", "CORS", 1, teacher, 230),
        rating(7, "2025-01-10", "ORS", 1, mother, 220),
    ];
    let out = case_outcomes(&[child, sibling], &ratings, &MeasureSet::builtin()).expect("valid");
    let lines: Vec<(&str, PersonId, usize)> = out.subjects[0]
        .series
        .iter()
        .map(|s| (s.measure.as_str(), s.rater.clone(), s.points.len()))
        .collect();
    assert_eq!(
        lines,
        [
            ("ORS", person(mother), 1),
            ("CORS", person(1), 2),
            ("CORS", person(mother), 1),
            ("CORS", person(teacher), 2),
            ("SRS", person(1), 1),
        ]
    );
    // Unsorted input dates come out in date order.
    let own = &out.subjects[0].series[1];
    assert_eq!(own.points[0].date, d("2025-02-01"));
    assert_eq!((own.first, own.last), (Tenths(250), Tenths(300)));
    assert!(out.subjects[1].series.is_empty());
    assert_eq!(out.subjects[1].name, "P9");
}

#[test]
fn same_day_points_sort_by_meeting_then_input_order() {
    let s = adult();
    let mut a = rating(1, "2025-01-01", "ORS", 1, 1, 100);
    let mut b = rating(2, "2025-01-01", "ORS", 1, 1, 200);
    let c = rating(3, "2024-12-01", "ORS", 1, 1, 300);
    b.meeting = a.meeting.clone();
    let out = case_outcomes(
        std::slice::from_ref(&s),
        &[a.clone(), b.clone(), c.clone()],
        &MeasureSet::builtin(),
    )
    .expect("valid");
    let totals: Vec<Tenths> = out.subjects[0].series[0]
        .points
        .iter()
        .map(|p| p.total)
        .collect();
    assert_eq!(totals, [Tenths(300), Tenths(100), Tenths(200)]);
    a.meeting = MeetingId::from_random([0xff; 16]);
    let out = case_outcomes(&[s], &[a, b, c], &MeasureSet::builtin()).expect("valid");
    let totals: Vec<Tenths> = out.subjects[0].series[0]
        .points
        .iter()
        .map(|p| p.total)
        .collect();
    assert_eq!(totals, [Tenths(300), Tenths(200), Tenths(100)]);
}

#[test]
fn refuses_unknown_measures_and_subjects() {
    let s = adult();
    let unknown = rating(1, "2025-01-01", "PHQ9", 1, 1, 100);
    assert_eq!(
        case_outcomes(std::slice::from_ref(&s), &[unknown], &MeasureSet::builtin()),
        Err(CoreError::UnknownMeasure("PHQ9".into()))
    );
    let stranger = rating(1, "2025-01-01", "ORS", 8, 1, 100);
    assert!(matches!(
        case_outcomes(&[s], &[stranger], &MeasureSet::builtin()),
        Err(CoreError::NotInCase(_))
    ));
}

#[test]
fn team_overrides_change_thresholds() {
    let set = MeasureSet::builtin()
        .with_overrides(&[r#"{"id": "ORS", "reliable_change": 6}"#])
        .expect("valid");
    let s = adult();
    let ratings = [
        rating(1, "2025-01-01", "ors", 1, 1, 200),
        rating(2, "2025-02-01", "ORS", 1, 1, 259),
    ];
    let out = case_outcomes(&[s], &ratings, &set).expect("valid");
    let series = &out.subjects[0].series[0];
    assert_eq!(series.measure, "ORS");
    assert_eq!(series.reliable_change, Some(ReliableChange::None));
}

#[test]
fn serialises_to_the_fixed_json_shape() {
    let s = subject(1, Some("1980-05-05"), PersonRole::Parent);
    let mut r1 = rating(1, "2025-01-02", "ORS", 1, 1, 0);
    r1.items = vec![Tenths(50), Tenths(61), Tenths(70), Tenths(53)];
    let r2 = rating(2, "2025-02-02", "ORS", 1, 1, 300);
    let out = case_outcomes(
        std::slice::from_ref(&s),
        &[r2.clone(), r1.clone()],
        &MeasureSet::builtin(),
    )
    .expect("valid");
    let expected = serde_json::json!({"subjects": [{
        "person": s.person.as_str(),
        "name": "P1",
        "series": [{
            "measure": "ORS",
            "rater": s.person.as_str(),
            "cutoff": 25.0,
            "points": [
                {"date": "2025-01-02", "meeting": r1.meeting.as_str(), "rating": r1.rating.as_str(),
                 "items": [5.0, 6.1, 7.0, 5.3], "total": 23.4, "cutoff": 25.0, "below_cutoff": true},
                {"date": "2025-02-02", "meeting": r2.meeting.as_str(), "rating": r2.rating.as_str(),
                 "items": [7.5, 7.5, 7.5, 7.5], "total": 30.0, "cutoff": 25.0, "below_cutoff": false}
            ],
            "first": 23.4, "last": 30.0, "change": 6.6,
            "reliable_change": "improved",
            "clinically_significant": true,
            "flags": []
        }]
    }]});
    assert_eq!(serde_json::to_value(&out).expect("serialises"), expected);
    let srs = series_of(&adult(), "SRS", &[400, 400]);
    let v = serde_json::to_value(&srs).expect("serialises");
    assert_eq!(v["reliable_change"], serde_json::Value::Null);
    assert_eq!(v["clinically_significant"], serde_json::Value::Null);
    assert_eq!(v["flags"], serde_json::json!(["srs_always_max"]));
}

#[test]
fn flags_summary_is_the_union() {
    let child = subject(1, Some("2015-01-01"), PersonRole::Child);
    let parent = subject(2, Some("1985-01-01"), PersonRole::Parent);
    let ratings = [
        rating(1, "2025-01-01", "CORS", 1, 1, 300),
        rating(2, "2025-02-01", "CORS", 1, 1, 240),
        rating(3, "2025-01-01", "SRS", 2, 2, 400),
        rating(4, "2025-02-01", "SRS", 2, 2, 400),
    ];
    let out = case_outcomes(&[child, parent], &ratings, &MeasureSet::builtin()).expect("valid");
    let summary: Vec<Flag> = flags_summary(&out).into_iter().collect();
    assert_eq!(
        summary,
        [Flag::BelowCutoff, Flag::Deteriorated, Flag::SrsAlwaysMax]
    );
    let empty = Outcomes { subjects: vec![] };
    assert!(flags_summary(&empty).is_empty());
}

// ---- Expected response ----

fn episodes(list: &[&[i32]]) -> Vec<Vec<Tenths>> {
    list.iter()
        .map(|e| e.iter().map(|&t| Tenths(t)).collect())
        .collect()
}

fn curve_of(
    model: &dyn ExpectedResponse,
    intake: i32,
    sessions: usize,
) -> Vec<(usize, i32, i32, i32)> {
    model
        .expected("ORS", Tenths(intake), sessions)
        .expect("curve")
        .points
        .iter()
        .map(|p| (p.session, p.expected.0, p.low.0, p.high.0))
        .collect()
}

#[test]
fn local_norms_need_enough_episodes() {
    fn check(list: &[&[i32]], min: usize, expected: Option<(usize, usize)>) {
        let got = LocalNorms::from_closed_episodes("ORS", &episodes(list), min).err();
        let expected = expected.map(|(have, need)| EtrUnavailable::NotEnoughData { have, need });
        assert_eq!(got, expected, "{list:?} min {min}");
    }
    check(&[], 3, Some((0, 3)));
    check(&[&[100, 200], &[150, 250], &[200]], 3, Some((2, 3)));
    check(&[&[100, 200], &[150, 250], &[200, 300]], 3, None);
    check(&[&[100, 200], &[150, 250], &[200, 300]], 4, Some((3, 4)));
    // Fewer than three can never be fitted, whatever the guard says.
    check(&[&[100, 200], &[150, 250]], 1, Some((2, 3)));
}

#[test]
fn local_norms_fit_a_line_per_session_and_carry_it_forward() {
    // Session 2 lies exactly on total = 10 + 0.5 × intake (points); session 3 has two
    // episodes only, so session 2's line is carried forward.
    let norms = LocalNorms::from_closed_episodes(
        "ORS",
        &episodes(&[&[100, 150, 390], &[200, 200, 400], &[300, 250]]),
        3,
    )
    .expect("enough");
    assert_eq!(norms.episodes(), 3);
    assert_eq!(
        curve_of(&norms, 160, 4),
        [
            (1, 160, 160, 160),
            (2, 180, 170, 190),
            (3, 180, 170, 190),
            (4, 180, 170, 190)
        ]
    );
    assert_eq!(curve_of(&norms, 160, 0), []);
    assert_eq!(
        norms.expected("SRS", Tenths(160), 3),
        Err(EtrUnavailable::UnknownMeasure("SRS".into()))
    );
    assert!(norms.expected("ors", Tenths(160), 3).is_ok());
}

#[test]
fn local_norms_band_is_the_residual_spread_clamped() {
    // Equal intakes: flat line at the mean (30), residual sd sqrt(200/1) ≈ 14.1 points.
    let norms = LocalNorms::from_closed_episodes(
        "ORS",
        &episodes(&[&[200, 200], &[200, 300], &[200, 400]]),
        3,
    )
    .expect("enough");
    assert_eq!(
        curve_of(&norms, 200, 2),
        [(1, 200, 200, 200), (2, 300, 159, 400)]
    );
}

const PARAMS: &str = r#"{"model": "linear-by-session", "measure": "ORS", "sessions": [
    {"session": 3, "intercept": 20.0, "slope": 0.5, "sd": 0.5},
    {"session": 2, "intercept": 10.0, "slope": 0.5, "sd": 3.0}]}"#;

#[test]
fn etr_parameters_draw_the_same_kind_of_curve() {
    let params = EtrParameters::from_json(PARAMS).expect("valid");
    assert_eq!(params.measure(), "ORS");
    assert_eq!(
        curve_of(&params, 200, 4),
        [
            (1, 200, 200, 200),
            (2, 200, 170, 230),
            (3, 300, 290, 310),
            (4, 300, 290, 310)
        ]
    );
    // Clamped to 0..=40.
    assert_eq!(curve_of(&params, 400, 3)[2], (3, 400, 390, 400));
    assert_eq!(
        params.expected("CORS", Tenths(100), 2),
        Err(EtrUnavailable::UnknownMeasure("CORS".into()))
    );
}

#[test]
fn etr_parameters_refuse_nonsense() {
    fn check(text: &str, reason_part: &str) {
        match EtrParameters::from_json(text) {
            Err(CoreError::InvalidEtrParameters(reason)) => {
                assert!(reason.contains(reason_part), "{text}: {reason}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let with = |session: &str| {
        format!(r#"{{"model": "linear-by-session", "measure": "ORS", "sessions": [{session}]}}"#)
    };
    check(&PARAMS.replace("linear-by-session", "vendor-etr"), "model");
    check(&PARAMS.replace("\"ORS\"", "\" \""), "no measure");
    check(&with(""), "no sessions");
    check(
        &with(r#"{"session": 2, "intercept": 1, "slope": 1, "sd": -0.1}"#),
        "negative sd",
    );
    check(
        &with(r#"{"session": 2, "intercept": NaN, "slope": 1, "sd": 1}"#),
        "",
    );
    check(
        &with(r#"{"session": 2, "intercept": 1e400, "slope": 1, "sd": 1}"#),
        "",
    );
    check(
        &with(r#"{"session": 1, "intercept": 1, "slope": 1, "sd": 1}"#),
        "intake",
    );
    check(
        &with(r#"{"session": 3, "intercept": 1, "slope": 1, "sd": 1}"#),
        "start at 3",
    );
    check(
        &with(
            r#"{"session": 2, "intercept": 1, "slope": 1, "sd": 1}, {"session": 2, "intercept": 1, "slope": 1, "sd": 1}"#,
        ),
        "twice",
    );
    check(&with(r#"{"session": 2, "intercept": 1, "slope": 1}"#), "sd");
    check(
        &with(r#"{"session": 2, "intercept": 1, "slope": 1, "sd": 1, "x": 1}"#),
        "unknown field",
    );
    check("[]", "");
}
