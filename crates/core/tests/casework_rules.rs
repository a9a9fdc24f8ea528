//! Family Safeguarding casework on a case document: the workbook, case supervision
//! records with sign-off integrity, and stages of change. Every refusal is checked to
//! leave the document byte-for-byte unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase, NewPerson};
use hearth_core::casework::{
    Decision, EntryKind, NewEntry, NewStage, ProblemArea, Rag, SignOffStatus, Stage,
    SupervisionFields, WorkbookSection,
};
use hearth_core::team::{DeviceId, NewTeam, TeamDoc, TeamView};
use hearth_core::{
    CaseId, CoreError, EpisodeId, MemberId, MemberRole, PersonId, PersonRole, StageEntryId,
    SupervisionId, TeamId, WorkbookEntryId,
};

struct Fixture {
    doc: CaseDoc,
    team: TeamView,
    tm: MemberId,
    sw: MemberId,
    dap: MemberId,
    bso: MemberId,
    fit: MemberId,
    mum: PersonId,
    child: PersonId,
    today: NaiveDate,
    now: DateTime<Utc>,
    next: u8,
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
        let dap = add(103, MemberRole::DomesticAbusePractitioner);
        let bso = add(104, MemberRole::BusinessSupport);
        let fit = add(105, MemberRole::FitConsultant);
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
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
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
        Fixture {
            doc,
            team,
            tm,
            sw,
            dap,
            bso,
            fit,
            mum,
            child,
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

    fn entry(
        &mut self,
        by: &MemberId,
        section: WorkbookSection,
        date: &str,
        text: &str,
    ) -> Result<WorkbookEntryId, CoreError> {
        let id = WorkbookEntryId::from_random(self.bytes());
        let now = self.tick();
        self.doc.write_workbook_entry(
            NewEntry {
                id,
                section,
                kind: EntryKind::Fact,
                date: date.parse().unwrap(),
                about: vec![],
                text: text.into(),
            },
            &self.team,
            by,
            self.today,
            now,
        )
    }

    fn fields(&self) -> SupervisionFields {
        SupervisionFields {
            date: "2026-11-20".parse().unwrap(),
            chair: self.tm.clone(),
            attended: vec![self.tm.clone(), self.sw.clone(), self.bso.clone()],
            sent_summary: vec![self.dap.clone()],
            progress: BTreeMap::from([
                (self.sw.clone(), "Visits weekly; mum engaging.".to_string()),
                (
                    self.dap.clone(),
                    "Safer Us group: 3 of 8 sessions.".to_string(),
                ),
            ]),
            cycle_of_change: "Mum moving from contemplation to preparation.".into(),
            child_views: "Wants dad to stop shouting.".into(),
            parent_views: "Mum: things are better.".into(),
            impact: "Fewer incidents reported by school.".into(),
            plan: "Continue group; review in 6 weeks.".into(),
            decisions: vec![Decision {
                decision: "Remain on child protection plan".into(),
                reason: "Too early to see sustained change".into(),
            }],
            rag: Some(Rag::Amber),
        }
    }

    fn supervision(&mut self) -> SupervisionId {
        let id = SupervisionId::from_random(self.bytes());
        let fields = self.fields();
        let (bso, now) = (self.bso.clone(), self.tick());
        self.doc
            .add_supervision(&id, &fields, &self.team, &bso, self.today, now)
            .unwrap();
        id
    }
}

fn not_permitted(result: Result<(), CoreError>, who: &str) {
    match result {
        Err(CoreError::NotPermitted { who_may, .. }) => assert_eq!(who_may, who),
        other => panic!("expected a refusal naming {who}, got {other:?}"),
    }
}

// ---- workbook ----------------------------------------------------------------------

#[test]
fn a_case_without_casework_reads_as_empty() {
    let f = Fixture::new();
    let wb = f.doc.workbook().unwrap();
    assert_eq!(wb.sections.len(), 10);
    assert!(wb.entries().next().is_none());
    assert_eq!(wb.status, SignOffStatus::Draft);
    assert!(f.doc.supervisions().unwrap().is_empty());
    assert!(f.doc.stages_of_change().unwrap().is_empty());
}

#[test]
fn sections_come_in_the_workbook_order_with_their_titles() {
    let mut f = Fixture::new();
    let (sw, dap) = (f.sw.clone(), f.dap.clone());
    f.entry(&dap, WorkbookSection::Module8, "2026-11-01", "views")
        .unwrap();
    f.entry(
        &sw,
        WorkbookSection::CaseWorkerSummary,
        "2026-11-01",
        "summary",
    )
    .unwrap();
    let wb = f.doc.workbook().unwrap();
    let ids: Vec<&str> = wb.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "case-worker-summary",
            "key-information",
            "module-1",
            "module-2",
            "module-3",
            "module-4",
            "module-5",
            "module-6",
            "module-7",
            "module-8"
        ]
    );
    let titles: Vec<&str> = wb.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles[0], "Case Worker Summary");
    assert_eq!(titles[2], "Why are we involved?");
    assert_eq!(
        titles[4],
        "Parents' understanding of the impact of their behaviour on their child(ren)"
    );
    assert_eq!(titles[8], "Analysis & recommendations");
    assert_eq!(wb.sections[0].entries[0].text, "summary");
    assert_eq!(wb.sections[9].entries[0].text, "views");
    assert_eq!(
        wb.sections[9].entries[0].role,
        MemberRole::DomesticAbusePractitioner
    );
}

#[test]
fn entries_are_ordered_by_date_then_as_written() {
    let mut f = Fixture::new();
    let sw = f.sw.clone();
    let s = WorkbookSection::Module2;
    f.entry(&sw, s, "2026-11-10", "third").unwrap();
    f.entry(&sw, s, "2026-11-01", "first").unwrap();
    f.entry(&sw, s, "2026-11-10", "fourth").unwrap();
    f.entry(&sw, s, "2026-11-05", "second").unwrap();
    let wb = f.doc.workbook().unwrap();
    let texts: Vec<&str> = wb.sections[3]
        .entries
        .iter()
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(texts, ["first", "second", "third", "fourth"]);
}

#[test]
fn every_entry_kind_round_trips_and_about_names_people_of_the_case() {
    let mut f = Fixture::new();
    let sw = f.sw.clone();
    for (i, &kind) in EntryKind::ALL.iter().enumerate() {
        let id = WorkbookEntryId::from_random(f.bytes());
        let now = f.tick();
        f.doc
            .write_workbook_entry(
                NewEntry {
                    id: id.clone(),
                    section: WorkbookSection::Module7,
                    kind,
                    date: f.today,
                    about: vec![f.mum.clone(), f.child.clone(), f.mum.clone()],
                    text: format!("entry {i}"),
                },
                &f.team,
                &sw,
                f.today,
                now,
            )
            .unwrap();
        let wb = f.doc.workbook().unwrap();
        let e = wb.entry(&id).unwrap();
        assert_eq!(e.kind, kind);
        assert_eq!(e.about, vec![f.mum.clone(), f.child.clone()]);
    }
    let kinds: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, ["fact", "reflection", "analysis", "hypothesis"]);
    assert_eq!(
        "Hypothesis".parse::<EntryKind>().unwrap(),
        EntryKind::Hypothesis
    );
    assert!("opinion".parse::<EntryKind>().is_err());

    let before = f.doc.save();
    let stranger = PersonId::from_random([200; 16]);
    let now = f.tick();
    let err = f
        .doc
        .write_workbook_entry(
            NewEntry {
                id: WorkbookEntryId::from_random([201; 16]),
                section: WorkbookSection::Module1,
                kind: EntryKind::Fact,
                date: f.today,
                about: vec![f.mum.clone(), stranger],
                text: "x".into(),
            },
            &f.team,
            &sw,
            f.today,
            now,
        )
        .unwrap_err();
    assert!(matches!(err, CoreError::NotInCase(_)), "{err:?}");
    assert_eq!(f.doc.save(), before);
}

#[test]
fn who_may_write_edit_and_finalise_entries() {
    let mut f = Fixture::new();
    let (sw, dap, bso, fit, tm) = (
        f.sw.clone(),
        f.dap.clone(),
        f.bso.clone(),
        f.fit.clone(),
        f.tm.clone(),
    );
    let before = f.doc.save();
    for who in [&bso, &fit] {
        let err = f
            .entry(who, WorkbookSection::Module1, "2026-11-01", "x")
            .unwrap_err();
        assert!(matches!(err, CoreError::NotPermitted { .. }), "{err:?}");
    }
    assert_eq!(f.doc.save(), before);

    let id = f
        .entry(&dap, WorkbookSection::Module3, "2026-11-01", "DA work")
        .unwrap();
    let before = f.doc.save();
    let now = f.tick();
    not_permitted(
        f.doc
            .edit_workbook_entry(&id, "mine now", &f.team, &sw, now),
        "the entry's author",
    );
    not_permitted(
        f.doc.finalise_workbook_entry(&id, &f.team, &tm, now),
        "the entry's author",
    );
    assert_eq!(f.doc.save(), before);

    f.doc
        .edit_workbook_entry(&id, "DA work, week 2", &f.team, &dap, now)
        .unwrap();
    f.doc
        .finalise_workbook_entry(&id, &f.team, &dap, now)
        .unwrap();
    let before = f.doc.save();
    let err = f
        .doc
        .edit_workbook_entry(&id, "changed", &f.team, &dap, now)
        .unwrap_err();
    assert!(err.to_string().contains("finalised"), "{err}");
    assert!(
        f.doc
            .finalise_workbook_entry(&id, &f.team, &dap, now)
            .is_err()
    );
    assert_eq!(f.doc.save(), before);
    let e = f.doc.workbook().unwrap().entry(&id).unwrap().clone();
    assert_eq!(e.status, SignOffStatus::Signed);
    assert_eq!(e.finalised.unwrap().by, dap);
}

#[test]
fn the_social_worker_finalises_the_workbook_once_every_entry_is_final() {
    let mut f = Fixture::new();
    let (sw, dap, tm) = (f.sw.clone(), f.dap.clone(), f.tm.clone());
    let a = f
        .entry(
            &sw,
            WorkbookSection::CaseWorkerSummary,
            "2026-11-01",
            "summary",
        )
        .unwrap();
    let b = f
        .entry(&dap, WorkbookSection::Module3, "2026-11-02", "DA work")
        .unwrap();
    let now = f.tick();
    not_permitted(
        f.doc.finalise_workbook(&f.team, &tm, now),
        "a social worker",
    );
    let err = f.doc.finalise_workbook(&f.team, &sw, now).unwrap_err();
    assert!(err.to_string().contains("2 workbook entries"), "{err}");

    f.doc
        .finalise_workbook_entry(&a, &f.team, &sw, now)
        .unwrap();
    f.doc
        .finalise_workbook_entry(&b, &f.team, &dap, now)
        .unwrap();
    f.doc.finalise_workbook(&f.team, &sw, now).unwrap();
    let wb = f.doc.workbook().unwrap();
    assert_eq!(wb.status, SignOffStatus::Signed);
    let signed = wb.finalised.clone().unwrap();
    assert_eq!(
        (signed.by.clone(), signed.role),
        (sw.clone(), MemberRole::SocialWorker)
    );
    assert_eq!(signed.hash.len(), 64);
    assert!(f.doc.finalise_workbook(&f.team, &sw, now).is_err());

    // A later entry shows the workbook as amended, naming the new entry.
    let c = f
        .entry(&dap, WorkbookSection::Module5, "2026-11-20", "later")
        .unwrap();
    let wb = f.doc.workbook().unwrap();
    assert_eq!(
        wb.status,
        SignOffStatus::AmendedAfterSignOff {
            changes: vec![c.to_string()]
        }
    );
    assert_eq!(wb.finalised, Some(signed));
    let now = f.tick();
    f.doc
        .finalise_workbook_entry(&c, &f.team, &dap, now)
        .unwrap();
    f.doc.finalise_workbook(&f.team, &sw, now).unwrap();
    let wb = f.doc.workbook().unwrap();
    assert_eq!(wb.status, SignOffStatus::Signed);
    assert_eq!(wb.sign_offs.len(), 2);
}

#[test]
fn concurrent_edits_of_one_entry_keep_both_peoples_words() {
    let mut f = Fixture::new();
    let dap = f.dap.clone();
    let id = f
        .entry(
            &dap,
            WorkbookSection::Module3,
            "2026-11-01",
            "Mum attended the group. She spoke about the children.",
        )
        .unwrap();
    let mut other = f.doc.fork(&DeviceId::from_random([8; 16]).actor([2; 8]));
    let now = f.tick();
    f.doc
        .edit_workbook_entry(
            &id,
            "Mum attended the group on time. She spoke about the children.",
            &f.team,
            &dap,
            now,
        )
        .unwrap();
    other
        .edit_workbook_entry(
            &id,
            "Mum attended the group. She spoke warmly about the children.",
            &f.team,
            &dap,
            now,
        )
        .unwrap();
    f.doc.merge(&mut other).unwrap();
    let wb = f.doc.workbook().unwrap();
    assert_eq!(
        wb.entry(&id).unwrap().text,
        "Mum attended the group on time. She spoke warmly about the children."
    );
}

#[test]
fn an_edit_merged_into_a_finalised_entry_shows_as_amended() {
    let mut f = Fixture::new();
    let dap = f.dap.clone();
    let id = f
        .entry(
            &dap,
            WorkbookSection::Module3,
            "2026-11-01",
            "Signed words.",
        )
        .unwrap();
    let mut other = f.doc.fork(&DeviceId::from_random([8; 16]).actor([2; 8]));
    let now = f.tick();
    f.doc
        .finalise_workbook_entry(&id, &f.team, &dap, now)
        .unwrap();
    other
        .edit_workbook_entry(&id, "Signed words, and more.", &f.team, &dap, now)
        .unwrap();
    f.doc.merge(&mut other).unwrap();
    let wb = f.doc.workbook().unwrap();
    let e = wb.entry(&id).unwrap();
    assert_eq!(
        e.status,
        SignOffStatus::AmendedAfterSignOff {
            changes: vec!["text".into()]
        }
    );
    assert!(
        e.finalised
            .as_ref()
            .unwrap()
            .content
            .contains("\"Signed words.\"")
    );
}

// ---- case supervision ---------------------------------------------------------------

#[test]
fn a_social_worker_cannot_finalise_supervision_and_nothing_changes() {
    let mut f = Fixture::new();
    let id = f.supervision();
    let (sw, bso, fit) = (f.sw.clone(), f.bso.clone(), f.fit.clone());
    let before = f.doc.save();
    let now = f.tick();
    let err = f
        .doc
        .finalise_supervision(&id, &f.team, &sw, now)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "only a team manager may finalise a case supervision record"
    );
    for who in [&bso, &fit] {
        not_permitted(
            f.doc.finalise_supervision(&id, &f.team, who, now),
            "a team manager",
        );
    }
    // Nor may a social worker add or edit the minutes.
    let fields = f.fields();
    not_permitted(
        f.doc
            .edit_supervision(&id, &fields, &f.team, &sw, f.today, now),
        "a team manager or business support",
    );
    assert_eq!(f.doc.save(), before);
    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(view.status, SignOffStatus::Draft);
    assert_eq!(view.fields, f.fields());
    assert_eq!(view.recorded_by, Some(bso));
}

#[test]
fn the_team_manager_finalises_and_the_record_is_then_locked() {
    let mut f = Fixture::new();
    let id = f.supervision();
    let (tm, bso) = (f.tm.clone(), f.bso.clone());
    let now = f.tick();
    f.doc.finalise_supervision(&id, &f.team, &tm, now).unwrap();
    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(view.status, SignOffStatus::Signed);
    let signed = view.finalised.clone().unwrap();
    assert_eq!(
        (signed.by, signed.role, signed.at),
        (tm.clone(), MemberRole::TeamManager, now)
    );

    let before = f.doc.save();
    let mut changed = f.fields();
    changed.rag = Some(Rag::Red);
    let err = f
        .doc
        .edit_supervision(&id, &changed, &f.team, &bso, f.today, now)
        .unwrap_err();
    assert!(err.to_string().contains("finalised"), "{err}");
    not_permitted(
        f.doc
            .amend_supervision(&id, &changed, "wrong rating", &f.team, &bso, f.today, now),
        "a team manager",
    );
    assert!(f.doc.finalise_supervision(&id, &f.team, &tm, now).is_err());
    assert_eq!(f.doc.save(), before);

    // An explicit amendment keeps the old sign-off and says what changed.
    let now = f.tick();
    f.doc
        .amend_supervision(
            &id,
            &changed,
            "rating minuted wrongly",
            &f.team,
            &tm,
            f.today,
            now,
        )
        .unwrap();
    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(
        view.status,
        SignOffStatus::AmendedAfterSignOff {
            changes: vec!["rag".into()]
        }
    );
    assert_eq!(view.amendments.len(), 1);
    assert_eq!(view.amendments[0].reason, "rating minuted wrongly");
    assert!(
        view.finalised
            .unwrap()
            .content
            .contains("\"rag\":\"amber\"")
    );
    f.doc.finalise_supervision(&id, &f.team, &tm, now).unwrap();
    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(view.status, SignOffStatus::Signed);
    assert_eq!(view.sign_offs.len(), 2);
}

#[test]
fn a_change_merged_into_a_finalised_record_shows_as_amended_after_sign_off() {
    let mut f = Fixture::new();
    let id = f.supervision();
    let (tm, bso) = (f.tm.clone(), f.bso.clone());
    // Business support edits the plan on another copy while the manager finalises.
    let mut other = f.doc.fork(&DeviceId::from_random([8; 16]).actor([2; 8]));
    let now = f.tick();
    f.doc.finalise_supervision(&id, &f.team, &tm, now).unwrap();
    let mut edited = f.fields();
    edited.plan = "Continue group; review in 4 weeks.".into();
    other
        .edit_supervision(&id, &edited, &f.team, &bso, f.today, now)
        .unwrap();
    f.doc.merge(&mut other).unwrap();

    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(
        view.status,
        SignOffStatus::AmendedAfterSignOff {
            changes: vec!["plan".into()]
        }
    );
    assert_eq!(view.fields.plan, "Continue group; review in 4 weeks.");
    let signed = view.finalised.unwrap();
    let content = signed.signed_value().unwrap();
    assert_eq!(content["plan"], "Continue group; review in 6 weeks.");
    assert_eq!(content["rag"], "amber");
    assert_eq!(
        hearth_core::casework::sha256_hex(&signed.content),
        signed.hash
    );
}

#[test]
fn supervision_fields_are_checked_against_the_roster() {
    let mut f = Fixture::new();
    let bso = f.bso.clone();
    let before = f.doc.save();
    let now = f.tick();
    let mut bad_chair = f.fields();
    bad_chair.chair = f.sw.clone();
    let mut stranger = f.fields();
    stranger.attended.push(MemberId::from_random([222; 16]));
    let mut no_reason = f.fields();
    no_reason.decisions[0].reason = "  ".into();
    let mut future = f.fields();
    future.date = f.today.succ_opt().unwrap();
    for fields in [bad_chair, stranger, no_reason, future] {
        let id = SupervisionId::from_random([223; 16]);
        assert!(
            f.doc
                .add_supervision(&id, &fields, &f.team, &bso, f.today, now)
                .is_err()
        );
    }
    assert_eq!(f.doc.save(), before);

    let mut unrated = f.fields();
    unrated.rag = None;
    let id = SupervisionId::from_random([224; 16]);
    f.doc
        .add_supervision(&id, &unrated, &f.team, &bso, f.today, now)
        .unwrap();
    let tm = f.tm.clone();
    let err = f
        .doc
        .finalise_supervision(&id, &f.team, &tm, now)
        .unwrap_err();
    assert!(err.to_string().contains("red/amber/green"), "{err}");
}

#[test]
fn concurrent_edits_of_different_supervision_fields_both_survive() {
    let mut f = Fixture::new();
    let id = f.supervision();
    let (tm, bso) = (f.tm.clone(), f.bso.clone());
    let mut other = f.doc.fork(&DeviceId::from_random([8; 16]).actor([2; 8]));
    let now = f.tick();
    let mut a = f.fields();
    a.rag = Some(Rag::Red);
    a.progress.remove(&f.dap);
    f.doc
        .edit_supervision(&id, &a, &f.team, &tm, f.today, now)
        .unwrap();
    let mut b = f.fields();
    b.impact = "Fewer incidents reported by school and GP.".into();
    b.decisions.push(Decision {
        decision: "Refer dad to Better Me".into(),
        reason: "Admits shouting".into(),
    });
    other
        .edit_supervision(&id, &b, &f.team, &bso, f.today, now)
        .unwrap();
    f.doc.merge(&mut other).unwrap();
    let view = f.doc.supervision(&id).unwrap();
    assert_eq!(view.fields.rag, Some(Rag::Red));
    assert_eq!(view.fields.impact, b.impact);
    assert_eq!(view.fields.decisions, b.decisions);
    assert!(!view.fields.progress.contains_key(&f.dap));
}

// ---- stages of change ---------------------------------------------------------------

#[test]
fn stages_of_change_keep_their_history_in_date_order() {
    let mut f = Fixture::new();
    let dap = f.dap.clone();
    let record = |f: &mut Fixture, problem, stage, date: &str, quote: Option<&str>| {
        let id = StageEntryId::from_random(f.bytes());
        let now = f.tick();
        f.doc.record_stage(
            NewStage {
                id,
                person: f.mum.clone(),
                problem,
                stage,
                date: date.parse().unwrap(),
                quote: quote.map(Into::into),
            },
            &f.team,
            &dap,
            f.today,
            now,
        )
    };
    record(
        &mut f,
        ProblemArea::DomesticAbuse,
        Stage::Preparation,
        "2026-10-01",
        Some("I will ring the group."),
    )
    .unwrap();
    record(
        &mut f,
        ProblemArea::DomesticAbuse,
        Stage::PreContemplation,
        "2026-06-01",
        None,
    )
    .unwrap();
    record(
        &mut f,
        ProblemArea::DomesticAbuse,
        Stage::Contemplation,
        "2026-08-01",
        Some("  "),
    )
    .unwrap();
    record(
        &mut f,
        ProblemArea::MentalHealth,
        Stage::Action,
        "2026-09-01",
        None,
    )
    .unwrap();
    let series = f.doc.stages_of_change().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].problem, ProblemArea::DomesticAbuse);
    let stages: Vec<Stage> = series[0].history.iter().map(|e| e.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::PreContemplation,
            Stage::Contemplation,
            Stage::Preparation
        ]
    );
    assert_eq!(series[0].history[1].quote, None);
    assert_eq!(
        series[0].current().unwrap().quote.as_deref(),
        Some("I will ring the group.")
    );
    assert_eq!(series[1].problem, ProblemArea::MentalHealth);

    let before = f.doc.save();
    let (child, bso) = (f.child.clone(), f.bso.clone());
    let now = f.tick();
    let new = |person: PersonId| NewStage {
        id: StageEntryId::from_random([240; 16]),
        person,
        problem: ProblemArea::Other,
        stage: Stage::Relapse,
        date: "2026-11-01".parse().unwrap(),
        quote: None,
    };
    assert!(
        f.doc
            .record_stage(new(child), &f.team, &dap, f.today, now)
            .is_err()
    );
    let mum = f.mum.clone();
    assert!(matches!(
        f.doc.record_stage(new(mum), &f.team, &bso, f.today, now),
        Err(CoreError::NotPermitted { .. })
    ));
    assert_eq!(f.doc.save(), before);
}

#[test]
fn each_edit_commits_once_with_its_action_name_and_no_content() {
    let mut f = Fixture::new();
    let sw = f.sw.clone();
    let id = f
        .entry(&sw, WorkbookSection::Module1, "2026-11-01", "Private words")
        .unwrap();
    let last = |doc: &mut CaseDoc| {
        doc.automerge()
            .get_last_local_change()
            .and_then(|c| c.message().map(str::to_string))
    };
    assert_eq!(last(&mut f.doc).as_deref(), Some("workbook.entry-write"));
    let now = f.tick();
    f.doc
        .finalise_workbook_entry(&id, &f.team, &sw, now)
        .unwrap();
    assert_eq!(last(&mut f.doc).as_deref(), Some("workbook.entry-finalise"));
    f.supervision();
    assert_eq!(last(&mut f.doc).as_deref(), Some("supervision.add"));
}
