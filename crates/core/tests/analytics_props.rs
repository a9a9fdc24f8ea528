//! Properties of the outcome analytics over random valid cases.

use chrono::{Days, NaiveDate};
use hearth_core::analytics::{
    EtrParameters, ExpectedResponse, LocalNorms, RatingInput, ReliableChange, SubjectInput,
    case_outcomes,
};
use hearth_core::measures::{MeasureSet, Purpose};
use hearth_core::{MeetingId, PersonId, PersonRole, RatingId, Tenths};
use proptest::prelude::*;
use std::collections::HashMap;

const ROLES: [PersonRole; 4] = [
    PersonRole::Child,
    PersonRole::Sibling,
    PersonRole::Parent,
    PersonRole::Teacher,
];

fn id_bytes(kind: u8, n: usize) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = kind;
    b[1..9].copy_from_slice(&(n as u64).to_be_bytes());
    b
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Days::new(offset)
}

/// Up to three subjects (persons 0..3); persons 3 and 4 only rate.
fn subjects() -> impl Strategy<Value = Vec<SubjectInput>> {
    prop::collection::vec((prop::option::of(0u64..12_000), 0usize..4), 1..=3).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (born, role))| SubjectInput {
                person: PersonId::from_random(id_bytes(1, i)),
                name: format!("S{i}"),
                born: born.map(day),
                role: ROLES[role],
            })
            .collect()
    })
}

fn ratings(subject_count: usize) -> impl Strategy<Value = Vec<RatingInput>> {
    let ids = MeasureSet::builtin()
        .ids()
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    let one = (
        0..subject_count,
        0usize..5,
        prop::sample::select(ids),
        9_000u64..14_000,
        prop::collection::vec(0i32..=100, 4),
    );
    prop::collection::vec(one, 0..25).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (subject, rater, measure, date, items))| RatingInput {
                rating: RatingId::from_random(id_bytes(2, i)),
                meeting: MeetingId::from_random(id_bytes(3, i)),
                date: day(date),
                measure,
                subject: PersonId::from_random(id_bytes(1, subject)),
                rater: PersonId::from_random(id_bytes(1, rater)),
                items: items.into_iter().map(Tenths).collect(),
            })
            .collect()
    })
}

fn case() -> impl Strategy<Value = (Vec<SubjectInput>, Vec<RatingInput>, Vec<RatingInput>)> {
    subjects().prop_flat_map(|subjects| {
        let n = subjects.len();
        ratings(n).prop_flat_map(move |ratings| {
            let shuffled = Just(ratings.clone()).prop_shuffle();
            (Just(subjects.clone()), Just(ratings), shuffled)
        })
    })
}

proptest! {
    #[test]
    fn outcomes_hold_their_rules((subjects, ratings, shuffled) in case()) {
        let set = MeasureSet::builtin();
        let out = case_outcomes(&subjects, &ratings, &set).expect("valid case");
        let by_id: HashMap<&RatingId, &RatingInput> = ratings.iter().map(|r| (&r.rating, r)).collect();
        let mut seen: HashMap<RatingId, usize> = HashMap::new();
        for subject in &out.subjects {
            for series in &subject.series {
                let measure = set.get(&series.measure).expect("known");
                for p in &series.points {
                    // (1) totals are item sums within 0..=40
                    prop_assert_eq!(p.total, p.items.iter().copied().sum::<Tenths>());
                    prop_assert!(p.total >= Tenths(0) && p.total <= Tenths(400));
                    let input = by_id[&p.rating];
                    prop_assert_eq!(&input.subject, &subject.person);
                    prop_assert_eq!(&input.rater, &series.rater);
                    *seen.entry(p.rating.clone()).or_default() += 1;
                }
                prop_assert!(series.points.windows(2).all(|w| w[0].date <= w[1].date));
                if measure.purpose == Purpose::Outcome {
                    // (3) improved iff change >= 5
                    prop_assert_eq!(
                        series.reliable_change == Some(ReliableChange::Improved),
                        series.change >= Tenths(50)
                    );
                } else {
                    prop_assert_eq!(series.reliable_change, None);
                    prop_assert_eq!(series.clinically_significant, None);
                }
                // (4) clinically significant implies improved and crossing the cut-off
                if series.clinically_significant == Some(true) {
                    let cutoff = series.cutoff.expect("a cut-off");
                    prop_assert_eq!(series.reliable_change, Some(ReliableChange::Improved));
                    prop_assert!(series.first < cutoff && cutoff <= series.last);
                }
            }
        }
        // (2) every rating appears exactly once
        prop_assert_eq!(seen.len(), ratings.len());
        prop_assert!(seen.values().all(|&n| n == 1));
        // (5) input order does not matter
        let again = case_outcomes(&subjects, &shuffled, &set).expect("valid case");
        prop_assert_eq!(again, out);
    }

    #[test]
    fn local_norm_bands_are_ordered_and_in_range(
        episodes in prop::collection::vec(prop::collection::vec(0i32..=400, 0..12), 0..30),
        min in 0usize..10,
        intake in 0i32..=400,
        sessions in 0usize..15,
    ) {
        let episodes: Vec<Vec<Tenths>> =
            episodes.into_iter().map(|e| e.into_iter().map(Tenths).collect()).collect();
        if let Ok(norms) = LocalNorms::from_closed_episodes("ORS", &episodes, min) {
            let curve = norms.expected("ORS", Tenths(intake), sessions).expect("curve");
            prop_assert_eq!(curve.points.len(), sessions);
            for (i, p) in curve.points.iter().enumerate() {
                // (6) low <= expected <= high within 0..=40
                prop_assert_eq!(p.session, i + 1);
                prop_assert!(Tenths(0) <= p.low && p.low <= p.expected);
                prop_assert!(p.expected <= p.high && p.high <= Tenths(400));
            }
        }
    }

    #[test]
    fn parameter_file_bands_are_ordered_and_in_range(
        lines in prop::collection::vec((-100.0f64..100.0, -3.0f64..3.0, 0.0f64..20.0), 1..8),
        intake in 0i32..=400,
        sessions in 0usize..15,
    ) {
        let sessions_json: Vec<String> = lines
            .iter()
            .enumerate()
            .map(|(i, (a, b, sd))| {
                format!(r#"{{"session": {}, "intercept": {a}, "slope": {b}, "sd": {sd}}}"#, i + 2)
            })
            .collect();
        let text = format!(
            r#"{{"model": "linear-by-session", "measure": "ORS", "sessions": [{}]}}"#,
            sessions_json.join(",")
        );
        let params = EtrParameters::from_json(&text).expect("valid parameters");
        let curve = params.expected("ORS", Tenths(intake), sessions).expect("curve");
        for p in &curve.points {
            prop_assert!(Tenths(0) <= p.low && p.low <= p.expected);
            prop_assert!(p.expected <= p.high && p.high <= Tenths(400));
        }
    }
}
