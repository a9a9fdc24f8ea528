//! Property: copies of one case edited apart (on different devices) converge when
//! merged in any order, and no edit made on any copy is lost.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase, NewMeeting, NewPerson, NewRating, RatingGiven};
use hearth_core::measures::MeasureSet;
use hearth_core::team::DeviceId;
use hearth_core::{
    CaseId, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId, RatingMode,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Edit {
    AddPerson {
        born_years_ago: u32,
    },
    AddMeeting {
        days_ago: i64,
    },
    Rate {
        meeting: usize,
        subject: usize,
        items: [u8; 4],
    },
    Correct {
        rating: usize,
        items: [u8; 4],
    },
    Notes {
        meeting: usize,
        text: String,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (1u32..60).prop_map(|born_years_ago| Edit::AddPerson { born_years_ago }),
        (0i64..300).prop_map(|days_ago| Edit::AddMeeting { days_ago }),
        (any::<usize>(), any::<usize>(), any::<[u8; 4]>()).prop_map(|(meeting, subject, items)| {
            Edit::Rate {
                meeting,
                subject,
                items,
            }
        }),
        (any::<usize>(), any::<[u8; 4]>())
            .prop_map(|(rating, items)| Edit::Correct { rating, items }),
        (any::<usize>(), "[a-zæøå ]{0,12}")
            .prop_map(|(meeting, text)| Edit::Notes { meeting, text }),
    ]
}

fn values(items: [u8; 4]) -> Vec<String> {
    items
        .iter()
        .map(|v| format!("{}.{}", (v % 101) / 10, (v % 101) % 10))
        .collect()
}

/// Applies an edit if it makes sense on this copy; returns the id it created, if any.
fn apply(doc: &mut CaseDoc, e: &Edit, seed: &mut u64, measures: &MeasureSet) -> Option<String> {
    let now =
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap() + Duration::seconds(*seed as i64);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    *seed += 1;
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = 0xAB;
    let me = MemberId::from_random([3; 16]);
    let view = doc.view().unwrap();
    match e {
        Edit::AddPerson { born_years_ago } => doc
            .add_person(
                NewPerson {
                    id: PersonId::from_random(bytes),
                    name: format!("Person {seed}"),
                    role: PersonRole::Parent,
                    born: Some(today - Duration::days(i64::from(*born_years_ago) * 365 + 30)),
                    party: None,
                },
                today,
                now,
            )
            .ok()
            .map(|id| id.to_string()),
        Edit::AddMeeting { days_ago } => doc
            .add_meeting(
                NewMeeting {
                    id: MeetingId::from_random(bytes),
                    date: today - Duration::days(*days_ago),
                    kind: MeetingKind::Status,
                    present: vec![],
                    notes: String::new(),
                },
                today,
                now,
            )
            .ok()
            .map(|id| id.to_string()),
        Edit::Rate {
            meeting,
            subject,
            items,
        } => {
            if view.meetings.is_empty() || view.people.is_empty() {
                return None;
            }
            let m = &view.meetings[meeting % view.meetings.len()];
            let s = &view.people[subject % view.people.len()];
            let id = RatingId::from_random(bytes);
            doc.record_rating(
                NewRating {
                    id: id.clone(),
                    meeting: m.id.clone(),
                    measure: "ORS".into(),
                    subject: s.id.clone(),
                    rater: None,
                    given: RatingGiven::Items {
                        values: values(*items),
                        mode: RatingMode::Screen,
                    },
                },
                measures,
                &me,
                now,
            )
            .ok()
            .map(|_| id.to_string())
        }
        Edit::Correct { rating, items } => {
            if view.ratings.is_empty() {
                return None;
            }
            let r = &view.ratings[rating % view.ratings.len()];
            doc.correct_rating(&r.id, &values(*items), "typo", measures, &me, now)
                .ok()
                .map(|_| format!("v{seed}"))
        }
        Edit::Notes { meeting, text } => {
            if view.meetings.is_empty() {
                return None;
            }
            let m = &view.meetings[meeting % view.meetings.len()];
            doc.set_meeting_notes(&m.id, text, now)
                .ok()
                .map(|_| String::new())
        }
    }
}

fn base() -> CaseDoc {
    let actor = DeviceId::from_random([1; 16]).actor([0; 8]);
    CaseDoc::create(
        NewCase {
            id: CaseId::from_random([5; 16]),
            first_episode: EpisodeId::from_random([6; 16]),
            family_name: "Kowalczyk".into(),
            reference: None,
            allocated_to: MemberId::from_random([3; 16]),
        },
        &actor,
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn copies_converge_and_keep_every_edit(
        edits in proptest::collection::vec((0usize..3, edit()), 1..30),
        order in Just(()).prop_perturb(|_, mut rng| { let mut o = vec![0usize, 1, 2]; for i in (1..3).rev() { o.swap(i, rng.random_range(0..=i)); } o }),
    ) {
        let measures = MeasureSet::builtin();
        let mut origin = base();
        let mut copies: Vec<CaseDoc> = (0..3u8)
            .map(|i| origin.fork(&DeviceId::from_random([10 + i; 16]).actor([i; 8])))
            .collect();
        let mut seed = 0u64;
        let mut created = Vec::new();
        let mut versions_made = 0usize;
        for (which, e) in &edits {
            if let Some(id) = apply(&mut copies[*which], e, &mut seed, &measures) {
                if id.starts_with('v') { versions_made += 1 } else if !id.is_empty() { created.push(id) }
            }
        }
        // Merge every copy into every other, in a random order.
        let mut merged: Vec<CaseDoc> = Vec::new();
        for &target in &order {
            let mut doc = copies[target].fork(&DeviceId::from_random([50; 16]).actor([target as u8; 8]));
            for &source in &order {
                let mut other = copies[source].fork(&DeviceId::from_random([60; 16]).actor([source as u8; 8]));
                doc.merge(&mut other).unwrap();
            }
            merged.push(doc);
        }
        let first = merged[0].view().unwrap();
        for other in &merged[1..] {
            prop_assert_eq!(&other.view().unwrap(), &first);
        }
        let ids: Vec<String> = first.people.iter().map(|p| p.id.to_string())
            .chain(first.meetings.iter().map(|m| m.id.to_string()))
            .chain(first.ratings.iter().map(|r| r.id.to_string()))
            .collect();
        for id in &created {
            prop_assert!(ids.contains(id), "edit {} lost in the merge", id);
        }
        let versions: usize = first.ratings.iter().map(|r| r.versions.len()).sum();
        prop_assert!(versions >= first.ratings.len() + versions_made);
    }
}

#[test]
fn two_people_editing_the_same_notes_keep_both_their_words() {
    let mut origin = base();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let meeting = origin
        .add_meeting(
            NewMeeting {
                id: MeetingId::from_random([9; 16]),
                date: today,
                kind: MeetingKind::Status,
                present: vec![],
                notes: "Mother attended. Child was quiet.".into(),
            },
            today,
            now,
        )
        .unwrap();
    let mut a = origin.fork(&DeviceId::from_random([21; 16]).actor([1; 8]));
    let mut b = origin.fork(&DeviceId::from_random([22; 16]).actor([2; 8]));
    a.set_meeting_notes(
        &meeting,
        "Mother attended with her sister. Child was quiet.",
        now,
    )
    .unwrap();
    b.set_meeting_notes(
        &meeting,
        "Mother attended. Child was quiet but drew a picture.",
        now,
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let notes = a.view().unwrap().meetings[0].notes.clone();
    assert!(notes.contains("with her sister"), "{notes}");
    assert!(notes.contains("drew a picture"), "{notes}");
}
