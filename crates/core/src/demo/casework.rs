//! Generated casework for demo families: workbook entries in every section, stages of
//! change with change talk, a plan, case supervision (when the demo member may chair it)
//! and hand-entered chronology events.
//! The text is assembled from neutral practice sentences and the family's generated
//! names; it describes no real family.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::case::CaseDoc;
use crate::casework::{
    Decision, EntryKind, Goal, NewChronologyEvent, NewEntry, NewStage, PlanFields, ProblemArea,
    Rag, Risk, Stage, SupervisionFields, WorkbookSection,
};
use crate::permissions::{Action, check};
use crate::team::TeamView;
use crate::{
    ChronologyEventId, CoreError, MemberId, MemberRole, PersonId, PlanId, StageEntryId,
    SupervisionId, WorkbookEntryId,
};

const OPENINGS: &[&str] = &[
    "We met at the family home, as agreed with {parent}.",
    "{parent} talked openly about the last few weeks.",
    "The school contacted us after {child} arrived upset two mornings in a row.",
    "At the meeting {child} chose to sit next to {parent} and drew while we talked.",
    "{parent} said that things at home had been calmer since the last meeting.",
];
const BODY: &[&str] = &[
    "The family describes evenings as the hardest part of the day, when tiredness and money worries meet.",
    "{child} told me that the best part of the week is football on Saturdays and seeing a grandparent.",
    "{parent} recognises that arguments in front of the children frighten them and wants that to stop.",
    "Both parents agreed to keep the children's routines the same on school days, including bedtime.",
    "The domestic abuse practitioner has begun weekly sessions and {parent} has attended every one so far.",
    "{child} scored school lower than home, and said that lunch breaks are lonely.",
    "We looked at the graph together; {parent} noticed that the lines for home were rising.",
    "There is a support network of two neighbours and an aunt who can help with the school run.",
    "{parent} named drinking at weekends as something to work on and set a goal of alcohol-free Fridays.",
    "The children's views were gathered using the three houses tool, in their own words.",
    "Housing has confirmed a repair date for the damp bedroom, which the family sees as a relief.",
    "The health visitor reports that the youngest child's development is on track.",
    "{parent} finds it hard to ask for help and worries that asking means failing.",
    "We agreed that the next step is a family meeting with the wider network present.",
];
const REFLECTIONS: &[&str] = &[
    "My working hypothesis is that the conflict peaks when the family is under financial pressure, and that {child}'s withdrawal at school is linked to what happens at home the night before.",
    "On reflection I may have moved too quickly to the plan; {parent} needed more time to tell the story first.",
    "The collateral ratings differ: the teacher sees less change than the parents. It is worth asking what each of them notices.",
];
const QUOTES: &[&str] = &[
    "I don't want my kids to grow up with the shouting I had.",
    "I could try going one weekend without a drink and see.",
    "I know I need to do something, I'm just not sure what yet.",
    "Since the sessions I walk away before it gets loud.",
];

pub(super) struct Family<'a> {
    pub children: &'a [(PersonId, NaiveDate, String)],
    pub parents: &'a [(PersonId, String)],
    pub opened: NaiveDate,
    pub last_day: NaiveDate,
}

fn fill(template: &str, child: &str, parent: &str) -> String {
    template
        .replace("{child}", child)
        .replace("{parent}", parent)
}

fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or(full)
}

/// A paragraph of roughly `words` words.
pub(super) fn paragraph(rng: &mut impl Rng, child: &str, parent: &str, words: usize) -> String {
    let mut text = fill(OPENINGS.choose(rng).copied().unwrap_or(""), child, parent);
    // Sentences without repeats, then again in a new order for long entries.
    while text.split_whitespace().count() < words {
        for sentence in BODY.choose_multiple(rng, BODY.len()) {
            if text.split_whitespace().count() >= words {
                break;
            }
            text.push(' ');
            text.push_str(&fill(sentence, child, parent));
        }
    }
    text
}

fn id16(rng: &mut impl Rng) -> [u8; 16] {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b
}

/// Adds casework written by `by` (a practitioner on `team`'s roster).
#[allow(clippy::too_many_arguments)]
pub(super) fn add_casework(
    doc: &mut CaseDoc,
    rng: &mut impl Rng,
    family: &Family<'_>,
    team: &TeamView,
    by: &MemberId,
    today: NaiveDate,
    at: &dyn Fn(NaiveDate) -> DateTime<Utc>,
) -> Result<(), CoreError> {
    let (Some((child_id, _, child)), Some((parent_id, parent))) =
        (family.children.first(), family.parents.first())
    else {
        return Ok(());
    };
    let (child, parent) = (first_name(child), first_name(parent));
    let span = (family.last_day - family.opened).num_days().max(1);
    let day =
        |rng: &mut dyn rand::RngCore| family.opened + Duration::days(rng.random_range(0..span));

    for section in WorkbookSection::ALL {
        for _ in 0..rng.random_range(1..=2) {
            let date = day(rng);
            let reflective = rng.random_bool(0.25);
            let text = if reflective {
                fill(
                    REFLECTIONS.choose(rng).copied().unwrap_or(""),
                    child,
                    parent,
                )
            } else {
                paragraph(rng, child, parent, 60)
            };
            let about = if *section == WorkbookSection::Module4 {
                vec![child_id.clone()]
            } else {
                Vec::new()
            };
            doc.write_workbook_entry(
                NewEntry {
                    id: WorkbookEntryId::from_random(id16(rng)),
                    section: *section,
                    kind: if reflective {
                        EntryKind::Reflection
                    } else {
                        EntryKind::Fact
                    },
                    date,
                    about,
                    text,
                },
                team,
                by,
                today,
                at(date),
            )?;
        }
    }

    let mut stage_date = family.opened + Duration::days(7);
    for stage in [Stage::Contemplation, Stage::Preparation, Stage::Action] {
        if stage_date > family.last_day {
            break;
        }
        doc.record_stage(
            NewStage {
                id: StageEntryId::from_random(id16(rng)),
                person: parent_id.clone(),
                problem: *[ProblemArea::DomesticAbuse, ProblemArea::SubstanceMisuse]
                    .choose(rng)
                    .unwrap_or(&ProblemArea::Other),
                stage,
                date: stage_date,
                quote: QUOTES.choose(rng).map(|q| q.to_string()),
            },
            team,
            by,
            today,
            at(stage_date),
        )?;
        stage_date += Duration::days(rng.random_range(30..70));
    }

    let plan_date = (family.opened + Duration::days(14)).min(family.last_day);
    doc.add_plan(
        &PlanId::from_random(id16(rng)),
        &PlanFields {
            date: plan_date,
            goals: vec![
                Goal {
                    goal: format!("We want {child} to feel safe at home in the evenings."),
                    actions: vec![
                        "Keep to the agreed bedtime routine".into(),
                        format!("{parent} leaves the room when an argument starts"),
                    ],
                    who_helps: "Domestic abuse practitioner, aunt".into(),
                    success: format!("{child} says evenings are calm most days"),
                },
                Goal {
                    goal: format!(
                        "{child} goes to school every day and has someone to be with at lunch."
                    ),
                    actions: vec!["Meet the class teacher".into()],
                    who_helps: "Class teacher".into(),
                    success: "Attendance above 95% for a term".into(),
                },
            ],
            risks: vec![Risk {
                risk: "Conflict at weekends when drinking".into(),
                managed: "Alcohol-free weekends; aunt can collect the children".into(),
            }],
            child_views: format!("{child} wants \"no more shouting\" and more time at football."),
            review_date: plan_date + Duration::days(56),
        },
        team,
        by,
        today,
        at(plan_date),
    )?;

    // Case supervision every two to three months, chaired by the demo member when they
    // are a team manager (only a team manager may chair and finalise one).
    let chairs = team.member(by).is_some_and(|m| {
        m.role == MemberRole::TeamManager && check(Action::FinaliseSupervision, m).is_ok()
    });
    let mut date = family.opened + Duration::days(30);
    while chairs && date <= family.last_day {
        let id = SupervisionId::from_random(id16(rng));
        let rag = *[Rag::Red, Rag::Amber, Rag::Amber, Rag::Green]
            .choose(rng)
            .unwrap_or(&Rag::Amber);
        doc.add_supervision(
            &id,
            &SupervisionFields {
                date,
                chair: by.clone(),
                attended: vec![by.clone()],
                sent_summary: Vec::new(),
                progress: [(by.clone(), paragraph(rng, child, parent, 40))]
                    .into_iter()
                    .collect(),
                cycle_of_change: format!(
                    "{parent} is moving from thinking about change to trying it."
                ),
                child_views: format!(
                    "{child} says home is \"a bit better\" and wants the meetings to go on."
                ),
                parent_views: format!("{parent} finds the sessions useful but tiring."),
                impact: format!(
                    "{child} is sleeping better and has been late to school less often."
                ),
                plan: "Continue the plan; review in six weeks.".into(),
                decisions: vec![
                    Decision {
                        decision: "Continue weekly domestic abuse sessions".into(),
                        reason: format!("{parent} attends and reports fewer arguments"),
                    },
                    Decision {
                        decision: "Offer a family network meeting".into(),
                        reason: "The aunt and neighbours can share the school run".into(),
                    },
                ],
                rag: Some(rag),
            },
            team,
            by,
            today,
            at(date),
        )?;
        if date + Duration::days(14) <= family.last_day {
            doc.finalise_supervision(&id, team, by, at(date + Duration::days(1)))?;
        }
        date += Duration::days(rng.random_range(60..90));
    }

    let event_date = day(rng);
    doc.add_chronology_event(
        NewChronologyEvent {
            id: ChronologyEventId::from_random(id16(rng)),
            date: event_date,
            what: format!("{child} moved to a new class after a friendship breakdown."),
            source: Some("School".into()),
            impact: Some(format!(
                "{child} seemed relieved and said lunch breaks were easier."
            )),
        },
        team,
        by,
        today,
        at(event_date),
    )?;
    Ok(())
}
