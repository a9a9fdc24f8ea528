//! Generated demo families: realistic shapes of casework (children of every age band,
//! parents and teachers as raters, meetings every few weeks, improving, flat and
//! worsening trajectories, closed episodes) with names put together at random from
//! common first names and surnames, never real people. Seeded, so a demo is repeatable.

use automerge::ActorId;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::seq::IndexedRandom;

mod casework;

use crate::case::{CaseDoc, NewCase, NewMeeting, NewPerson, NewRating, RatingGiven};
use crate::measures::MeasureSet;
use crate::{
    CaseId, CoreError, EpisodeId, MeetingId, MeetingKind, MemberId, PersonId, PersonRole, RatingId,
    RatingMode, age_on,
};

// Letters from Danish, Welsh, Polish and Turkish names on purpose: every export and
// screen must carry them.
const CHILD_NAMES: &[&str] = &[
    "Freja",
    "Søren",
    "Ida",
    "Mads",
    "Åse",
    "Emil",
    "Alma",
    "Oskar",
    "Rhys",
    "Gwenllïan",
    "Dafydd",
    "Siân",
    "Zofia",
    "Łucja",
    "Jakub",
    "Wojciech",
    "Elif",
    "Çağrı",
    "Ayşe",
    "Doğan",
    "Noah",
    "Lily",
    "Jack",
    "Amara",
    "Yusuf",
    "Maja",
    "Ella",
    "Liam",
    "Nora",
    "Ståle",
];
const ADULT_NAMES: &[&str] = &[
    "Mette",
    "Jørgen",
    "Birgitte",
    "Torben",
    "Hanne",
    "Bjørn",
    "Carys",
    "Gethin",
    "Ffion",
    "Małgorzata",
    "Paweł",
    "Grażyna",
    "Gülşen",
    "Mehmet",
    "Şeyma",
    "Sarah",
    "David",
    "Claire",
    "Mark",
    "Aisha",
    "Tomasz",
    "Lærke",
    "Rasmus",
    "Eirlys",
];
const SURNAMES: &[&str] = &[
    "Østergård",
    "Kjærsgaard",
    "Møller",
    "Nørgaard",
    "Lindqvist",
    "Pryce",
    "Llywelyn",
    "Bowen",
    "Wŷn",
    "Kowalczyk",
    "Wiśniewska",
    "Łukasiewicz",
    "Zieliński",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Doğru",
    "Hughes",
    "Okafor",
    "Bennett",
    "Ahmed",
    "Sørensen",
    "Holm",
    "Brzęczek",
];
const TEACHER_NAMES: &[&str] = &[
    "Class teacher",
    "Day-care pedagogue",
    "After-school pedagogue",
];
const NOT_GIVEN: &[&str] = &[
    "declined today",
    "no time at the end of the meeting",
    "too upset to score",
    "phone line too poor",
];

/// How one rater's well-being scores move over the episode.
#[derive(Clone, Copy)]
enum Trend {
    Improving,
    Flat,
    Worsening,
}

pub struct DemoOptions {
    pub cases: usize,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub allocated_to: MemberId,
    /// The roster, when the demo should also write casework (workbook, stages, plan,
    /// chronology) as `allocated_to`; skipped when that member's role may not.
    pub team: Option<crate::team::TeamView>,
}

fn id16(rng: &mut impl Rng) -> [u8; 16] {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b
}

fn pick<'a>(rng: &mut impl Rng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("Alex")
}

/// Four item values (as typed strings) that add up to about `total` points.
fn items_for(rng: &mut dyn rand::RngCore, total: f64) -> Vec<String> {
    if total >= 40.0 {
        return vec!["10".to_string(); 4];
    }
    let base = (total / 4.0).clamp(0.0, 10.0);
    (0..4)
        .map(|_| {
            let v = (base + rng.random_range(-1.2..1.2)).clamp(0.0, 10.0);
            format!("{:.1}", (v * 10.0).round() / 10.0)
        })
        .collect()
}

/// Generates `options.cases` families through the same validated edits a worker makes.
pub fn generate(
    rng: &mut impl Rng,
    options: &DemoOptions,
    measures: &MeasureSet,
    actor: &ActorId,
) -> Result<Vec<CaseDoc>, CoreError> {
    (0..options.cases)
        .map(|i| generate_case(rng, options, measures, actor, i))
        .collect()
}

fn generate_case(
    rng: &mut impl Rng,
    o: &DemoOptions,
    measures: &MeasureSet,
    actor: &ActorId,
    index: usize,
) -> Result<CaseDoc, CoreError> {
    let surname = pick(rng, SURNAMES);
    let months_open: i64 = rng.random_range(2..16);
    let opened = o.today - Duration::days(months_open * 30 + rng.random_range(0..30));
    // Dates in the past get times in the past too, so the history reads in order.
    let at = |d: NaiveDate| -> DateTime<Utc> {
        d.and_hms_opt(10, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(o.now)
            .min(o.now)
    };
    let mut doc = CaseDoc::create(
        NewCase {
            id: CaseId::from_random(id16(rng)),
            first_episode: EpisodeId::from_random(id16(rng)),
            family_name: surname.to_string(),
            reference: Some(format!("DEMO-{:04}", index + 1)),
            allocated_to: o.allocated_to.clone(),
        },
        actor,
        opened,
        at(opened),
    )?;

    // Family: 1-3 children across the age bands, one or two parents, sometimes a teacher.
    let mut children = Vec::new();
    let mut child_names = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        let age_days = rng.random_range(2 * 365..17 * 365);
        let born = opened - Duration::days(age_days);
        let name = format!("{} {surname}", pick(rng, CHILD_NAMES));
        let id = doc.add_person(
            NewPerson {
                id: PersonId::from_random(id16(rng)),
                name: name.clone(),
                role: PersonRole::Child,
                born: Some(born),
                party: None,
            },
            o.today,
            at(opened),
        )?;
        child_names.push((id.clone(), born, name));
        children.push((id, born));
    }
    let mut parents = Vec::new();
    let mut parent_names = Vec::new();
    for _ in 0..rng.random_range(1..=2) {
        let born = opened - Duration::days(rng.random_range(24 * 365..50 * 365));
        let name = format!("{} {surname}", pick(rng, ADULT_NAMES));
        let id = doc.add_person(
            NewPerson {
                id: PersonId::from_random(id16(rng)),
                name: name.clone(),
                role: PersonRole::Parent,
                born: Some(born),
                party: None,
            },
            o.today,
            at(opened),
        )?;
        parent_names.push((id.clone(), name));
        parents.push(id);
    }
    let teacher = if rng.random_bool(0.5) {
        Some(doc.add_person(
            NewPerson {
                id: PersonId::from_random(id16(rng)),
                name: pick(rng, TEACHER_NAMES).to_string(),
                role: PersonRole::Teacher,
                born: None,
                party: Some(false),
            },
            o.today,
            at(opened),
        )?)
    } else {
        None
    };

    // A quarter of the families have finished their episode.
    let closes = rng.random_bool(0.25) && months_open >= 4;
    let last_day = if closes {
        o.today - Duration::days(rng.random_range(5..60))
    } else {
        o.today
    };
    let always_forty = rng.random_bool(0.1);
    let trend = *[
        Trend::Improving,
        Trend::Improving,
        Trend::Flat,
        Trend::Worsening,
    ]
    .choose(rng)
    .unwrap_or(&Trend::Flat);
    let intake: f64 = rng.random_range(10.0..30.0);
    // How far this family's well-being moves in all, approached over the first few
    // months (change in FIT usually comes early and then levels off).
    let total_change: f64 = match trend {
        Trend::Improving => rng.random_range(6.0..16.0),
        Trend::Flat => rng.random_range(-2.0..3.0),
        Trend::Worsening => -rng.random_range(4.0..10.0),
    };

    let mut date = opened + Duration::days(rng.random_range(1..5));
    let mut session = 0.0_f64;
    while date <= last_day {
        let kind = if session == 0.0 {
            MeetingKind::NotificationConsultation
        } else {
            *[
                MeetingKind::Status,
                MeetingKind::ChildInterview,
                MeetingKind::Assessment,
                MeetingKind::CarePlan,
                MeetingKind::Network,
            ]
            .choose(rng)
            .unwrap_or(&MeetingKind::Status)
        };
        let mut present: Vec<PersonId> = children.iter().map(|c| c.0.clone()).collect();
        present.extend(parents.iter().cloned());
        if kind == MeetingKind::Network {
            present.extend(teacher.iter().cloned());
        }
        let meeting = doc.add_meeting(
            NewMeeting {
                id: MeetingId::from_random(id16(rng)),
                date,
                kind,
                present: present.clone(),
                notes: String::new(),
            },
            o.today,
            at(date),
        )?;
        let well_being = |rng: &mut dyn rand::RngCore, shift: f64| -> f64 {
            let drift = total_change * (1.0 - (-session / 4.0).exp());
            (intake + shift + drift + rng.random_range(-2.0..2.0)).clamp(0.0, 40.0)
        };
        let rate = |doc: &mut CaseDoc,
                    rng: &mut dyn rand::RngCore,
                    measure: &str,
                    subject: &PersonId,
                    rater: &PersonId,
                    total: f64|
         -> Result<(), CoreError> {
            let given = if rng.random_bool(0.04) {
                RatingGiven::NotGiven {
                    reason: NOT_GIVEN.choose(rng).copied().unwrap_or("declined").into(),
                }
            } else {
                RatingGiven::Items {
                    values: items_for(rng, total),
                    mode: if kind == MeetingKind::Phone {
                        RatingMode::Phone
                    } else {
                        RatingMode::Screen
                    },
                }
            };
            let mut id = [0u8; 16];
            rng.fill(&mut id);
            doc.record_rating(
                NewRating {
                    id: RatingId::from_random(id),
                    meeting: meeting.clone(),
                    measure: measure.to_string(),
                    subject: subject.clone(),
                    rater: Some(rater.clone()),
                    given,
                },
                measures,
                &o.allocated_to,
                at(date),
            )?;
            Ok(())
        };
        for (child, born) in &children {
            let age = age_on(*born, date);
            let outcome = match age {
                0..=5 => "YCORS",
                6..=12 => "CORS",
                _ => "ORS",
            };
            let shift = rng.random_range(-3.0..3.0);
            let v = well_being(rng, shift);
            rate(&mut doc, rng, outcome, child, child, v)?;
            for parent in &parents {
                let v = well_being(rng, 2.0);
                rate(&mut doc, rng, "ORS", child, parent, v)?;
            }
            if let (Some(t), MeetingKind::Network) = (&teacher, kind) {
                let v = well_being(rng, -1.0);
                rate(&mut doc, rng, "ORS", child, t, v)?;
            }
            if kind.allows_session_rating() {
                let session_measure = match age {
                    0..=5 => "YCSRS",
                    6..=12 => "CSRS",
                    _ => "SRS",
                };
                let srs = if always_forty {
                    40.0
                } else {
                    rng.random_range(31.0..40.0)
                };
                rate(&mut doc, rng, session_measure, child, child, srs)?;
            }
        }
        for parent in &parents {
            let v = well_being(rng, 4.0);
            rate(&mut doc, rng, "ORS", parent, parent, v)?;
        }
        session += 1.0;
        date += Duration::days(rng.random_range(14..36));
    }
    if let Some(team) = &o.team {
        let may_write = team.member(&o.allocated_to).is_some_and(|m| {
            crate::permissions::check(crate::permissions::Action::WriteWorkbookEntry, m).is_ok()
        });
        if may_write {
            let family = casework::Family {
                children: &child_names,
                parents: &parent_names,
                opened,
                last_day,
            };
            casework::add_casework(&mut doc, rng, &family, team, &o.allocated_to, o.today, &at)?;
        }
    }
    if closes {
        doc.close_episode(
            last_day,
            "Goals reached; family supported by universal services",
            o.today,
            at(last_day),
        )?;
    }
    Ok(doc)
}
